/**
 * AWS SDK errors turned into the contract's typed errors, with a message a
 * person can act on: which call, on what, and what to check. Throttling and
 * 5xx have already been retried by the SDK's standard strategy by the time an
 * error gets here. Anything that is not an AWS or network error is a bug and
 * is passed through untouched, to keep its stack.
 */
import { ConcurrentChange, OperationFailed, UsageError, type PipelineError } from "../errors";
import { awsCallOf, transportKind, TRANSPORT_WORDS, type AwsCallInfo, type TransportKind } from "../failures/remote";

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
  $response?: { headers?: Record<string, string> };
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
/** Errors of the SDK's credential chain: nothing was sent. */
const CREDENTIAL_CHAIN_ERRORS = new Set(["CredentialsProviderError", "ProviderError", "TokenProviderError"]);

/** Sends one AWS call and translates its failure. */
export async function awsCall<T>(call: AwsCall, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw translateAwsError(error, call);
  }
}

/**
 * Translates an error of an AWS SDK call. `call` says what the call was; when
 * it is not given, what the client's middleware remembered on the error is
 * used (lib/aws/client-config.ts). `env` names the endpoint overrides in
 * force, so that an unreachable override is reported as configuration.
 */
export function translateAwsError(error: unknown, call?: AwsCall, env: NodeJS.ProcessEnv = {}): unknown {
  if (!(error instanceof Error)) return error;
  const e = error as SdkError;
  const info = awsCallOf(error);
  const described = call ?? describeCall(info);
  if (isCredentialChainError(e)) return credentialsMissing(e, env);
  const transport = transportKind(e);
  if (transport) return unreachable(e, transport, described, info, env);
  if (e.$metadata === undefined && !CREDENTIAL_ERRORS.has(e.name)) return error;
  if (e.name === "SyntaxError" || isHtmlResponse(e)) {
    const status = e.$metadata?.httpStatusCode;
    return new OperationFailed(
      `${described.action} on ${described.target} got an HTML error page${status ? ` (HTTP ${status})` : ""} from ${info?.host ?? "the AWS endpoint"} instead of an AWS answer` +
        `${attemptsSuffix(e)}: a proxy or load balancer answered, not AWS. ${overrideAdvice(info, env) ?? "Check the network's proxy settings, then run again."}`,
    );
  }
  return typed(e, described);
}

/** The SDK found no credentials, or AWS_PROFILE names a profile that does not exist. */
export function isCredentialChainError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return CREDENTIAL_CHAIN_ERRORS.has(error.name) || /Could not load credentials|Profile \S+ could not be found|ProfileNotFound/i.test(`${error.name} ${error.message}`);
}

function credentialsMissing(e: SdkError, env: NodeJS.ProcessEnv): UsageError {
  const profile = env.AWS_PROFILE?.trim();
  const fix = profile
    ? `AWS_PROFILE is ${JSON.stringify(profile)}: check that this profile exists (aws configure list-profiles) and that its SSO session is current (aws sso login --profile ${profile}), or unset AWS_PROFILE.`
    : "Set credentials: AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or `aws sso login`; `aws sts get-caller-identity` shows which credentials are in use.";
  return new UsageError(`No usable AWS credentials (${e.message}). ${fix}`);
}

function describeCall(info: AwsCallInfo | undefined): AwsCall {
  if (!info) return { action: "an AWS call", target: "AWS" };
  return { action: `${info.service.toLowerCase()}:${info.operation}`, target: info.service };
}

/** The variables that override this service's endpoint and are set: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL. */
export function endpointOverrides(service: string | undefined, env: NodeJS.ProcessEnv): Array<[string, string]> {
  const names = [...(service ? [`AWS_ENDPOINT_URL_${service.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`] : []), "AWS_ENDPOINT_URL"];
  return names.flatMap((name) => (env[name]?.trim() ? [[name, env[name]!.trim()] as [string, string]] : []));
}

function overrideAdvice(info: AwsCallInfo | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const [override] = endpointOverrides(info?.service, env);
  if (override) return `${override[0]} is ${override[1]}: start what should answer there, correct it, or unset it to use AWS.`;
  // Without the environment at hand, a host that is not AWS's own can only have come from an override.
  if (info?.host && !/\.amazonaws\.com(\.cn)?(:\d+)?$/.test(info.host)) {
    const variable = `AWS_ENDPOINT_URL_${info.service.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
    return `${info.host} is not an AWS endpoint, so it comes from ${variable} or AWS_ENDPOINT_URL: start what should answer there, correct it, or unset it to use AWS.`;
  }
  return undefined;
}

function unreachable(e: SdkError, kind: TransportKind, call: AwsCall, info: AwsCallInfo | undefined, env: NodeJS.ProcessEnv): PipelineError {
  const where = info?.host ? ` at ${info.host}` : "";
  const what = `${call.action} on ${call.target}`;
  const override = overrideAdvice(info, env);
  // An override that nothing answers is configuration (exit 2); AWS itself unreachable is a failure (exit 1).
  if (override && (kind === "refused" || kind === "name-not-found")) {
    return new UsageError(`Could not reach AWS${where} for ${what}: ${TRANSPORT_WORDS[kind]}${attemptsSuffix(e)}. ${override}`);
  }
  const variable = `AWS_ENDPOINT_URL_${(info?.service ?? call.action.split(":")[0] ?? "").toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
  const advice: Record<TransportKind, string> = {
    refused: `Check the network and AWS_REGION, and AWS_ENDPOINT_URL / ${variable} if they are set.`,
    "name-not-found": `Check the network (DNS) and AWS_REGION, and AWS_ENDPOINT_URL / ${variable} if they are set.`,
    reset: "A proxy or firewall may be closing connections; run the command again (it continues where it stopped).",
    timeout: "AWS or the network is slow or dropping packets; run the command again (it continues where it stopped).",
    unreachable: "Check the network connection, then run the command again.",
  };
  return new OperationFailed(`Could not reach AWS${where} for ${what}: ${TRANSPORT_WORDS[kind]} (${e.code ?? e.name}: ${e.message})${attemptsSuffix(e)}. ${override ?? advice[kind]}`);
}

function isHtmlResponse(e: SdkError): boolean {
  const headers = e.$response?.headers ?? {};
  return Object.entries(headers).some(([key, value]) => key.toLowerCase() === "content-type" && /text\/html/i.test(value));
}

function typed(e: SdkError, call: AwsCall): PipelineError {
  const said = `(${e.name}: ${e.message}${requestSuffix(e)})`;
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

function attemptsSuffix(e: SdkError): string {
  const attempts = e.$metadata?.attempts;
  return attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : "";
}

function requestSuffix(e: SdkError): string {
  const id = e.$metadata?.requestId;
  return id ? `; request ${id}` : "";
}
