import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ConcurrentChange } from "../../errors";
import type { ReleaseDeps } from "../deps";
import type { AliasView } from "../model";
import { readAlias } from "../read-state";
import { describeRouting, percentOf } from "../steps/alias";
import { readAlarm, readCanaryCounts, type AlarmView, type CanaryCounts } from "./metrics";
import type { CanaryRecord } from "./record";
import { formatDuration } from "./settings";
import { judge, verdictAt, type Verdict } from "./verdict";

/** CloudWatch's period for Lambda's metrics: reading more often learns nothing new. */
export const POLL_MS = 60_000;

export type WatchDeps = Pick<ReleaseDeps, "lambda" | "config" | "output" | "clock"> & { cloudwatch: CloudWatchClient };

export interface WatchResult {
  verdict: Exclude<Verdict, { kind: "watch" }>;
  counts: CanaryCounts;
}

/**
 * Watches a canary until it has a verdict: once a minute, the alias (still
 * as we left it?), the two versions' counts and the alarm, with a line of
 * progress each time. The wait ends by itself: at the latest SETTLE_MS after
 * the bake, the verdict is complete or quiet. Someone else changing the
 * alias meanwhile ends the watch with ConcurrentChange, touching nothing.
 */
export async function watchCanary(deps: WatchDeps, options: { alias: AliasView; record: CanaryRecord; alarmName?: string | undefined }): Promise<WatchResult> {
  const { alias, record, alarmName } = options;
  const functionName = deps.config.function.name;
  const end = verdictAt(record);
  for (;;) {
    const now = deps.clock.now();
    const current = await readAliasSettled(deps, alias);
    if (!current || current.revisionId !== alias.revisionId) {
      const where = current ? `it is now on ${describeRouting(current.version, current.weights ?? {})}${current.description ? ` (description "${current.description}")` : ""}` : "it cannot be read now";
      throw new ConcurrentChange(
        `The live alias ${alias.name} was changed by someone else during the canary of version ${record.version}: ${where}. ` +
          "Their change was kept and this run stopped watching. Check with npm run status.",
      );
    }
    const [counts, alarm] = await Promise.all([
      readCanaryCounts(deps.cloudwatch, { functionName, alias: alias.name, record, now }),
      alarmName ? readAlarm(deps.cloudwatch, alarmName) : Promise.resolve(undefined),
    ]);
    const verdict = judge({ record, counts, alarm, now });
    deps.output.progress(progressLine(record, counts, alarm, now));
    if (verdict.kind !== "watch") return { verdict, counts };
    await deps.clock.sleep(Math.max(1, Math.min(POLL_MS, end - now)));
  }
}

/** Re-reads that a different RevisionId gets before it counts as someone else's change. */
const STALE_READ_RETRIES = 3;
const STALE_READ_WAIT_MS = 2_000;

/**
 * The alias as Lambda has it now. Lambda's control plane is eventually
 * consistent: a GetAlias right after an UpdateAlias may briefly answer with
 * the alias as it was (AWS documents no bound; we assume seconds). So a
 * RevisionId other than ours is read again a few times before it is taken
 * for someone else's change, which ends the watch.
 */
async function readAliasSettled(deps: WatchDeps, alias: AliasView): Promise<AliasView | undefined> {
  let current = await readAlias(deps.lambda, deps.config.function.name, alias.name);
  for (let retry = 0; retry < STALE_READ_RETRIES && current?.revisionId !== alias.revisionId; retry++) {
    await deps.clock.sleep(STALE_READ_WAIT_MS);
    current = await readAlias(deps.lambda, deps.config.function.name, alias.name);
  }
  return current;
}

function progressLine(record: CanaryRecord, counts: CanaryCounts, alarm: AlarmView | undefined, now: number): string {
  const left = verdictAt(record) - now;
  return (
    `canary: version ${record.version} (${percentOf(record.weight)}): ${counts.canary.invocations} invocation(s), ${counts.canary.errors} error(s) ` +
    `[needs ${record.minInvocations}]; version ${record.stableVersion}: ${counts.stable.invocations} invocation(s), ${counts.stable.errors} error(s)` +
    `${alarm ? `; alarm ${alarm.name} ${alarm.state}` : ""}; ${formatDuration(now - record.startedAt)} of ${formatDuration(record.bakeMs)}` +
    `${left > 0 ? `, verdict in ${formatDuration(left)}` : ""}`
  );
}
