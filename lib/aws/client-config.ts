import { awsCallOf, rememberAwsCall, transportKind } from "../failures/remote";
import { UsageError } from "../errors";
import { rememberSecrets } from "../output";

export interface AwsClientOptions {
  region: string;
  /** Milliseconds before a request without a response is abandoned (and retried), reads and writes alike (tests). */
  requestTimeoutMs?: number;
  /** Per attempt of a read (GET, HEAD); default 10 s, so a hang ends in about half a minute. */
  readTimeoutMs?: number;
  /** Per attempt of a write (POST, PUT, DELETE: an upload, a publish, an invocation); default 60 s. */
  writeTimeoutMs?: number;
  maxAttempts?: number;
  /** How many times a request that timed out is tried again (default 2). */
  timeoutRetries?: number;
  /** One line per retry: what is retried, why, and which attempt (a command passes its Output's progress). */
  onRetry?: (message: string) => void;
}

export const DEFAULT_AWS_READ_TIMEOUT_MS = 10_000;
export const DEFAULT_AWS_WRITE_TIMEOUT_MS = 60_000;

/**
 * The SDK's own standard retry strategy already does what we need: it
 * retries throttling and 5xx (never other 4xx) with exponential backoff and
 * full jitter. We set the attempts and the timeouts, which default to none.
 * Credentials come from the default chain; AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_LAMBDA are honoured by the SDK itself.
 */
export function awsClientConfig(options: AwsClientOptions) {
  return {
    region: options.region,
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: "standard" as const,
    // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes, and keeps waiting.
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: options.requestTimeoutMs ?? options.writeTimeoutMs ?? DEFAULT_AWS_WRITE_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  };
}

/** The parts of an AWS SDK v3 client that instrumentation touches (every client has them). */
interface InstrumentableClient {
  middlewareStack: object;
  config: object;
}

type AddMiddleware = (middleware: unknown, options: { step: "deserialize"; name: string; priority: "high" }) => void;

interface HttpHandlerLike {
  handle(request: { method?: string }, options?: { requestTimeout?: number }): Promise<unknown>;
}

interface RetryTokenLike {
  getRetryCount(): number;
  getRetryDelay(): number;
}

interface RetryStrategyLike {
  acquireInitialRetryToken(scope: string): Promise<RetryTokenLike>;
  refreshRetryTokenForRetry(token: RetryTokenLike, info: { error?: unknown }): Promise<RetryTokenLike>;
  recordSuccess(token: RetryTokenLike): void;
}

/**
 * What the client options cannot say, added to a constructed client:
 * - reads get a short attempt timeout and writes a longer one (the SDK has
 *   one timeout per client; its handler takes one per request);
 * - a request that timed out is retried at most `timeoutRetries` times, so a
 *   persistent hang ends well under a minute for reads instead of five
 *   silent minutes;
 * - every retry prints one line saying what it waits for and the attempt;
 * - a failed call remembers its service, operation and host, for the
 *   translator's message (lib/errors/translate.ts).
 * It relies on the SDK resolving `requestHandler` and `retryStrategy` from
 * the client's config at each call (true of @smithy/core 3.x).
 */
export function instrumentAwsClient<C extends InstrumentableClient>(client: C, service: string, options: AwsClientOptions): C {
  const config = client.config as { requestHandler?: HttpHandlerLike; retryStrategy?: () => Promise<unknown>; maxAttempts?: () => Promise<number> };
  const readMs = options.readTimeoutMs ?? options.requestTimeoutMs ?? DEFAULT_AWS_READ_TIMEOUT_MS;
  const writeMs = options.writeTimeoutMs ?? options.requestTimeoutMs ?? DEFAULT_AWS_WRITE_TIMEOUT_MS;
  const inner = config.requestHandler;
  if (inner && typeof inner.handle === "function") {
    const handle = inner.handle.bind(inner);
    inner.handle = (request, handlerOptions = {}) =>
      handle(request, { ...handlerOptions, requestTimeout: handlerOptions.requestTimeout ?? (isRead(request.method) ? readMs : writeMs) });
  }

  const stack = client.middlewareStack as { add: AddMiddleware };
  stack.add(
    (next: (args: { request?: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { request?: unknown }) => {
      try {
        return await next(args);
      } catch (thrown) {
        const error = asError(thrown);
        const request = args.request as { hostname?: string; port?: number } | undefined;
        rememberAwsCall(error, {
          service,
          operation: (context.commandName ?? "a call").replace(/Command$/, ""),
          ...(request?.hostname ? { host: `${request.hostname}${request.port ? `:${request.port}` : ""}` } : {}),
        });
        throw error;
      }
    },
    { step: "deserialize", name: "pipelineRemembersTheCall", priority: "high" },
  );

  // Credentials from the default chain (a profile's session token, SSO, a role) are redacted from every line once they are obtained.
  const credentials = (client.config as { credentials?: unknown }).credentials;
  if (typeof credentials === "function") {
    const provide = credentials as (options?: unknown) => Promise<{ secretAccessKey?: string; sessionToken?: string }>;
    (client.config as { credentials?: unknown }).credentials = async (providerOptions?: unknown) => {
      const identity = await provide(providerOptions);
      rememberSecrets([identity.secretAccessKey, identity.sessionToken]);
      return identity;
    };
  }

  const strategy = config.retryStrategy;
  if (typeof strategy === "function") {
    const timeoutRetries = options.timeoutRetries ?? 2;
    const maxAttempts = options.maxAttempts ?? 5;
    config.retryStrategy = async () => {
      const real = (await strategy()) as RetryStrategyLike;
      if (typeof real.refreshRetryTokenForRetry !== "function") return real;
      const timeouts = new WeakMap<RetryTokenLike, number>();
      return {
        acquireInitialRetryToken: (scope: string) => real.acquireInitialRetryToken(scope),
        recordSuccess: (token: RetryTokenLike) => real.recordSuccess(token),
        refreshRetryTokenForRetry: async (token: RetryTokenLike, info: { error?: unknown }) => {
          const timedOut = transportKind(info.error) === "timeout" ? 1 : 0;
          const count = (timeouts.get(token) ?? 0) + timedOut;
          if (count > timeoutRetries) throw new Error("a request that keeps timing out is not retried further");
          const next = await real.refreshRetryTokenForRetry(token, info);
          timeouts.set(next, count);
          const call = describeRetried(service, info.error);
          options.onRetry?.(`Waiting for AWS ${call}: ${reasonOf(info.error)}; retry ${next.getRetryCount()} of ${maxAttempts - 1}.`);
          return next;
        },
      };
    };
  }
  return client;
}

/**
 * An error from another realm (Node's own modules seen from a sandbox such
 * as Jest's) fails `instanceof Error`, and the SDK's retry would replace it
 * with a wrapper that keeps only its text: keep its name, code and metadata.
 */
function asError(thrown: unknown): unknown {
  if (thrown instanceof Error || typeof thrown !== "object" || thrown === null) return thrown;
  const like = thrown as { name?: unknown; message?: unknown; code?: unknown; $metadata?: unknown };
  const error = new Error(typeof like.message === "string" ? like.message : String(thrown));
  if (typeof like.name === "string") error.name = like.name;
  return Object.assign(error, like.code !== undefined ? { code: like.code } : {}, like.$metadata !== undefined ? { $metadata: like.$metadata } : {});
}

function isRead(method: string | undefined): boolean {
  return method === undefined || method === "GET" || method === "HEAD";
}

/** "Lambda GetFunctionConfiguration at 127.0.0.1:4566", from what the middleware remembered on the error. */
function describeRetried(service: string, error: unknown): string {
  const call = awsCallOf(error);
  return call ? `${service} ${call.operation}${call.host ? ` at ${call.host}` : ""}` : service;
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  const kind = transportKind(e);
  if (kind === "timeout") return "no answer in time";
  if (kind) return `${e.code ?? e.name} (${e.message})`;
  return `${e.name}${e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : ""}`;
}

/**
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, checked before any call:
 * the SDK takes "localhost:4566" for a URL whose scheme is "localhost" and
 * fails far from the cause.
 */
export function checkAwsEndpointOverrides(env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (!/^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/.test(name) || value === undefined || value.trim() === "") continue;
    let ok = false;
    try {
      const url = new URL(value.trim());
      ok = (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`${name} is ${JSON.stringify(value)}, which is not an endpoint URL; expected for example http://127.0.0.1:4566 (with http:// or https://). Correct it or unset it.`);
  }
}
