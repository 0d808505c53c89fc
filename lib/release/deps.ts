import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { EnvironmentConfig } from "../../config";
import type { Clock } from "../clock";
import type { Output } from "../output";
import type { SmapiClient } from "../smapi/client";

/**
 * Everything a release command talks to, injected: the real clients in
 * production, the emulators in tests.
 */
export interface ReleaseDeps {
  lambda: LambdaClient;
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

/** The calls a --dry-run would have made, in order. */
export class DryRunPlan {
  readonly calls: string[] = [];

  record(description: string): void {
    this.calls.push(description);
  }
}

/**
 * Makes a mutating call, or under --dry-run records what it would have been
 * and returns undefined. Every mutating call of a release command goes
 * through here, so a dry run provably changes nothing.
 */
export async function mutate<T>(deps: Pick<ReleaseDeps, "dryRun" | "output">, description: string, call: () => Promise<T>): Promise<T | undefined> {
  if (deps.dryRun) {
    deps.dryRun.record(description);
    deps.output.info(`would ${description}`);
    return undefined;
  }
  return call();
}
