import { systemClock, type Clock } from "./clock";

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 };

export interface RetryDecision {
  retry: boolean;
  /** A server-requested wait (Retry-After), honoured when longer than the backoff. */
  afterMs?: number;
  /** What the retry line says about a retried result, e.g. "HTTP 429 (throttled)". */
  reason?: string;
}

/**
 * Exponential backoff with full jitter (the AWS Architecture Blog's
 * recommendation): the delay is uniform in [0, min(max, base * 2^n)], so
 * operators retrying at once do not retry in lock-step.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

export interface RetryOptions<T> {
  policy?: RetryPolicy;
  clock?: Clock;
  random?: () => number;
  /** Decides from a result (e.g. an HTTP response) whether to try again. */
  retryResult?: (result: T) => RetryDecision;
  /** Decides from a thrown error whether to try again; by default errors are final. */
  retryError?: (error: unknown) => RetryDecision;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions<T> = {}): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  const clock = options.clock ?? systemClock;
  for (let attempt = 0; ; attempt++) {
    const last = attempt + 1 >= policy.attempts;
    let decision: RetryDecision;
    let reason: string;
    try {
      const result = await operation(attempt);
      decision = last ? { retry: false } : (options.retryResult?.(result) ?? { retry: false });
      if (!decision.retry) return result;
      reason = decision.reason ?? "retryable response";
    } catch (error) {
      decision = last ? { retry: false } : (options.retryError?.(error) ?? { retry: false });
      if (!decision.retry) throw error;
      reason = error instanceof Error ? error.message : String(error);
    }
    const delayMs = Math.max(backoffDelay(attempt, policy, options.random), Math.min(decision.afterMs ?? 0, policy.maxDelayMs));
    options.onRetry?.({ attempt: attempt + 1, delayMs, reason });
    await clock.sleep(delayMs);
  }
}
