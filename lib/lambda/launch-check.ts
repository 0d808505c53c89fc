/**
 * Invokes a function with a LaunchRequest and judges the answer as Alexa
 * would. The release smoke test (a version or alias) and deploy:function's
 * check of `$LATEST` both stand on this, so they cannot disagree about what
 * "answers" means.
 */
import { InvokeCommand, ResourceNotFoundException, type LambdaClient } from "@aws-sdk/client-lambda";
import type { EnvironmentConfig } from "../../config";
import { alexaResponseProblems, clip, isObject, launchRequest, spoken } from "../alexa/launch";

export interface LaunchCheck {
  /** Empty when the answer is a well-formed Alexa response. */
  problems: string[];
  /** The version that answered, as Lambda reports it. */
  executedVersion?: string;
  /** What the skill said, for the log. */
  speech?: string;
}

/**
 * `qualifier` undefined invokes the unqualified function (`$LATEST`), which is
 * what the development endpoint and CodeBuild's role point at. Errors of the
 * call itself (throttling, access) are thrown; everything the function did
 * wrong is a problem in the result.
 */
export async function checkLaunch(
  lambda: LambdaClient,
  config: Pick<EnvironmentConfig, "skill">,
  options: { functionName: string; qualifier?: string; now: Date },
): Promise<LaunchCheck> {
  const { functionName, qualifier } = options;
  const request = launchRequest(config as EnvironmentConfig, options.now);
  let result;
  try {
    result = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        ...(qualifier !== undefined && { Qualifier: qualifier }),
        InvocationType: "RequestResponse",
        Payload: Buffer.from(JSON.stringify(request)),
      }),
    );
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return { problems: [`${functionName}${qualifier ? `:${qualifier}` : ""} does not exist (${error.message})`] };
    throw error;
  }
  const executed = result.ExecutedVersion !== undefined ? { executedVersion: result.ExecutedVersion } : {};
  const text = Buffer.from(result.Payload ?? new Uint8Array()).toString("utf8");
  let answer: unknown;
  try {
    answer = text === "" ? undefined : JSON.parse(text);
  } catch {
    return { ...executed, problems: [`the answer is not JSON: ${clip(text)}`] };
  }
  if (result.FunctionError) {
    const error = isObject(answer) ? answer : {};
    const type = typeof error.errorType === "string" ? error.errorType : result.FunctionError;
    const message = typeof error.errorMessage === "string" ? error.errorMessage : clip(text);
    return { ...executed, problems: [`the function failed with ${type}: ${message}`] };
  }
  const speech = spoken(answer);
  return { ...executed, problems: alexaResponseProblems(answer), ...(speech !== undefined && { speech }) };
}
