import { randomUUID } from "node:crypto";
import { InvokeCommand, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import type { EnvironmentConfig } from "../../../config";
import { OperationFailed } from "../../errors";
import type { ReleaseDeps } from "../deps";
import { isPlannedVersion } from "./publish";

/**
 * Invariant 5's check: before an endpoint or the live alias moves to a
 * version, that version answers a LaunchRequest the way Alexa needs, and
 * after the move the alias does too. It invokes the function directly (not
 * through SMAPI's simulation), so it works for a version no stage points at.
 */

/** A LaunchRequest as Alexa sends it, with this skill's ID where skills check it. */
export function launchRequest(config: Pick<EnvironmentConfig, "skill">, at: Date, requestId = `amzn1.echo-api.request.${randomUUID()}`) {
  const application = { applicationId: config.skill.id };
  const user = { userId: "amzn1.ask.account.alexa-skill-pipeline-smoke-test" };
  return {
    version: "1.0",
    session: { new: true, sessionId: `amzn1.echo-api.session.${randomUUID()}`, application, attributes: {}, user },
    context: {
      System: {
        application,
        user,
        device: { deviceId: "amzn1.ask.device.alexa-skill-pipeline-smoke-test", supportedInterfaces: {} },
        apiEndpoint: "https://api.amazonalexa.com",
      },
    },
    request: {
      type: "LaunchRequest",
      requestId,
      // Alexa sends whole seconds.
      timestamp: at.toISOString().replace(/\.\d{3}Z$/, "Z"),
      locale: config.skill.locales[0] ?? "en-US",
      shouldLinkResultBeReturned: false,
    },
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** What is wrong with an answer as an Alexa response; empty when it is well-formed. */
export function alexaResponseProblems(answer: unknown): string[] {
  if (answer === undefined) return ["the answer is empty"];
  if (!isObject(answer)) return [`the answer is ${answer === null ? "null" : Array.isArray(answer) ? "an array" : `a ${typeof answer}`}, not an Alexa response object`];
  const problems: string[] = [];
  if (typeof answer.version !== "string") problems.push("it has no \"version\" string");
  const response = answer.response;
  if (!isObject(response)) {
    problems.push("it has no \"response\" object");
    return problems;
  }
  const speech = response.outputSpeech;
  const directives = response.directives;
  if (speech !== undefined) {
    if (!isObject(speech)) problems.push("response.outputSpeech is not an object");
    else if (speech.type === "PlainText") {
      if (typeof speech.text !== "string" || speech.text.trim() === "") problems.push("response.outputSpeech is PlainText without text");
    } else if (speech.type === "SSML") {
      if (typeof speech.ssml !== "string" || !/^\s*<speak>[\s\S]*<\/speak>\s*$/.test(speech.ssml)) problems.push("response.outputSpeech is SSML without ssml wrapped in <speak>…</speak>");
    } else problems.push(`response.outputSpeech has type ${JSON.stringify(speech.type)}, not PlainText or SSML`);
  }
  if (directives !== undefined && !Array.isArray(directives)) problems.push("response.directives is not an array");
  const hasDirectives = Array.isArray(directives) && directives.length > 0;
  if (speech === undefined && !hasDirectives) problems.push("response has neither outputSpeech nor directives, so Alexa would answer the launch with silence");
  return problems;
}

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
  deps: Pick<ReleaseDeps, "lambda" | "config" | "output" | "clock" | "dryRun">,
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

function spoken(answer: unknown): string | undefined {
  const speech = isObject(answer) && isObject(answer.response) ? answer.response.outputSpeech : undefined;
  if (!isObject(speech)) return undefined;
  const text = typeof speech.text === "string" ? speech.text : typeof speech.ssml === "string" ? speech.ssml : undefined;
  return text?.trim();
}

function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
