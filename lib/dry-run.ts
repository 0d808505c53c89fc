import type { Output } from "./output";

/**
 * --dry-run for every command: mutating calls go through `mutate`, so a dry
 * run provably changes nothing and can list what a real run would do.
 */

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
export async function mutate<T>(deps: { dryRun?: DryRunPlan | undefined; output: Output }, description: string, call: () => Promise<T>): Promise<T | undefined> {
  if (deps.dryRun) {
    deps.dryRun.record(description);
    deps.output.info(`would ${description}`);
    return undefined;
  }
  return call();
}
