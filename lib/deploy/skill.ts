/**
 * `deploy:skill`: what CodeBuild runs on every push, in one command, runnable
 * on any checkout of the skill. Build and check the package, put it on
 * `$LATEST` (which must then answer, or gets its old code back), upload the
 * interaction models, then skill.json with the development stage's
 * endpoints. Each step stops the later ones on failure (its error carries
 * the exit code); each is idempotent, so an unchanged push uploads nothing.
 */
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { S3Client } from "@aws-sdk/client-s3";
import type { EnvironmentConfig } from "../../config";
import type { BuildOptions, BuiltPackage } from "../build";
import type { Clock } from "../clock";
import type { Output } from "../output";
import type { SmapiClient } from "../smapi/client";
import type { CommitHistory, ResolveCommit } from "../lambda/commit";
import { deployFunction, type DeployResult } from "./function";
import { join } from "node:path";
import { UsageError } from "../errors";
import { formatReport, hasErrors, loadSkillPackage } from "../skill-package";
import { deployManifest, readManifestFile, type DeployManifestResult } from "./manifest";
import { deployModel, type DeployModelResult } from "./model";
import type { PackageBucket } from "./upload-plan";

export interface DeploySkillOptions {
  /** The skill's checkout. */
  repo: string;
  config: EnvironmentConfig;
  dryRun: boolean;
  /** For large packages (PACKAGE_BUCKET). */
  bucket?: PackageBucket;
  /** The environment of the build's hooks and pip (PIP_* settings). */
  env: NodeJS.ProcessEnv;
  /** Limit of each wait for a Lambda update (default 5 minutes). */
  functionTimeoutMs?: number;
  /** Limit of the wait for the model builds and the manifest update. */
  smapiTimeoutMs?: number;
}

export interface DeploySkillDeps {
  buildPackage: (options: BuildOptions) => Promise<BuiltPackage>;
  lambda: LambdaClient;
  s3: () => S3Client;
  smapi: SmapiClient;
  output: Output;
  clock: Clock;
  resolveCommit: ResolveCommit;
  history: CommitHistory;
  /** Lambda's direct-upload limit (tests lower it). */
  needsS3Upload?: (size: number) => boolean;
  /** How often SMAPI statuses are polled (tests and the benchmark shorten it). */
  poll?: { initialDelayMs?: number; maxDelayMs?: number };
}

export interface DeploySkillResult {
  package: { sha256: string; bytes: number; flow: string; skillPackageDir: string };
  function: DeployResult;
  model: DeployModelResult;
  manifest: DeployManifestResult;
  dryRun?: true;
}

const DEFAULT_FUNCTION_TIMEOUT_MS = 300_000;

export async function deploySkill(options: DeploySkillOptions, deps: DeploySkillDeps): Promise<DeploySkillResult> {
  const { output } = deps;
  output.info(`[1/4] Building the package from ${options.repo}`);
  const built = await deps.buildPackage({ repo: options.repo, config: options.config, output, env: options.env });

  // A push whose skill package is broken changes nothing: not even $LATEST, which the later steps would leave out of step with it.
  await checkSkillPackage(built.skillPackageDir);

  output.info(`[2/4] Deploying it to ${options.config.function.name}:$LATEST`);
  const fn = await deployFunction(
    {
      functionName: options.config.function.name,
      region: options.config.region,
      source: { kind: "zip", file: built.zipPath },
      ...(options.bucket !== undefined && { bucket: options.bucket }),
      publish: false,
      dryRun: options.dryRun,
      timeoutMs: options.functionTimeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS,
      launch: options.config,
    },
    {
      lambda: deps.lambda,
      s3: deps.s3,
      output,
      clock: deps.clock,
      resolveCommit: deps.resolveCommit,
      history: deps.history,
      ...(deps.needsS3Upload !== undefined && { needsS3Upload: deps.needsS3Upload }),
    },
  );

  output.info(`[3/4] Interaction models from ${built.skillPackageDir}`);
  const model = await deployModel(
    {
      skillId: options.config.skill.id,
      packageDir: built.skillPackageDir,
      configuredLocales: options.config.skill.locales,
      dryRun: options.dryRun,
      ...(options.smapiTimeoutMs !== undefined && { timeoutMs: options.smapiTimeoutMs }),
      ...(deps.poll !== undefined && { poll: deps.poll }),
    },
    { smapi: deps.smapi, clock: deps.clock, output },
  );

  output.info("[4/4] skill.json to the development stage");
  const manifest = await deployManifest(
    { skillId: options.config.skill.id, packageDir: built.skillPackageDir, dryRun: options.dryRun, ...(options.smapiTimeoutMs !== undefined && { timeoutMs: options.smapiTimeoutMs }) },
    { smapi: deps.smapi, clock: deps.clock, output },
  );

  return {
    package: { sha256: built.sha256, bytes: built.bytes, flow: built.flow, skillPackageDir: built.skillPackageDir },
    function: fn,
    model,
    manifest,
    ...(options.dryRun && { dryRun: true as const }),
  };
}

/** The skill package's models and skill.json, checked locally as steps 3 and 4 will check them. */
async function checkSkillPackage(dir: string): Promise<void> {
  const validation = await loadSkillPackage(dir, { locales: [] });
  if (hasErrors(validation.problems)) {
    throw new UsageError(`The skill package ${dir} has errors, so nothing was deployed ($LATEST included):\n${formatReport(validation.problems)}`);
  }
  await readManifestFile(join(dir, "skill.json"));
}
