import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { EnvironmentConfig } from "../../config";
import type { Clock } from "../clock";
import type { Output } from "../output";
import type { SmapiClient } from "../smapi/client";
import type { DryRunPlan } from "../dry-run";

/**
 * Everything a release command talks to, injected: the real clients in
 * production, the emulators in tests.
 */
export interface ReleaseDeps {
  lambda: LambdaClient;
  /** For the canary's metrics and alarm (npm run promote -- --canary, status); the commands that need it say so when it is missing. */
  cloudwatch?: CloudWatchClient;
  smapi: SmapiClient;
  config: EnvironmentConfig;
  output: Output;
  clock: Clock;
  /** The skill commit a published version is described by (SKILL_COMMIT or CODEBUILD_RESOLVED_SOURCE_VERSION; see wire.ts). */
  resolveCommit?: () => Promise<string | undefined>;
  /** Set for --dry-run: mutating calls are listed here instead of made. */
  dryRun?: DryRunPlan;
}
