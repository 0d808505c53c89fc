/**
 * Fault injection for the loopback emulators, keyed by operation name (the
 * SDK's command name without `Command`, e.g. `UpdateAlias`; `*` matches every
 * operation). It knows nothing of any wire protocol: it decides *whether* a
 * request fails, waits or runs a hook first, and each emulator renders an
 * injected failure in its own API's error shape (or sends a failure's `body`
 * as it stands, for an emulator whose tests give whole error bodies).
 */

export const ANY_OPERATION = "*";

/**
 * A fault of the connection rather than of the API: `hang` never answers (and
 * never handles the request, so a client's timeout is all that ends it);
 * `drop` closes the connection before the request is handled; `drop-after`
 * handles the request and then closes the connection instead of answering,
 * so the change is made but the client never learns of it (the less
 * convenient of the two ways a real connection can break).
 */
export type ConnectionFault = "hang" | "drop" | "drop-after";

/** A request as it arrived, headers and body included: what the secret-hygiene proof searches for leaks. */
export interface RawRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * What a hostile server adds to an error message: the request's headers and
 * body, as some proxies and error pages do, so that a client that prints
 * error messages as they come is caught repeating what it sent.
 */
export function echoOf(request: RawRequest): string {
  return ` [request echoed by a hostile server: ${JSON.stringify({ headers: request.headers, body: request.body })}]`;
}

/** What a test asks for; the emulator fills in a type from the status if none is given. */
export interface FailureSpec {
  status: number;
  errorType?: string;
  message?: string;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
  /** A whole error body, passed through untouched for the emulator to send instead of rendering one. */
  body?: unknown;
}

export interface InjectedFailure {
  status: number;
  errorType: string;
  message: string;
  headers: Record<string, string>;
  /** Set only when the spec gave one. */
  body?: unknown;
  /** Set for a connection fault: the emulator hangs or drops the connection instead of answering `status`. */
  connection?: ConnectionFault;
}

/** The request as a hook sees it: enough to decide what a "concurrent operator" does. */
export interface FaultContext {
  operation: string;
  method: string;
  path: string;
}

export type BeforeHook<C extends FaultContext = FaultContext> = (ctx: C) => void | Promise<void>;

export interface FaultsOptions {
  /** The API's error type for a bare status (e.g. 404 → `ResourceNotFoundException`). */
  errorTypeForStatus: (status: number) => string;
  /** What `throttleNext` answers with. */
  throttle: FailureSpec;
  /** The emulator's own timer, so that closing it cancels pending delays. */
  sleep?: (ms: number) => Promise<void>;
}

interface Armed<T> {
  operation: string;
  remaining: number; // Infinity for hooks installed with `before`
  value: T;
}

export interface PendingFaults {
  failures: Array<{ operation: string; remaining: number; status: number; errorType: string; connection?: ConnectionFault }>;
  delays: Array<{ operation: string; remaining: number; ms: number }>;
  hooks: Array<{ operation: string; remaining: number }>;
}

export class Faults<C extends FaultContext = FaultContext> {
  private failures: Array<Armed<InjectedFailure>> = [];
  private delays: Array<Armed<number>> = [];
  private hooks: Array<Armed<BeforeHook<C>>> = [];
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: FaultsOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The next `times` calls of `operation` fail with this status and error. */
  failNext(operation: string, spec: FailureSpec & { times?: number }): this {
    const { times = 1, ...failure } = spec;
    this.failures.push({ operation, remaining: positive(times, "times"), value: this.resolve(failure) });
    return this;
  }

  /** The next `times` calls of `operation` are throttled (the API's 429). */
  throttleNext(operation: string, times = 1): this {
    return this.failNext(operation, { ...this.options.throttle, times });
  }

  /** The next `times` calls of `operation` never get an answer, and are never handled. */
  hangNext(operation: string, times = 1): this {
    return this.connectionFault(operation, "hang", times);
  }

  /**
   * The next `times` calls of `operation` lose their connection: before they
   * are handled, or (`afterHandling`) once they have been, instead of the answer.
   */
  dropNext(operation: string, options: { afterHandling?: boolean; times?: number } = {}): this {
    return this.connectionFault(operation, options.afterHandling ? "drop-after" : "drop", options.times ?? 1);
  }

  private connectionFault(operation: string, connection: ConnectionFault, times: number): this {
    const failure = { ...this.resolve({ status: 0, errorType: `connection ${connection}`, message: `Injected fault: connection ${connection}` }), connection };
    this.failures.push({ operation, remaining: positive(times, "times"), value: failure });
    return this;
  }

  /** The next `times` calls of `operation` wait `ms` before being handled. */
  delayNext(operation: string, ms: number, times = 1): this {
    this.delays.push({ operation, remaining: positive(times, "times"), value: ms });
    return this;
  }

  /**
   * Runs `hook` before the next `times` calls of `operation` are handled, so a
   * test can change state between a client's read and its write.
   */
  beforeNext(operation: string, hook: BeforeHook<C>, times = 1): this {
    this.hooks.push({ operation, remaining: positive(times, "times"), value: hook });
    return this;
  }

  /** Runs `hook` before every call of `operation` until the returned function is called. */
  before(operation: string, hook: BeforeHook<C>): () => void {
    const armed: Armed<BeforeHook<C>> = { operation, remaining: Infinity, value: hook };
    this.hooks.push(armed);
    return () => {
      this.hooks = this.hooks.filter((h) => h !== armed);
    };
  }

  reset(): void {
    this.failures = [];
    this.delays = [];
    this.hooks = [];
  }

  /** What is still armed: lets a test assert that every injected fault was hit. */
  pending(): PendingFaults {
    return {
      failures: this.failures.map((f) => ({
        operation: f.operation,
        remaining: f.remaining,
        status: f.value.status,
        errorType: f.value.errorType,
        ...(f.value.connection ? { connection: f.value.connection } : {}),
      })),
      delays: this.delays.map((d) => ({ operation: d.operation, remaining: d.remaining, ms: d.value })),
      hooks: this.hooks.map((h) => ({ operation: h.operation, remaining: h.remaining })),
    };
  }

  /**
   * Called by an emulator for each request before handling it: waits for any
   * delay, runs hooks, then returns the failure to answer with, if one is armed.
   * A hook that throws makes the request fail with the API's 500.
   */
  async apply(ctx: C): Promise<InjectedFailure | undefined> {
    for (const ms of take(this.delays, ctx.operation, "all")) await this.sleep(ms);
    for (const hook of take(this.hooks, ctx.operation, "all")) {
      try {
        await hook(ctx);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        return this.resolve({ status: 500, message: `before-hook failed: ${reason}` });
      }
    }
    return take(this.failures, ctx.operation, "first")[0];
  }

  private resolve(spec: FailureSpec): InjectedFailure {
    const errorType = spec.errorType ?? this.options.errorTypeForStatus(spec.status);
    return {
      status: spec.status,
      errorType,
      message: spec.message ?? `Injected fault: ${errorType}`,
      headers: { ...(spec.headers ?? {}) },
      ...(spec.body !== undefined ? { body: spec.body } : {}),
    };
  }
}

function positive(n: number, what: string): number {
  if (!(n >= 1)) throw new RangeError(`${what} must be >= 1, got ${n}`);
  return n;
}

/** Consumes one use of the matching entries (all of them, or the first armed one). */
function take<T>(list: Array<Armed<T>>, operation: string, which: "all" | "first"): T[] {
  const out: T[] = [];
  for (const entry of list) {
    if (entry.operation !== operation && entry.operation !== ANY_OPERATION) continue;
    out.push(entry.value);
    entry.remaining -= 1;
    if (which === "first") break;
  }
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.remaining <= 0) list.splice(i, 1);
  return out;
}
