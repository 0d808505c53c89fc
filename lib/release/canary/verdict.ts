import { percentOf } from "../steps/alias";
import type { AlarmView, CanaryCounts, VersionCounts } from "./metrics";
import type { CanaryRecord } from "./record";
import { formatDuration } from "./settings";

/**
 * The canary's verdict, a pure function of what CloudWatch says and the time.
 *
 * CloudWatch's delay: Lambda's metrics arrive a minute or more late and the
 * minute in progress is incomplete, so counts only grow on later reads. An
 * error verdict may therefore come at any time (errors never disappear), but
 * "enough invocations and no errors" is decided only SETTLE_MS after the
 * bake ends, once the bake's last minutes have arrived.
 */
export const SETTLE_MS = 3 * 60 * 1000;

export type Verdict =
  | { kind: "watch" }
  | { kind: "roll-back"; reason: string }
  | { kind: "complete"; reason: string }
  | { kind: "quiet"; reason: string };

export function errorRate(counts: VersionCounts): number {
  // Errors are never more than invocations, even when the two metrics arrive at different times.
  return counts.errors === 0 ? 0 : counts.errors / Math.max(counts.invocations, counts.errors);
}

const rate = (c: VersionCounts) => `${c.errors} error(s) in ${c.invocations} invocation(s)`;

export function judge(input: { record: CanaryRecord; counts: CanaryCounts; alarm?: AlarmView | undefined; now: number }): Verdict {
  const { record, counts, alarm, now } = input;
  const { canary, stable } = counts;
  if (alarm?.state === "ALARM") {
    return { kind: "roll-back", reason: `the live alias's alarm ${alarm.name} is in ALARM (${alarm.reason})` };
  }
  if (canary.errors >= record.maxErrors && errorRate(canary) > errorRate(stable)) {
    return {
      kind: "roll-back",
      reason: `version ${record.version} had ${rate(canary)} (the limit is ${record.maxErrors}), more often than version ${record.stableVersion} (${rate(stable)})`,
    };
  }
  if (now < verdictAt(record)) return { kind: "watch" };
  if (canary.invocations >= record.minInvocations) {
    return {
      kind: "complete",
      reason: `after ${formatDuration(now - record.startedAt)} with ${percentOf(record.weight)} of the traffic, version ${record.version} had ${rate(canary)} ` +
        `(version ${record.stableVersion}: ${rate(stable)})`,
    };
  }
  return {
    kind: "quiet",
    reason: `after ${formatDuration(now - record.startedAt)} with ${percentOf(record.weight)} of the traffic, version ${record.version} had only ${canary.invocations} invocation(s) ` +
      `(${canary.errors} error(s)); a verdict needs at least ${record.minInvocations}`,
  };
}

/** When a verdict without errors may be taken: the bake's end, plus CloudWatch's delay. */
export function verdictAt(record: CanaryRecord): number {
  return record.startedAt + record.bakeMs + SETTLE_MS;
}
