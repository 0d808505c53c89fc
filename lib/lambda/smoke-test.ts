import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { EnvironmentConfig } from "../../config";
import { clip } from "../alexa/launch";
import type { Clock } from "../clock";
import type { DryRunPlan } from "../dry-run";
import { OperationFailed } from "../errors";
import type { Output } from "../output";
import { checkLaunch } from "./launch-check";
import { isPlannedVersion } from "./publish";

/**
 * Invariant 5's check: before an endpoint or the live alias moves to a
 * version, that version answers a LaunchRequest the way Alexa needs, and
 * after the move the alias does too. It invokes the function directly (not
 * through SMAPI's simulation), so it works for a version no stage points at.
 */

export class SmokeTestFailed extends OperationFailed {
  constructor(
    readonly qualifier: string,
    readonly problems: string[],
  ) {
    super(`${describeQualifier(qualifier)} failed its smoke test (a LaunchRequest): ${problems.join("; ")}.`);
  }
}

export interface SmokeTestResult {
  qualifier: string;
  /** The version that answered; undefined when only planned. */
  executedVersion?: string;
  /** What the skill said, for the log. */
  speech?: string;
  planned?: true;
}

function describeQualifier(qualifier: string, capital = true): string {
  const kind = /^\d+$/.test(qualifier) ? "version" : qualifier === "$LATEST" ? "" : "alias";
  if (!kind) return qualifier;
  return `${capital ? kind[0]!.toUpperCase() + kind.slice(1) : kind} ${qualifier}`;
}

/**
 * Invokes the function at `qualifier` (a version or an alias) with a
 * LaunchRequest and requires a well-formed Alexa response; a failure
 * (SmokeTestFailed) says what was wrong, with the function's own error
 * message. `expectVersion` also requires that version to have answered (an
 * alias right after a move). Invoking changes no state, so it runs under
 * --dry-run too, except when `planned` says that the qualifier does not yet
 * hold what is meant to be tested (a version not published, an alias not
 * moved): then the check is only listed.
 */
export async function smokeTest(
  deps: { lambda: LambdaClient; config: Pick<EnvironmentConfig, "skill" | "function">; output: Output; clock: Clock; dryRun?: DryRunPlan | undefined },
  options: { qualifier: string; expectVersion?: string; planned?: boolean },
): Promise<SmokeTestResult> {
  const { qualifier } = options;
  const functionName = deps.config.function.name;
  if (deps.dryRun && (options.planned || isPlannedVersion(qualifier) || (options.expectVersion !== undefined && isPlannedVersion(options.expectVersion)))) {
    const what = `invoke ${functionName}:${qualifier} with a LaunchRequest and check the answer (smoke test)`;
    deps.dryRun.record(what);
    deps.output.info(`would ${what}`);
    return { qualifier, planned: true };
  }
  const result = await checkLaunch(deps.lambda, deps.config, { functionName, qualifier, now: new Date(deps.clock.now()) });
  const problems = [...result.problems];
  if (options.expectVersion !== undefined && result.executedVersion !== undefined && result.executedVersion !== options.expectVersion) {
    problems.push(`version ${result.executedVersion} answered instead of version ${options.expectVersion}`);
  }
  if (problems.length > 0) throw new SmokeTestFailed(qualifier, problems);
  const { speech } = result;
  deps.output.info(
    `Smoke test passed: ${describeQualifier(qualifier, false)}${result.executedVersion && result.executedVersion !== qualifier ? ` (version ${result.executedVersion})` : ""} ` +
      `answered the LaunchRequest${speech ? `: "${clip(speech, 80)}"` : ""}.`,
  );
  return { qualifier, ...(result.executedVersion ? { executedVersion: result.executedVersion } : {}), ...(speech ? { speech } : {}) };
}

