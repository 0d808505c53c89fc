import type { runtime } from "ask-smapi-model";
import { systemClock, type Clock } from "../clock";
import { DEFAULT_RETRY, withRetry, type RetryDecision, type RetryPolicy } from "../retry";
import { rememberSecrets } from "../output";
import { LWA_SERVICE, looksLikeHtml, RemoteFailure, SMAPI_SERVICE, transportKind, type RemoteService } from "../failures/remote";

type ApiClient = runtime.ApiClient;
type ApiClientRequest = runtime.ApiClientRequest;
type ApiClientResponse = runtime.ApiClientResponse;

export interface ResilientApiClientOptions {
  /** Per attempt, from sending the request to the end of the response body: both reads and writes (tests). */
  timeoutMs?: number;
  /** Per attempt of a read (GET, HEAD, and the LWA token request); default 10 s. */
  readTimeoutMs?: number;
  /** Per attempt of a write (POST, PUT, DELETE); default 30 s. */
  writeTimeoutMs?: number;
  /** How many times a request that timed out is tried again (default 2): a hang ends in about half a minute for reads. */
  timeoutRetries?: number;
  retry?: RetryPolicy;
  clock?: Clock;
  random?: () => number;
  onRetry?: (message: string) => void;
  fetch?: typeof fetch;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const READS = new Set(["GET", "HEAD", "OPTIONS"]);
export const DEFAULT_READ_TIMEOUT_MS = 10_000;
export const DEFAULT_WRITE_TIMEOUT_MS = 30_000;

/** Thrown by one attempt; turned into a RemoteFailure once the retries are spent. */
class AttemptFailed extends Error {
  constructor(
    readonly problem: RemoteFailure["problem"],
    message: string,
  ) {
    super(message);
  }
}

/**
 * The HTTP layer under ask-smapi-sdk, which itself has no timeouts, no
 * retries and does not follow redirects. Throttling (429) is retried for any
 * method, since the request was not processed; 5xx and network failures only
 * where repeating the request is harmless (idempotent methods, and the LWA
 * token request). Redirects are returned as they are, like the SDK's own
 * client. Retry-After is honoured.
 */
export class ResilientApiClient implements ApiClient {
  private readonly readTimeoutMs: number;
  private readonly writeTimeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly clock: Clock;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ResilientApiClientOptions = {}) {
    this.readTimeoutMs = options.readTimeoutMs ?? options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.writeTimeoutMs = options.writeTimeoutMs ?? options.timeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.clock = options.clock ?? systemClock;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Token requests in flight, by body: the SDK's token cache is empty until the first answer arrives. */
  private readonly tokenRequests = new Map<string, Promise<ApiClientResponse>>();

  async invoke(request: ApiClientRequest): Promise<ApiClientResponse> {
    // Independent SMAPI reads start together; without this each would fetch its own LWA token.
    if (isTokenRequest(request.url)) {
      const key = request.body ?? "";
      const inFlight = this.tokenRequests.get(key);
      if (inFlight) return inFlight;
      const pending = this.send(request).finally(() => this.tokenRequests.delete(key));
      this.tokenRequests.set(key, pending);
      return pending;
    }
    return this.send(request);
  }

  private async send(request: ApiClientRequest): Promise<ApiClientResponse> {
    const method = request.method.toUpperCase();
    const token = isTokenRequest(request.url);
    const repeatable = IDEMPOTENT.has(method) || token;
    const service: RemoteService = token ? LWA_SERVICE : SMAPI_SERVICE;
    const url = describeUrl(request.url);
    // The token request is a read in all but method: it changes nothing.
    const timeoutMs = READS.has(method) || token ? this.readTimeoutMs : this.writeTimeoutMs;
    const timeoutRetries = this.options.timeoutRetries ?? 2;
    let attempts = 0;
    let timeouts = 0;
    let response: ApiClientResponse;
    try {
      response = await withRetry(
        (attempt) => {
          attempts = attempt + 1;
          return this.once(request, method, timeoutMs);
        },
        {
          policy: this.retry,
          clock: this.clock,
          ...(this.options.random ? { random: this.options.random } : {}),
          retryResult: (r) => retryableResponse(r, repeatable, this.clock),
          retryError: (error) => {
            if (error instanceof AttemptFailed && error.problem.kind === "timeout" && ++timeouts > timeoutRetries) return { retry: false };
            return { retry: repeatable };
          },
          onRetry: ({ attempt, delayMs, reason }) =>
            this.options.onRetry?.(`Waiting for ${service.name} (${method} ${url}): ${reason}; retry ${attempt} of ${this.retry.attempts - 1} in ${delayMs} ms.`),
        },
      );
    } catch (error) {
      if (error instanceof AttemptFailed) throw new RemoteFailure(service, url, error.problem, attempts);
      throw error;
    }
    const contentType = response.headers.find((h) => h.key.toLowerCase() === "content-type")?.value;
    // A proxy's or load balancer's page, not the service's JSON: the SDK would only say it could not parse it.
    if (response.statusCode >= 400 && looksLikeHtml(response.body ?? "", contentType)) {
      throw new RemoteFailure(service, url, { kind: "html", status: response.statusCode }, attempts);
    }
    if (token && response.statusCode === 200) rememberMintedTokens(response.body);
    return response;
  }

  private async once(request: ApiClientRequest, method: string, timeoutMs: number): Promise<ApiClientResponse> {
    const headers = new Headers();
    for (const { key, value } of request.headers) headers.append(key, value);
    let response: Response;
    let body: string;
    try {
      response = await this.fetchImpl(request.url, {
        method,
        headers,
        ...(request.body !== undefined && method !== "GET" && method !== "HEAD" ? { body: request.body } : {}),
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      // A DOMException, which is not an Error in every realm.
      const kind = (error as { name?: string })?.name === "TimeoutError" ? "timeout" : (transportKind(error) ?? "unreachable");
      const detail = kind === "timeout" ? `no answer within ${timeoutMs} ms` : networkReason(error);
      throw new AttemptFailed(kind === "timeout" ? { kind, detail, timeoutMs } : { kind, detail }, detail);
    }
    const responseHeaders: Array<{ key: string; value: string }> = [];
    response.headers.forEach((value, key) => responseHeaders.push({ key, value }));
    return { statusCode: response.status, headers: responseHeaders, body };
  }
}

/** The tokens LWA mints are secrets from the moment they exist: redacted from every line this process prints. */
function rememberMintedTokens(body: string | undefined): void {
  try {
    const parsed = JSON.parse(body ?? "") as { access_token?: unknown; refresh_token?: unknown };
    rememberSecrets([parsed.access_token, parsed.refresh_token].filter((t): t is string => typeof t === "string"));
  } catch {
    // Not JSON: the SDK reports that itself.
  }
}

function retryableResponse(response: ApiClientResponse, repeatable: boolean, clock: Clock): RetryDecision {
  const status = response.statusCode;
  const throttled = status === 429;
  if (!throttled && !(repeatable && status >= 500)) return { retry: false };
  const afterMs = retryAfterMs(response, clock);
  const reason = `HTTP ${status}${throttled ? " (throttled)" : ""}`;
  return afterMs === undefined ? { retry: true, reason } : { retry: true, afterMs, reason };
}

function retryAfterMs(response: ApiClientResponse, clock: Clock): number | undefined {
  const header = response.headers.find((h) => h.key.toLowerCase() === "retry-after")?.value;
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - clock.now());
}

function isTokenRequest(url: string): boolean {
  // The SDK asks for /auth/O2/token; Amazon's documentation writes /auth/o2/token.
  return /\/auth\/o2\/token$/i.test(new URL(url).pathname);
}

/** The URL without its query, which may carry IDs but never belongs in retry chatter. */
function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
