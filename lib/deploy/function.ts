/**
 * `deploy:function`: put a package on `$LATEST`, wait until Lambda has
 * applied it, and prove it by its hash. What CodeBuild runs on every push, in
 * place of the seed's `deploy_tools.py -f`, which printed errors and exited 0.
 *
 * Idempotent: when `$LATEST` already has the package's SHA-256 nothing is
 * uploaded, so a re-run after any failure converges.
 */
import type { FunctionConfiguration, LambdaClient } from "@aws-sdk/client-lambda";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Clock } from "../clock";
import { OperationFailed, PipelineError, UsageError } from "../errors";
import type { Output } from "../output";
import { needsS3Upload } from "../package";
import { versionDescription, type ResolveCommit } from "../lambda/commit";
import { lambdaCall, readLatest, type FunctionRef } from "./function-ref";
import { isSettled, latestOf, updateStatus, waitUntilSettled } from "../lambda/latest";
import { checkHandlerInPackage, formatBytes, loadPackage, type DeploymentPackage, type PackageSource } from "./package-input";
import { publishLatest } from "../lambda/publish";
import { translateAwsError } from "../aws/errors";
import { uploadCalls, uploadCode, type PlannedCall } from "./upload";
import { planUpload, type PackageBucket, type UploadPlan } from "./upload-plan";

export interface DeployFunctionOptions {
  functionName: string;
  region: string;
  source: PackageSource;
  /** Where to stage packages that go through S3; required only for those. */
  bucket?: PackageBucket;
  publish: boolean;
  dryRun: boolean;
  /** Limit of each wait for an update to finish. */
  timeoutMs: number;
}

export interface DeployFunctionDeps {
  lambda: LambdaClient;
  /** Called only when the package goes through S3. */
  s3: () => S3Client;
  output: Output;
  clock: Clock;
  /** Only called with `publish`. */
  resolveCommit: ResolveCommit;
  /** Lambda's direct-upload limit; tests lower it instead of building a 50 MB package. */
  needsS3Upload?: (size: number) => boolean;
}

/** The `--json` result. */
export interface DeployResult {
  functionName: string;
  region: string;
  codeSha256: string;
  size: number;
  /** With `dryRun`, what a real run would do. */
  action: "skipped" | "updated";
  /** How the package went (or would go) to Lambda; with "skipped", the path an update would take. */
  upload: "direct" | "s3";
  s3?: { bucket: string; key: string };
  version?: string;
  /** False when Lambda returned a version published earlier, because the code had not changed since. */
  versionCreated?: boolean;
  dryRun?: true;
  plannedCalls?: PlannedCall[];
  durationMs: number;
}

export async function deployFunction(options: DeployFunctionOptions, deps: DeployFunctionDeps): Promise<DeployResult> {
  const { output, clock } = deps;
  const started = clock.now();
  const ref: FunctionRef = { lambda: deps.lambda, functionName: options.functionName, region: options.region };
  const fn = options.functionName;

  const pkg = await loadPackage(options.source);
  output.info(`Package ${pkg.origin}: ${formatBytes(pkg.size)}, ${pkg.files} file${pkg.files === 1 ? "" : "s"}, SHA-256 ${pkg.codeSha256}`);
  const plan = planUpload({
    functionName: fn,
    size: pkg.size,
    sha256Hex: pkg.sha256Hex,
    bucket: options.bucket,
    needsS3Upload: deps.needsS3Upload ?? needsS3Upload,
  });

  const current = await settledLatest(ref, options, deps);
  output.info(`${fn} in ${options.region}: $LATEST has SHA-256 ${current.CodeSha256 ?? "(none)"}, last update ${updateStatus(current)}`);
  // The function's own handler and runtime, as Lambda has them: the package must hold that file (invariant 8).
  checkHandlerInPackage(pkg, current.Handler, current.Runtime);

  const planned: PlannedCall[] = [];
  // After a failed update the reported hash proves nothing about the code that runs: upload again.
  const unchanged = current.CodeSha256 === pkg.codeSha256 && current.LastUpdateStatus !== "Failed";
  if (current.CodeSha256 === pkg.codeSha256 && !unchanged) {
    output.info(`$LATEST reports this package, but its last update failed (${failureReason(current)}); uploading it again.`);
  }
  if (unchanged) {
    output.info("$LATEST already has this package: nothing to upload.");
  } else if (options.dryRun) {
    planned.push(...uploadCalls(ref, pkg, plan, current.RevisionId));
  }
  const deployed = unchanged || options.dryRun ? current : await update(ref, pkg, plan, current, options, deps);

  const published = options.publish ? await publish(ref, pkg, deployed, planned, options, deps) : undefined;
  if (options.dryRun) reportDryRun(output, planned);

  const durationMs = clock.now() - started;
  const result: DeployResult = {
    functionName: fn,
    region: options.region,
    codeSha256: pkg.codeSha256,
    size: pkg.size,
    action: unchanged ? "skipped" : "updated",
    upload: plan.kind,
    ...(plan.kind === "s3" && { s3: { bucket: plan.bucket, key: plan.key } }),
    ...(published && { version: published.version, versionCreated: published.created }),
    ...(options.dryRun && { dryRun: true as const, plannedCalls: planned }),
    durationMs,
  };
  if (!options.dryRun) output.info(summary(result, pkg));
  return result;
}

/** `$LATEST` once no earlier update is in flight: Lambda refuses a second one meanwhile. */
async function settledLatest(ref: FunctionRef, options: DeployFunctionOptions, deps: DeployFunctionDeps): Promise<FunctionConfiguration> {
  const read = await readLatest(ref);
  if (read.PackageType === "Image") {
    throw new UsageError(`${ref.functionName} runs a container image; deploy:function deploys .zip packages only.`);
  }
  if (isSettled(read)) return read;
  if (options.dryRun) {
    deps.output.info(`An update of ${ref.functionName} is in progress (${updateStatus(read)}); a real run would wait for it to finish first.`);
    return read;
  }
  deps.output.info(`An earlier update of ${ref.functionName} is still in progress; waiting for it to finish first.`);
  const settled = await waitForUpdate(ref, `the earlier update of ${ref.functionName}`, options.timeoutMs, deps);
  if (settled.LastUpdateStatus === "Failed") {
    deps.output.warn(`The earlier update of ${ref.functionName} failed: ${failureReason(settled)}`);
  }
  return settled;
}

async function update(
  ref: FunctionRef,
  pkg: DeploymentPackage,
  plan: UploadPlan,
  current: FunctionConfiguration,
  options: DeployFunctionOptions,
  deps: DeployFunctionDeps,
): Promise<FunctionConfiguration> {
  const { output, clock } = deps;
  output.info(
    plan.kind === "direct"
      ? `Uploading directly to ${ref.functionName} (ZipFile)`
      : `Uploading through s3://${plan.bucket}/${plan.key} (${plan.reason === "asked" ? "--s3-bucket" : "too large for a direct upload"})`,
  );
  const updateStarted = clock.now();
  await uploadCode(ref, deps.s3, pkg, plan, current.RevisionId);
  const done = await waitForUpdate(ref, `the update of ${ref.functionName}`, options.timeoutMs, deps);
  if (done.LastUpdateStatus === "Failed") {
    throw new OperationFailed(
      `Lambda could not apply the update of ${ref.functionName}: ${failureReason(done)}. $LATEST reports SHA-256 ${done.CodeSha256 ?? "(none)"}.`,
    );
  }
  if (done.CodeSha256 !== pkg.codeSha256) {
    throw new OperationFailed(
      `After the update, $LATEST of ${ref.functionName} has SHA-256 ${done.CodeSha256 ?? "(none)"}, not this package's ${pkg.codeSha256}: ` +
        "someone else uploaded code concurrently. Run again to deploy this package on top, once you know which code should run.",
    );
  }
  output.info(`Update finished (${updateStatus(done)}) after ${seconds(clock.now() - updateStarted)}; $LATEST has SHA-256 ${done.CodeSha256}`);
  return done;
}

/**
 * The release commands' publish step, from the read that showed this
 * package on $LATEST: its CodeSha256 and RevisionId preconditions make sure
 * the version holds this package and nobody else's.
 */
async function publish(
  ref: FunctionRef,
  pkg: DeploymentPackage,
  deployed: FunctionConfiguration,
  planned: PlannedCall[],
  options: DeployFunctionOptions,
  deps: DeployFunctionDeps,
): Promise<{ version: string; created: boolean } | undefined> {
  const commit = await deps.resolveCommit();
  if (commit === undefined) {
    deps.output.warn(
      "No commit is known (CODEBUILD_RESOLVED_SOURCE_VERSION is unset and the package is not inside a git checkout); the version's description carries the date only.",
    );
  }
  if (options.dryRun) {
    const description = versionDescription(deps.clock.now(), commit);
    planned.push({ service: "lambda", operation: "PublishVersion", parameters: { FunctionName: ref.functionName, CodeSha256: pkg.codeSha256, Description: description } });
    return undefined;
  }
  const latest = { ...latestOf(deployed), codeSha256: pkg.codeSha256 };
  try {
    const outcome = await publishLatest(
      { lambda: ref.lambda, output: deps.output, clock: deps.clock, resolveCommit: async () => commit },
      { names: { functionName: ref.functionName }, latest, timeoutMs: options.timeoutMs },
    );
    return { version: outcome.version, created: outcome.outcome === "published" };
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    throw translateAwsError(error, lambdaCall(ref, "PublishVersion"));
  }
}

function reportDryRun(output: Output, planned: readonly PlannedCall[]): void {
  if (planned.length === 0) {
    output.info("Dry run: nothing was changed, and a real run would change nothing either.");
    return;
  }
  // Values with spaces are quoted; `<…>` stands for bytes that are not shown.
  const show = (v: string | number) => (typeof v === "string" && /\s/.test(v) && !/^<[^>]*>$/.test(v) ? JSON.stringify(v) : String(v));
  const lines = planned.map((c) => `  ${c.service}:${c.operation} ${Object.entries(c.parameters).map(([k, v]) => `${k}=${show(v)}`).join(" ")}`);
  output.info(["Dry run: nothing was changed. A real run would call:", ...lines].join("\n"));
}

function summary(result: DeployResult, pkg: DeploymentPackage): string {
  const head = `Done in ${seconds(result.durationMs)}: ${result.functionName} $LATEST `;
  const body =
    result.action === "skipped"
      ? "already had this package, nothing uploaded"
      : `updated (${result.upload === "s3" ? "through S3" : "direct upload"}, ${formatBytes(pkg.size)}, SHA-256 ${result.codeSha256})`;
  const version = result.version === undefined ? "" : result.versionCreated ? `; published version ${result.version}` : `; version ${result.version} already had it`;
  return `${head}${body}${version}.`;
}

function waitForUpdate(ref: FunctionRef, what: string, timeoutMs: number, deps: Pick<DeployFunctionDeps, "clock" | "output">): Promise<FunctionConfiguration> {
  return waitUntilSettled(ref.lambda, {
    functionName: ref.functionName,
    what,
    timeoutMs,
    clock: deps.clock,
    output: deps.output,
    read: () => readLatest(ref),
    onTimeoutAdvice:
      "The update may still finish: run deploy:function again (it waits for it, and uploads nothing if this package is then in place), or allow longer with --timeout.",
  });
}

function failureReason(config: FunctionConfiguration): string {
  const reason = config.LastUpdateStatusReason ?? "no reason given";
  return config.LastUpdateStatusReasonCode ? `${reason} (${config.LastUpdateStatusReasonCode})` : reason;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
