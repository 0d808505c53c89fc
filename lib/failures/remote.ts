/**
 * What we know about a remote call that failed without a usable answer, in
 * terms that do not depend on which client made it: how the transport failed
 * (refused, name not found, reset, timed out), or that the answer was an HTML
 * error page (a proxy's or a load balancer's) instead of the service's JSON.
 * The translator (translate.ts) turns these into the contract's messages.
 */
import { OperationFailed, UsageError, type PipelineError } from "../errors";

export type TransportKind = "refused" | "name-not-found" | "reset" | "timeout" | "unreachable";

const BY_CODE: Record<string, TransportKind> = {
  ECONNREFUSED: "refused",
  ENOTFOUND: "name-not-found",
  EAI_AGAIN: "name-not-found",
  // A reset is not a timeout: the far end (or a proxy) closed the connection.
  ECONNRESET: "reset",
  EPIPE: "reset",
  UND_ERR_SOCKET: "reset",
  ETIMEDOUT: "timeout",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
};

/**
 * How a request failed at the transport, from Node's, undici's (fetch) or
 * the AWS SDK's error. The code wins over the name: the AWS SDK names a reset
 * connection "TimeoutError" (with code ECONNRESET).
 */
export function transportKind(error: unknown): TransportKind | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { code?: unknown; name?: unknown; cause?: unknown };
  const cause = (typeof e.cause === "object" && e.cause !== null ? e.cause : {}) as { code?: unknown };
  for (const code of [e.code, cause.code]) if (typeof code === "string" && BY_CODE[code]) return BY_CODE[code];
  if (e.name === "TimeoutError" || e.name === "RequestTimeout" || e.name === "RequestTimeoutException") return "timeout";
  return undefined;
}

export const TRANSPORT_WORDS: Record<TransportKind, string> = {
  refused: "the connection was refused",
  "name-not-found": "the host name does not resolve",
  reset: "the connection was reset before an answer arrived",
  timeout: "no answer in time",
  unreachable: "the network cannot reach the host",
};

/** A remote service our own HTTP layer talks to, and the variable that overrides its address. */
export interface RemoteService {
  /** For people: "SMAPI", "Login with Amazon". */
  name: string;
  /** The environment variable that overrides the base URL, e.g. ASK_SMAPI_SERVER_BASE_URL. */
  variable: string;
  /** The service's own origin; any other origin came from the variable. */
  defaultOrigin: string;
}

export const SMAPI_SERVICE: RemoteService = { name: "SMAPI", variable: "ASK_SMAPI_SERVER_BASE_URL", defaultOrigin: "https://api.amazonalexa.com" };
export const LWA_SERVICE: RemoteService = { name: "Login with Amazon", variable: "ASK_LWA_TOKEN_HOST", defaultOrigin: "https://api.amazon.com" };

/**
 * Thrown by our HTTP layer (lib/smapi/api-client.ts) when a request got no
 * usable answer. Its fields, not its message, are what the translator reads:
 * ask-smapi-sdk prefixes "Call to service failed: " to the message of
 * whatever the HTTP layer throws, once per nesting level.
 */
export class RemoteFailure extends Error {
  constructor(
    readonly service: RemoteService,
    /** Scheme, host and path, never the query. */
    readonly url: string,
    readonly problem: { kind: TransportKind; detail: string; timeoutMs?: number } | { kind: "html"; status: number },
    readonly attempts: number,
  ) {
    super(`${service.name} at ${url}: ${problem.kind === "html" ? `an HTML error page (HTTP ${problem.status})` : TRANSPORT_WORDS[problem.kind]}`);
    this.name = "RemoteFailure";
  }

  get host(): string {
    return new URL(this.url).host;
  }
}

/**
 * The message and exit code for a RemoteFailure: an address that came from
 * an override and does not answer at all is configuration (exit 2); the
 * service itself unreachable, slow, or hidden behind a proxy's error page is
 * a failure (exit 1) that a re-run may cure.
 */
export function explainRemoteFailure(failure: RemoteFailure, action?: string): PipelineError {
  const { service, problem } = failure;
  const during = action ? ` while ${action}` : "";
  const origin = new URL(failure.url).origin;
  const overridden = origin !== service.defaultOrigin;
  const tries = failure.attempts > 1 ? ` (${failure.attempts} attempts)` : "";
  const check = `${service.variable} is ${origin}`;
  if (problem.kind === "html") {
    return new OperationFailed(
      `${service.name} did not answer${during}: an HTML error page (HTTP ${problem.status}) came from ${failure.host} instead${tries}. ` +
        (overridden ? `${check}: is that ${service.name}'s address?` : "A proxy or load balancer answered, not Amazon; check the network's proxy settings, then run the command again."),
    );
  }
  const what = `${service.name} at ${failure.host}${during}`;
  if (overridden && (problem.kind === "refused" || problem.kind === "name-not-found")) {
    return new UsageError(`Could not reach ${what}: ${TRANSPORT_WORDS[problem.kind]}${tries}. ${check}: start what should answer there, correct it, or unset it to use Amazon's.`);
  }
  if (problem.kind === "timeout") {
    const limit = problem.timeoutMs !== undefined ? ` within ${Math.round(problem.timeoutMs / 1000)} s` : "";
    return new OperationFailed(`${service.name} at ${failure.host} did not answer${limit}${during}${tries}. It may be slow or the network may drop packets; run the command again (it continues where it stopped).`);
  }
  const advice = problem.kind === "reset" ? "A proxy or firewall may be closing connections; run the command again (it continues where it stopped)." : `Check the network${overridden ? ` and ${service.variable}` : ""}, then run the command again.`;
  return new OperationFailed(`Could not reach ${what}: ${TRANSPORT_WORDS[problem.kind]} (${problem.detail})${tries}. ${advice}`);
}

/** What the AWS SDK call was, remembered on its error by lib/aws/client-config.ts's middleware. */
export interface AwsCallInfo {
  /** "Lambda", "S3", "SSM", "CloudWatch". */
  service: string;
  /** "GetFunctionConfiguration". */
  operation: string;
  /** host[:port] the request went to. */
  host?: string;
}

const awsCalls = new WeakMap<object, AwsCallInfo>();

export function rememberAwsCall(error: unknown, info: AwsCallInfo): void {
  if (typeof error === "object" && error !== null && !awsCalls.has(error)) awsCalls.set(error, info);
}

export function awsCallOf(error: unknown): AwsCallInfo | undefined {
  return typeof error === "object" && error !== null ? awsCalls.get(error) : undefined;
}

/** True when a body is a web page, not a service's JSON (a proxy's or load balancer's error page). */
export function looksLikeHtml(body: string, contentType?: string): boolean {
  return /text\/html/i.test(contentType ?? "") || /^\s*(<!doctype html|<html|<head|<body|<h1|<\?xml[^>]*>\s*<html)/i.test(body);
}
