import { UsageError } from "../../errors";

/**
 * The canary's numbers, chosen for Boston Info's traffic: a city skill that
 * residents ask a few times an hour (README "Canary releases" has the
 * arithmetic).
 */

/** A canary below 1% sees nothing for days at a few invocations an hour; above 50% the new version is the main one: use plain promote. */
export const PERCENT_LIMITS = { min: 1, max: 50 } as const;

/**
 * Two hours: at 5 invocations an hour, a 50% canary sees about 5 of them.
 * Shorter than ten minutes is meaningless with CloudWatch's delay; longer
 * than a day belongs to a person's judgement (--complete), not a watch.
 */
export const DEFAULT_BAKE_MS = 2 * 60 * 60 * 1000;
export const BAKE_LIMITS_MS = { min: 10 * 60 * 1000, max: 24 * 60 * 60 * 1000 } as const;

/**
 * Five invocations of the new version before it may complete: a version that
 * fails one request in two gets through five unseen with probability 1/32
 * (3%). Fewer leaves the canary in place for a person to decide.
 */
export const DEFAULT_MIN_INVOCATIONS = 5;

/**
 * One error of the new version is enough to roll back, when its error rate
 * is also higher than the stable version's over the same time: at a few
 * invocations an hour every unhandled error is a resident who heard "There
 * was a problem with the requested skill's response". The comparison keeps a
 * failing city data source, which fails both versions alike, from rolling
 * back a good version.
 */
export const DEFAULT_MAX_ERRORS = 1;

export interface CanarySettings {
  weight: number;
  bakeMs: number;
  minInvocations: number;
  maxErrors: number;
}

/** `--canary 25` → 0.25; whole percent only. */
export function parsePercent(text: string): number {
  const n = /^[0-9]+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= PERCENT_LIMITS.min && n <= PERCENT_LIMITS.max)) {
    throw new UsageError(
      `--canary takes the percentage of the live alias's traffic for the new version, a whole number from ${PERCENT_LIMITS.min} to ${PERCENT_LIMITS.max}; got ${JSON.stringify(text)}. ` +
        "For all of it at once, run npm run promote without --canary.",
    );
  }
  return n / 100;
}

/** `--bake 90m`, `2h`, `1h30m`, `600s`. */
export function parseBake(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  // An empty text matches with no unit at all: 0 ms, which the lower limit refuses.
  const ms = m ? ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000 : NaN;
  if (!(ms >= BAKE_LIMITS_MS.min && ms <= BAKE_LIMITS_MS.max)) {
    throw new UsageError(`--bake takes a duration from 10m to 24h, such as 30m, 2h or 1h30m; got ${JSON.stringify(text)}.`);
  }
  return ms;
}

export function parseCount(flag: string, text: string, max: number): number {
  const n = /^[0-9]+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= 1 && n <= max)) throw new UsageError(`${flag} takes a whole number from 1 to ${max}; got ${JSON.stringify(text)}.`);
  return n;
}

/** "2h", "1h30m", "10m". */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h${m > 0 ? `${m}m` : ""}` : `${m}m`;
}
