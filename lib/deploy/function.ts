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
import type { EnvironmentConfig } from "../../config";
import type { Clock } from "../clock";
import { OperationFailed, PipelineError, UsageError } from "../errors";
import { recordFromTags, writeCommitRecord, type CommitRecord } from "../lambda/commit-record";
import { downloadCode, getFunction, type FunctionCode } from "../lambda/download-code";
import { checkLaunch } from "../lambda/launch-check";
import type { Output } from "../output";
import { needsS3Upload } from "../package";
import { NO_HISTORY, shortCommit, versionDescription, type CommitHistory, type ResolveCommit } from "../lambda/commit";
import { compareWithRecord, refuseOlderBuild, type BuildCommit } from "./commit-order";
import { lambdaCall, readLatest, type FunctionRef } from "./function-ref";
import { isSettled, latestOf, updateStatus, waitForLatest, waitUntilSettled } from "../lambda/latest";
import { checkHandlerInPackage, formatBytes, loadPackage, packageFromZip, type DeploymentPackage, type PackageSource } from "./package-input";
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
  /**
   * The skill whose LaunchRequest `$LATEST` must answer after an update
   * (invariant 8); its previous code is put back when it does not.
   */
  launch: Pick<EnvironmentConfig, "skill">;
}

export interface DeployFunctionDeps {
  lambda: LambdaClient;
  /** Called only when the package goes through S3. */
  s3: () => S3Client;
  output: Output;
  clock: Clock;
  /** The commit being deployed: recorded on the function, and the description of a published version. */
  resolveCommit: ResolveCommit;
  /** The checkout's git history, to refuse an older build; default: none known. */
  history?: CommitHistory;
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
  /** What `$LATEST` answered to a LaunchRequest after the update. */
  launchCheck?: { speech?: string };
  /** The commit `$LATEST` is recorded to hold afterwards. */
  record?: CommitRecord;
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
  const fetched = await awsStep(ref, "GetFunction", () => getFunction(ref.lambda, fn));
  const build = await buildCommit(deps);
  const record = recordFromTags(fetched.tags);
  // The same code from an older commit changes nothing, so it is no regression: the record keeps the newer commit.
  let keepRecord = false;
  if (build !== undefined) {
    const order = await compareWithRecord(build, record, current.CodeSha256, deps.history ?? NO_HISTORY);
    const sameCode = current.CodeSha256 === pkg.codeSha256 && current.LastUpdateStatus !== "Failed";
    if (order.order === "older" && !sameCode) throw refuseOlderBuild(fn, order.why);
    keepRecord = order.order === "older";
    output.info(`Commit ${shortCommit(build.commit)}: ${order.why}.`);
  } else {
    output.warn("No commit is known (CODEBUILD_RESOLVED_SOURCE_VERSION is unset and --repo is not a git checkout): the commit $LATEST holds is not recorded, and older builds cannot be told apart.");
  }

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
    planned.push({ service: "lambda", operation: "Invoke", parameters: { FunctionName: fn, Payload: "<LaunchRequest>" } });
  }
  let deployed = current;
  let launchCheck: DeployResult["launchCheck"];
  if (!unchanged && !options.dryRun) {
    // Saved before anything changes, so a failed download leaves $LATEST as it was.
    const previous = await savePrevious(ref, current, fetched.location, deps);
    deployed = await update(ref, pkg, plan, current, options, deps);
    launchCheck = await checkOrRestore(ref, pkg, deployed, previous, options, deps);
  }
  const newRecord = build !== undefined && !keepRecord ? { commit: build.commit, codeSha256: pkg.codeSha256, ...(build.committedAt !== undefined && { committedAt: build.committedAt }) } : undefined;
  const recorded = newRecord !== undefined ? await recordCommit(ref, fetched.configuration.FunctionArn, record, newRecord, planned, options, deps) : undefined;

  // Tagging moves the function's RevisionId: publish from a read made after it (its CodeSha256 precondition still holds).
  if (options.publish && !options.dryRun && recorded !== undefined && recorded !== record) deployed = await readLatest(ref);
  const published = options.publish ? await publish(ref, pkg, deployed, build?.commit, planned, options, deps) : undefined;
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
    ...(launchCheck !== undefined && { launchCheck }),
    ...(recorded !== undefined && { record: recorded }),
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
  commit: string | undefined,
  planned: PlannedCall[],
  options: DeployFunctionOptions,
  deps: DeployFunctionDeps,
): Promise<{ version: string; created: boolean } | undefined> {
  if (options.dryRun) {
    const description = versionDescription(deps.clock.now(), commit);
    planned.push({ service: "lambda", operation: "PublishVersion", parameters: { FunctionName: ref.functionName, CodeSha256: pkg.codeSha256, Description: description } });
    return undefined;
  }
  try {
    // A read that is not Successful means somebody else's update is being applied: wait for it here, then keep this
    // package's CodeSha256 as the precondition. Left to publishLatest, the wait would return the settled read whole,
    // and the version would hold their code under this build's commit.
    const settled = await waitForLatest(
      { lambda: ref.lambda, output: deps.output, clock: deps.clock },
      { functionName: ref.functionName, current: latestOf(deployed), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) },
    );
    const latest = { ...settled, codeSha256: pkg.codeSha256 };
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

async function buildCommit(deps: DeployFunctionDeps): Promise<BuildCommit | undefined> {
  const commit = await deps.resolveCommit();
  if (commit === undefined) return undefined;
  const committedAt = await (deps.history ?? NO_HISTORY).committedAt(commit);
  return { commit, ...(committedAt !== undefined && { committedAt }) };
}

/** The code $LATEST has now, to put back if the new code does not answer. */
async function savePrevious(ref: FunctionRef, current: FunctionConfiguration, location: string | undefined, deps: DeployFunctionDeps): Promise<FunctionCode | undefined> {
  if (current.LastUpdateStatus === "Failed" || current.CodeSha256 === undefined) {
    deps.output.warn(`The last update of ${ref.functionName} failed, so there is no known-good code to put back if this package does not answer.`);
    return undefined;
  }
  if (location === undefined) throw new OperationFailed(`Lambda gave no download location for ${ref.functionName}'s code, so it could not be saved before the update; nothing was changed.`);
  const saved = await downloadCode(location, current.CodeSha256, { functionName: ref.functionName, clock: deps.clock });
  deps.output.info(`Saved the code $LATEST has now (${formatBytes(saved.zip.length)}, SHA-256 ${saved.codeSha256}), to put back if the new code does not answer.`);
  return saved;
}

/**
 * Invariant 8: `$LATEST` answers a LaunchRequest after the update, or the
 * code it had before is put back. Either way a failure is reported with what
 * `$LATEST` holds at the end.
 */
async function checkOrRestore(
  ref: FunctionRef,
  pkg: DeploymentPackage,
  deployed: FunctionConfiguration,
  previous: FunctionCode | undefined,
  options: DeployFunctionOptions,
  deps: DeployFunctionDeps,
): Promise<{ speech?: string }> {
  const { output } = deps;
  let problems: string[];
  let speech: string | undefined;
  try {
    const check = await checkLaunch(ref.lambda, options.launch, { functionName: ref.functionName, now: new Date(deps.clock.now()) });
    problems = check.problems;
    speech = check.speech;
  } catch (error) {
    // Unable to ask is not an answer: the new code is not proven, so it does not stay.
    problems = [`it could not be invoked: ${(error as Error).message}`];
  }
  if (problems.length === 0) {
    output.info(`$LATEST answered a LaunchRequest${speech ? `: "${speech.length > 80 ? `${speech.slice(0, 80)}…` : speech}"` : ""}.`);
    return speech !== undefined ? { speech } : {};
  }
  const failed = `The new code (SHA-256 ${pkg.codeSha256}) is on $LATEST of ${ref.functionName} but does not answer a LaunchRequest: ${problems.join("; ")}.`;
  output.warn(failed);
  if (previous === undefined) {
    throw new OperationFailed(`${failed} No earlier working code was known, so $LATEST keeps the new code (SHA-256 ${pkg.codeSha256}). Fix the skill and push again.`);
  }
  const restored = await restore(ref, previous, deployed, options, deps);
  throw new OperationFailed(`${failed} ${restored} Fix the skill and push again.`);
}

/** Puts `previous` back on $LATEST and says plainly what $LATEST holds afterwards. */
async function restore(ref: FunctionRef, previous: FunctionCode, deployed: FunctionConfiguration, options: DeployFunctionOptions, deps: DeployFunctionDeps): Promise<string> {
  deps.output.info(`Putting the previous code (SHA-256 ${previous.codeSha256}) back on $LATEST.`);
  try {
    const pkg = packageFromZip(previous.zip, `the previous code of ${ref.functionName}`);
    const plan = planUpload({ functionName: ref.functionName, size: pkg.size, sha256Hex: pkg.sha256Hex, bucket: options.bucket, needsS3Upload: deps.needsS3Upload ?? needsS3Upload });
    await update(ref, pkg, plan, deployed, options, deps);
    const answer = await checkLaunch(ref.lambda, options.launch, { functionName: ref.functionName, now: new Date(deps.clock.now()) }).catch((e: unknown) => ({ problems: [(e as Error).message] }));
    const after = answer.problems.length === 0 ? "it answers the LaunchRequest again" : `but it does not answer either (${answer.problems.join("; ")})`;
    deps.output.info(`Restored: $LATEST has the previous code again (SHA-256 ${previous.codeSha256}), ${after}.`);
    return `The previous code was put back: $LATEST has SHA-256 ${previous.codeSha256} again, verified by its hash, and ${after}.`;
  } catch (error) {
    const now = await readLatest(ref).then(
      (c) => `$LATEST now reports SHA-256 ${c.CodeSha256 ?? "(none)"} (${c.CodeSha256 === previous.codeSha256 ? "the previous code" : c.CodeSha256 === deployed.CodeSha256 ? "the NEW, BROKEN code" : "neither the previous nor the new code"}), last update ${updateStatus(c)}`,
      () => "what $LATEST holds now could not be read",
    );
    const reason = error instanceof Error ? error.message : String(error);
    deps.output.warn(`Putting the previous code back failed: ${reason}`);
    return `Putting the previous code back FAILED (${reason}); ${now}. Deploy a working package (push a fix, or run deploy:function with the last good package) as soon as possible.`;
  }
}

/**
 * Records which commit $LATEST holds, unless the record says so already.
 * A failure to record does not fail the deploy: the record's hash would not
 * match $LATEST, so readers treat the commit as unknown rather than wrong.
 */
async function recordCommit(
  ref: FunctionRef,
  functionArn: string | undefined,
  previous: CommitRecord | undefined,
  next: CommitRecord,
  planned: PlannedCall[],
  options: DeployFunctionOptions,
  deps: DeployFunctionDeps,
): Promise<CommitRecord | undefined> {
  if (previous?.commit === next.commit && previous.codeSha256 === next.codeSha256 && previous.committedAt === next.committedAt) return previous;
  if (functionArn === undefined) return undefined;
  if (options.dryRun) {
    planned.push({ service: "lambda", operation: "TagResource", parameters: { Resource: functionArn, Commit: next.commit, CodeSha256: next.codeSha256 } });
    return undefined;
  }
  try {
    await writeCommitRecord(ref.lambda, functionArn, next);
    deps.output.info(`Recorded on ${ref.functionName}: $LATEST holds commit ${shortCommit(next.commit)} (SHA-256 ${next.codeSha256}).`);
    return next;
  } catch (error) {
    deps.output.warn(
      `Could not record the commit on ${ref.functionName} (lambda:TagResource: ${(error as Error).message}). ` +
        "Releases will describe versions of this code by the date alone, and the next deploy cannot tell whether it is older.",
    );
    return undefined;
  }
}

function awsStep<T>(ref: FunctionRef, operation: string, call: () => Promise<T>): Promise<T> {
  return call().catch((error: unknown) => {
    if (error instanceof PipelineError) throw error;
    throw translateAwsError(error, lambdaCall(ref, operation));
  });
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
