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
  /**
   * The skill commit that code with this CodeSha256 was built from, to describe
   * a published version by: the record deploy:function keeps on the function
   * (lib/lambda/commit-record.ts), trusted only when its hash matches.
   */
  resolveCommit?: (codeSha256: string) => Promise<string | undefined>;
  /** Set for --dry-run: mutating calls are listed here instead of made. */
  dryRun?: DryRunPlan;
}
