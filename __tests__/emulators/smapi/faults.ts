/**
 * Fault injection for the SMAPI emulator, keyed by the spec's operation name
 * (`updateSkillManifestV1`; `lwaToken` for the LWA token call; `*` for every
 * call). Same idea and same verbs as the Lambda emulator's
 * `__tests__/emulators/faults.ts`, so the two can be unified later; failures
 * here are rendered in SMAPI's error shape (`{ code?, message }`).
 */
export const ANY_OPERATION = "*";

export interface SmapiFailureSpec {
  status: number;
  message?: string;
  code?: string;
  /** Replaces the whole error body (for shapes such as LWA's `{ error, error_description }`). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface InjectedFailure {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface FaultContext {
  operation: string;
  method: string;
  path: string;
}

export type BeforeHook = (ctx: FaultContext) => void | Promise<void>;

interface Armed<T> {
  operation: string;
  remaining: number;
  value: T;
}

const THROTTLED = "Exceed the permitted request limit. Throttling criteria includes total requests, per API, ClientId, and CustomerId.";

export class SmapiFaults {
  private failures: Armed<InjectedFailure>[] = [];
  private delays: Armed<number>[] = [];
  private hooks: Armed<BeforeHook>[] = [];

  constructor(private readonly sleep: (ms: number) => Promise<void>) {}

  /** The next `times` calls of `operation` answer this status (default body: SMAPI's error shape). */
  failNext(operation: string, spec: SmapiFailureSpec & { times?: number }): this {
    const { times = 1, status, message, code, body, headers } = spec;
    const errorBody = body ?? { ...(code ? { code } : {}), message: message ?? defaultMessage(status) };
    this.failures.push({ operation, remaining: atLeastOne(times), value: { status, body: errorBody, headers: { ...headers } } });
    return this;
  }

  /** The next `times` calls of `operation` are throttled (429). */
  throttleNext(operation: string, times = 1): this {
    return this.failNext(operation, { status: 429, message: THROTTLED, times });
  }

  /** The next `times` calls of `operation` wait `ms` before being handled. */
  delayNext(operation: string, ms: number, times = 1): this {
    this.delays.push({ operation, remaining: atLeastOne(times), value: ms });
    return this;
  }

  /** Runs `hook` before the next `times` calls of `operation`: a concurrent operator acting between a read and a write. */
  beforeNext(operation: string, hook: BeforeHook, times = 1): this {
    this.hooks.push({ operation, remaining: atLeastOne(times), value: hook });
    return this;
  }

  /** Runs `hook` before every call of `operation` until the returned function is called. */
  before(operation: string, hook: BeforeHook): () => void {
    const armed: Armed<BeforeHook> = { operation, remaining: Infinity, value: hook };
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

  /** How many uses are still armed (every one, or one operation's), so a test can check each fault was hit. */
  pending(operation?: string): number {
    const count = (list: Armed<unknown>[]) =>
      list.filter((a) => operation === undefined || a.operation === operation).reduce((n, a) => n + (Number.isFinite(a.remaining) ? a.remaining : 0), 0);
    return count(this.failures) + count(this.delays) + count(this.hooks);
  }

  /** For each call: waits its delays, runs its hooks, then returns its failure, if one is armed. A throwing hook fails the call with 500. */
  async apply(ctx: FaultContext): Promise<InjectedFailure | undefined> {
    for (const ms of take(this.delays, ctx.operation, "all")) await this.sleep(ms);
    for (const hook of take(this.hooks, ctx.operation, "all")) {
      try {
        await hook(ctx);
      } catch (err) {
        return { status: 500, body: { message: `before-hook failed: ${err instanceof Error ? err.message : String(err)}` }, headers: {} };
      }
    }
    return take(this.failures, ctx.operation, "first")[0];
  }
}

function take<T>(list: Armed<T>[], operation: string, which: "all" | "first"): T[] {
  const out: T[] = [];
  for (const entry of list) {
    if (entry.operation !== operation && entry.operation !== ANY_OPERATION) continue;
    out.push(entry.value);
    entry.remaining -= 1;
    if (which === "first") break;
  }
  for (let i = list.length - 1; i >= 0; i -= 1) if ((list[i]?.remaining ?? 0) <= 0) list.splice(i, 1);
  return out;
}

function atLeastOne(times: number): number {
  if (!(times >= 1)) throw new RangeError(`times must be >= 1, got ${times}`);
  return times;
}

function defaultMessage(status: number): string {
  if (status === 503) return "Service Unavailable.";
  if (status >= 500) return "Internal Server Error.";
  return `Injected fault ${status}.`;
}
