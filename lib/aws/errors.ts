/**
 * AWS SDK errors turned into the contract's typed errors, with a message a
 * person can act on: which call, on what, and what to check. Throttling and
 * 5xx have already been retried by the SDK's standard strategy by the time an
 * error gets here. Anything that is not an AWS or network error is a bug and
 * is passed through untouched, to keep its stack.
 */
import { ConcurrentChange, OperationFailed, UsageError, type PipelineError } from "../errors";

export interface AwsCall {
  /** The IAM action, e.g. `lambda:UpdateFunctionCode`: what a policy must allow. */
  action: string;
  /** What it acts on, for people, e.g. `function BostonInfoSkill in us-east-1`. */
  target: string;
  /** What a missing resource means for this call. */
  notFound?: string;
  /** What a 409/412 means for this call. */
  conflict?: string;
  /** Advice when access is denied, e.g. which role grants the action. */
  accessHint?: string;
}

interface SdkError extends Error {
  $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string };
  code?: string;
}

const CREDENTIAL_ERRORS = new Set([
  "CredentialsProviderError",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "InvalidAccessKeyId",
  "ExpiredTokenException",
  "ExpiredToken",
  "TokenRefreshRequired",
]);
const THROTTLING_ERRORS = new Set(["TooManyRequestsException", "ThrottlingException", "Throttling", "SlowDown", "RequestLimitExceeded"]);
const ACCESS_ERRORS = new Set(["AccessDeniedException", "AccessDenied"]);
const NOT_FOUND_ERRORS = new Set(["ResourceNotFoundException", "NoSuchBucket", "NoSuchKey", "NotFound", "ParameterNotFound"]);
// ParameterAlreadyExists: a parameter created by someone else between our read and our PutParameter.
const CONFLICT_ERRORS = new Set(["PreconditionFailedException", "ResourceConflictException", "PreconditionFailed", "ParameterAlreadyExists"]);
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"]);

/** Sends one AWS call and translates its failure. */
export async function awsCall<T>(call: AwsCall, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw translateAwsError(error, call);
  }
}

export function translateAwsError(error: unknown, call: AwsCall): unknown {
  if (!(error instanceof Error)) return error;
  const e = error as SdkError;
  const isNetwork = (e.code !== undefined && NETWORK_CODES.has(e.code)) || e.name === "TimeoutError";
  if (e.$metadata === undefined && !CREDENTIAL_ERRORS.has(e.name) && !isNetwork) return error;
  return typed(e, call, isNetwork);
}

function typed(e: SdkError, call: AwsCall, isNetwork: boolean): PipelineError {
  const said = `(${e.name}: ${e.message}${requestSuffix(e)})`;
  if (isNetwork) {
    return new OperationFailed(
      `Could not reach AWS for ${call.action} on ${call.target}${attemptsSuffix(e)}: ${e.code ?? e.name} ${e.message}. ` +
        `Check the network, and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_${serviceOf(call.action)} if they are set.`,
    );
  }
  if (CREDENTIAL_ERRORS.has(e.name)) {
    return new UsageError(
      `AWS refused the credentials for ${call.action} ${said}. Check which credentials are in use ` +
        "(AWS_PROFILE, AWS_ACCESS_KEY_ID, an expired SSO or session token: `aws sts get-caller-identity` tells).",
    );
  }
  if (ACCESS_ERRORS.has(e.name) || e.$metadata?.httpStatusCode === 403) {
    return new OperationFailed(
      `Access denied: these credentials may not call ${call.action} on ${call.target} ${said}.` + (call.accessHint ? ` ${call.accessHint}` : ""),
    );
  }
  if (NOT_FOUND_ERRORS.has(e.name) || e.$metadata?.httpStatusCode === 404) {
    return new UsageError(`${call.notFound ?? `${call.target} does not exist`} ${said}`);
  }
  if (CONFLICT_ERRORS.has(e.name)) {
    return new ConcurrentChange(`${call.conflict ?? `${call.target} was changed by someone else meanwhile`} ${said}`);
  }
  if (THROTTLING_ERRORS.has(e.name)) {
    return new OperationFailed(`AWS kept throttling ${call.action} on ${call.target}${attemptsSuffix(e)} ${said}. Run again in a few minutes.`);
  }
  if (e.name === "RequestEntityTooLargeException" || e.$metadata?.httpStatusCode === 413) {
    return new UsageError(`The package is too large for a direct upload ${said}. Pass --s3-bucket <bucket> (or set PACKAGE_BUCKET) to upload it through S3.`);
  }
  if (e.name === "CodeStorageExceededException") {
    return new OperationFailed(
      `The account's Lambda code storage is full ${said}. Delete versions that no alias points at (npm run status lists them), then run again.`,
    );
  }
  return new OperationFailed(`${call.action} on ${call.target} failed${attemptsSuffix(e)} ${said}`);
}

/** The SDK's service name in endpoint variables, from the IAM action (`ssm:PutParameter` → `SSM`). */
function serviceOf(action: string): string {
  return (action.split(":")[0] ?? "").toUpperCase().replace(/-/g, "_");
}

function attemptsSuffix(e: SdkError): string {
  const attempts = e.$metadata?.attempts;
  return attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : "";
}

function requestSuffix(e: SdkError): string {
  const id = e.$metadata?.requestId;
  return id ? `; request ${id}` : "";
}
