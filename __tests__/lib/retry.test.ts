import { backoffDelay, withRetry } from "../../lib/retry";
import { fakeClock } from "../helpers/fake-clock";

const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

describe("backoffDelay", () => {
  it("grows exponentially with full jitter, capped", () => {
    expect(backoffDelay(0, policy, () => 0.999)).toBe(99);
    expect(backoffDelay(3, policy, () => 0.999)).toBe(799);
    expect(backoffDelay(10, policy, () => 0.999)).toBe(999);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });
});

describe("withRetry", () => {
  it("retries a retryable result until it succeeds", async () => {
    const clock = fakeClock();
    const results = [503, 429, 200];
    const result = await withRetry(async () => results.shift() as number, {
      policy, clock, random: () => 0.5, retryResult: (s) => ({ retry: s >= 429 }),
    });
    expect(result).toBe(200);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it("gives the last result back after the last attempt", async () => {
    let calls = 0;
    const result = await withRetry(async () => (calls++, 503), { policy, clock: fakeClock(), retryResult: () => ({ retry: true }) });
    expect(result).toBe(503);
    expect(calls).toBe(4);
  });

  it("never retries what the policy calls final", async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw new Error("400"); }, { policy, clock: fakeClock(), retryError: () => ({ retry: false }) })).rejects.toThrow("400");
    expect(calls).toBe(1);
  });

  it("honours a server's Retry-After when longer than the backoff, within the cap", async () => {
    const clock = fakeClock();
    const results = [429, 200];
    await withRetry(async () => results.shift() as number, { policy, clock, random: () => 0, retryResult: (s) => ({ retry: s === 429, afterMs: 700 }) });
    expect(clock.sleeps).toEqual([700]);
  });
});
