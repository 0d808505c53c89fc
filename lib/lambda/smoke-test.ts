import { InvokeCommand, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { EnvironmentConfig } from "../../config";
import { alexaResponseProblems, clip, isObject, launchRequest, spoken } from "../alexa/launch";
import type { Clock } from "../clock";
import type { DryRunPlan } from "../dry-run";
import { OperationFailed } from "../errors";
import type { Output } from "../output";
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
  const request = launchRequest(deps.config, new Date(deps.clock.now()));
  let result;
  try {
    result = await deps.lambda.send(
      new InvokeCommand({ FunctionName: functionName, Qualifier: qualifier, InvocationType: "RequestResponse", Payload: Buffer.from(JSON.stringify(request)) }),
    );
  } catch (error) {
    if (error instanceof ResourceNotFoundException) throw new SmokeTestFailed(qualifier, [`${functionName}:${qualifier} does not exist (${error.message})`]);
    throw error;
  }
  const text = Buffer.from(result.Payload ?? new Uint8Array()).toString("utf8");
  let answer: unknown;
  try {
    answer = text === "" ? undefined : JSON.parse(text);
  } catch {
    throw new SmokeTestFailed(qualifier, [`the answer is not JSON: ${clip(text)}`]);
  }
  if (result.FunctionError) {
    const error = isObject(answer) ? answer : {};
    const type = typeof error.errorType === "string" ? error.errorType : result.FunctionError;
    const message = typeof error.errorMessage === "string" ? error.errorMessage : clip(text);
    throw new SmokeTestFailed(qualifier, [`the function failed with ${type}: ${message}`]);
  }
  const problems = alexaResponseProblems(answer);
  if (options.expectVersion !== undefined && result.ExecutedVersion !== undefined && result.ExecutedVersion !== options.expectVersion) {
    problems.push(`version ${result.ExecutedVersion} answered instead of version ${options.expectVersion}`);
  }
  if (problems.length > 0) throw new SmokeTestFailed(qualifier, problems);
  const speech = spoken(answer);
  deps.output.info(
    `Smoke test passed: ${describeQualifier(qualifier, false)}${result.ExecutedVersion && result.ExecutedVersion !== qualifier ? ` (version ${result.ExecutedVersion})` : ""} ` +
      `answered the LaunchRequest${speech ? `: "${clip(speech, 80)}"` : ""}.`,
  );
  return { qualifier, ...(result.ExecutedVersion ? { executedVersion: result.ExecutedVersion } : {}), ...(speech ? { speech } : {}) };
}

