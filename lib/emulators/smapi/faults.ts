/**
 * Fault injection for the SMAPI emulator, keyed by the spec's operation name
 * (`updateSkillManifestV1`; `lwaToken` for the LWA token call; `*` for every
 * call). The arming, matching and consuming is the generic
 * `lib/emulators/faults.ts` shared with the Lambda and S3 emulators; this
 * adapter keeps SMAPI's verbs (a spec with `code` or a whole `body`, `pending()`
 * as a count) and renders failures in SMAPI's error shape (`{ code?, message }`).
 */
import { ANY_OPERATION, Faults, type BeforeHook as GenericBeforeHook, type ConnectionFault, type FaultContext } from "../faults";

export { ANY_OPERATION };
export type { ConnectionFault, FaultContext };
export type BeforeHook = GenericBeforeHook<FaultContext>;

export interface SmapiFailureSpec {
  status: number;
  message?: string;
  code?: string;
  /** Replaces the whole error body (for shapes such as LWA's `{ error, error_description }`). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A failure as the SMAPI server sends it. */
export interface InjectedFailure {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** Set for a connection fault: hang or drop instead of answering. */
  connection?: ConnectionFault;
}

const THROTTLED = "Exceed the permitted request limit. Throttling criteria includes total requests, per API, ClientId, and CustomerId.";

export class SmapiFaults {
  private readonly faults: Faults<FaultContext>;

  constructor(sleep: (ms: number) => Promise<void>) {
    this.faults = new Faults<FaultContext>({
      errorTypeForStatus: (status) => `HTTP_${status}`,
      throttle: { status: 429, message: THROTTLED },
      sleep,
    });
  }

  /** The next `times` calls of `operation` answer this status (default body: SMAPI's error shape). */
  failNext(operation: string, spec: SmapiFailureSpec & { times?: number }): this {
    const { status, message = defaultMessage(status), code, body, headers, times } = spec;
    const errorBody = body ?? { ...(code ? { code } : {}), message };
    this.faults.failNext(operation, { status, errorType: code, message, headers, body: errorBody, times });
    return this;
  }

  /** The next `times` calls of `operation` are throttled (429). */
  throttleNext(operation: string, times = 1): this {
    this.faults.throttleNext(operation, times);
    return this;
  }

  /** The next `times` calls of `operation` never get an answer, and are never handled. */
  hangNext(operation: string, times = 1): this {
    this.faults.hangNext(operation, times);
    return this;
  }

  /** The next `times` calls of `operation` lose their connection, before or (`afterHandling`) after being handled. */
  dropNext(operation: string, options: { afterHandling?: boolean; times?: number } = {}): this {
    this.faults.dropNext(operation, options);
    return this;
  }

  /** The next `times` calls of `operation` wait `ms` before being handled. */
  delayNext(operation: string, ms: number, times = 1): this {
    this.faults.delayNext(operation, ms, times);
    return this;
  }

  /** Runs `hook` before the next `times` calls of `operation`: a concurrent operator acting between a read and a write. */
  beforeNext(operation: string, hook: BeforeHook, times = 1): this {
    this.faults.beforeNext(operation, hook, times);
    return this;
  }

  /** Runs `hook` before every call of `operation` until the returned function is called. */
  before(operation: string, hook: BeforeHook): () => void {
    return this.faults.before(operation, hook);
  }

  reset(): void {
    this.faults.reset();
  }

  /** How many uses are still armed (every one, or one operation's), so a test can check each fault was hit. */
  pending(operation?: string): number {
    const { failures, delays, hooks } = this.faults.pending();
    return [...failures, ...delays, ...hooks]
      .filter((a) => operation === undefined || a.operation === operation)
      .reduce((n, a) => n + (Number.isFinite(a.remaining) ? a.remaining : 0), 0);
  }

  /** For each call: waits its delays, runs its hooks, then returns its failure, if one is armed. A throwing hook fails the call with 500. */
  async apply(ctx: FaultContext): Promise<InjectedFailure | undefined> {
    const failure = await this.faults.apply(ctx);
    if (!failure) return undefined;
    if (failure.connection) return { status: 0, body: undefined, headers: {}, connection: failure.connection };
    // Only a hook's failure (and a throttle) comes without a body: SMAPI's `{ message }`.
    return { status: failure.status, body: failure.body ?? { message: failure.message }, headers: failure.headers };
  }
}

function defaultMessage(status: number): string {
  if (status === 503) return "Service Unavailable.";
  if (status >= 500) return "Internal Server Error.";
  return `Injected fault ${status}.`;
}
