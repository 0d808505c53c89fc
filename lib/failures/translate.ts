/**
 * The one translation of what the AWS SDK, ask-smapi-sdk and our own HTTP
 * layer throw into the contract's typed errors (exit code and a message that
 * says what to fix), applied by the shared entry point (lib/cli.ts) to every
 * command. Configuration and credential problems are exit 2 everywhere;
 * other remote failures exit 1 naming the service, the call and what to do.
 * What it does not recognise is a bug: `undefined`, and the caller keeps the
 * stack.
 */
import { PipelineError, rephrased, UsageError } from "../errors";
import { translateAwsError, isCredentialChainError } from "../aws/errors";
import { explainSmapiError } from "../smapi/errors";
import { awsCallOf, RemoteFailure, explainRemoteFailure } from "./remote";

export function translateError(error: unknown, env: NodeJS.ProcessEnv = {}): PipelineError | undefined {
  const translated = translateBare(error, env);
  const step = stepOf(error);
  if (!translated || !step || translated instanceof UsageError) return translated;
  // A remote failure mid-command: say how far the run got, and that a re-run continues.
  return rephrased(translated, `${step.what} failed: ${translated.message} Nothing after that step was done; run npm run ${step.command} again to continue.`);
}

function translateBare(error: unknown, env: NodeJS.ProcessEnv): PipelineError | undefined {
  if (error instanceof PipelineError) return error;
  if (error instanceof RemoteFailure) return explainRemoteFailure(error);
  if (isInvalidUrl(error)) return invalidEndpoint(error as Error, env);
  if (isCredentialChainError(error) || awsCallOf(error) !== undefined || isAwsSdkError(error)) {
    const aws = translateAwsError(error, undefined, env);
    if (aws instanceof PipelineError) return aws;
  }
  if (isSmapiServiceError(error)) return explainSmapiError(error, { action: "calling SMAPI" });
  return undefined;
}

/** new URL("not a url") inside the SDK: an endpoint variable that is not a URL. */
function isInvalidUrl(error: unknown): boolean {
  return error instanceof TypeError && ((error as { code?: string }).code === "ERR_INVALID_URL" || /Invalid URL/.test(error.message));
}

function invalidEndpoint(error: Error, env: NodeJS.ProcessEnv): UsageError {
  const set = Object.keys(env)
    .filter((name) => /^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/.test(name) && env[name]?.trim())
    .map((name) => `${name}=${JSON.stringify(env[name])}`);
  return new UsageError(
    `An endpoint address is not a URL (${error.message})${set.length > 0 ? `: ${set.join(", ")}` : ""}. ` +
      "An endpoint override takes a full URL such as http://127.0.0.1:4566 (with http:// or https://); correct it or unset it.",
  );
}

function isAwsSdkError(error: unknown): boolean {
  return error instanceof Error && typeof (error as { $metadata?: unknown }).$metadata === "object";
}

function isSmapiServiceError(error: unknown): boolean {
  return error instanceof Error && error.name === "ServiceError" && typeof (error as { statusCode?: unknown }).statusCode === "number";
}

interface Step {
  command: string;
  what: string;
}
const steps = new WeakMap<object, Step>();

/**
 * Remembers on an untranslated error which step of which command it ended,
 * so that the entry point, which has the environment, translates it and
 * still says how far the run got.
 */
export function noteStep(error: unknown, step: Step): void {
  if (typeof error === "object" && error !== null && !steps.has(error)) steps.set(error, step);
}

function stepOf(error: unknown): Step | undefined {
  return typeof error === "object" && error !== null ? steps.get(error) : undefined;
}
