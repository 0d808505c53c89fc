import { systemClock, type Clock } from "./clock";
import { OperationFailed } from "./errors";
import type { Output } from "./output";

export interface Poll<T> {
  done: boolean;
  /** One line saying where things stand, shown as progress. */
  status: string;
  value?: T;
}

export interface WaitOptions<T> {
  /** What we are waiting for, e.g. "the en-US model build". */
  what: string;
  poll: () => Promise<Poll<T>>;
  timeoutMs: number;
  clock?: Clock;
  output?: Output;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** What to do when the time is up; the default says so and fails. */
  onTimeout?: (last: Poll<T> | undefined) => Error;
}

/**
 * Polls until done, with backoff (x1.5, capped), progress on every poll that
 * changes the status (and at least every 30 s), and a hard limit.
 */
export async function waitUntil<T>(options: WaitOptions<T>): Promise<T | undefined> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  let delay = options.initialDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 15_000;
  let last: Poll<T> | undefined;
  let lastShown = "";
  let lastShownAt = started;
  for (;;) {
    last = await options.poll();
    if (last.done) return last.value;
    const now = clock.now();
    if (last.status !== lastShown || now - lastShownAt >= 30_000) {
      options.output?.progress(`waiting for ${options.what}: ${last.status} (${Math.round((now - started) / 1000)} s of ${Math.round(options.timeoutMs / 1000)} s)`);
      lastShown = last.status;
      lastShownAt = now;
    }
    if (now >= deadline) {
      throw options.onTimeout?.(last) ??
        new OperationFailed(`Gave up waiting for ${options.what} after ${Math.round(options.timeoutMs / 1000)} s; last status: ${last.status}.`);
    }
    await clock.sleep(Math.min(delay, Math.max(0, deadline - now)));
    delay = Math.min(maxDelay, Math.round(delay * 1.5));
  }
}
