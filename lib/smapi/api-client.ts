import type { runtime } from "ask-smapi-model";
import { systemClock, type Clock } from "../clock";
import { rememberSecrets } from "../output";
import { DEFAULT_RETRY, withRetry, type RetryDecision, type RetryPolicy } from "../retry";

type ApiClient = runtime.ApiClient;
type ApiClientRequest = runtime.ApiClientRequest;
type ApiClientResponse = runtime.ApiClientResponse;

export interface ResilientApiClientOptions {
  /** Per attempt, from sending the request to the end of the response body. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  clock?: Clock;
  random?: () => number;
  onRetry?: (message: string) => void;
  fetch?: typeof fetch;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/**
 * The HTTP layer under ask-smapi-sdk, which itself has no timeouts, no
 * retries and does not follow redirects. Throttling (429) is retried for any
 * method, since the request was not processed; 5xx and network failures only
 * where repeating the request is harmless (idempotent methods, and the LWA
 * token request). Redirects are returned as they are, like the SDK's own
 * client. Retry-After is honoured.
 */
export class ResilientApiClient implements ApiClient {
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly clock: Clock;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ResilientApiClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
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
      const pending = this.send(request).then(rememberMintedTokens).finally(() => this.tokenRequests.delete(key));
      this.tokenRequests.set(key, pending);
      return pending;
    }
    return this.send(request);
  }

  private async send(request: ApiClientRequest): Promise<ApiClientResponse> {
    const method = request.method.toUpperCase();
    const repeatable = IDEMPOTENT.has(method) || isTokenRequest(request.url);
    return withRetry(() => this.once(request, method), {
      policy: this.retry,
      clock: this.clock,
      ...(this.options.random ? { random: this.options.random } : {}),
      retryResult: (response) => retryableResponse(response, repeatable, this.clock),
      retryError: () => ({ retry: repeatable }),
      onRetry: ({ attempt, delayMs, reason }) =>
        this.options.onRetry?.(`${method} ${describeUrl(request.url)}: ${reason}; retry ${attempt} of ${this.retry.attempts - 1} in ${delayMs} ms`),
    });
  }

  private async once(request: ApiClientRequest, method: string): Promise<ApiClientResponse> {
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
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      // A DOMException, which is not an Error in every realm.
      const reason = (error as { name?: string })?.name === "TimeoutError" ? `no response within ${this.timeoutMs} ms` : networkReason(error);
      throw new Error(`${method} ${describeUrl(request.url)} failed: ${reason}`);
    }
    const responseHeaders: Array<{ key: string; value: string }> = [];
    response.headers.forEach((value, key) => responseHeaders.push({ key, value }));
    return { statusCode: response.status, headers: responseHeaders, body };
  }
}

/**
 * The tokens LWA mints for this process are secrets nobody configured, so no
 * redaction list has them: they are registered as they arrive, and every
 * message this process prints (a server echoing our Authorization header
 * into an error, say) is redacted of them.
 */
function rememberMintedTokens(response: ApiClientResponse): ApiClientResponse {
  if (response.statusCode !== 200) return response;
  try {
    const body = JSON.parse(response.body ?? "") as { access_token?: unknown; refresh_token?: unknown };
    rememberSecrets([body.access_token, body.refresh_token].filter((t): t is string => typeof t === "string"));
  } catch {
    // Not JSON: the SDK will report it; there is no token to remember.
  }
  return response;
}

function retryableResponse(response: ApiClientResponse, repeatable: boolean, clock: Clock): RetryDecision {
  const status = response.statusCode;
  const throttled = status === 429;
  if (!throttled && !(repeatable && status >= 500)) return { retry: false };
  const afterMs = retryAfterMs(response, clock);
  return afterMs === undefined ? { retry: true } : { retry: true, afterMs };
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
