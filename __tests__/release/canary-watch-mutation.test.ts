import { DescribeAlarmsCommand, GetMetricDataCommand, type CloudWatchClient, type GetMetricDataCommandInput, type GetMetricDataCommandOutput, type MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { GetAliasCommand, ResourceNotFoundException, type LambdaClient } from "@aws-sdk/client-lambda";
import { ConcurrentChange, ExitCode, OperationFailed } from "../../lib/errors";
import { readAlarm, readCanaryCounts } from "../../lib/release/canary/metrics";
import { canaryRecord, type CanaryRecord } from "../../lib/release/canary/record";
import { verdictAt } from "../../lib/release/canary/verdict";
import { POLL_MS, watchCanary } from "../../lib/release/canary/watch";
import type { AliasView } from "../../lib/release/model";
import { testEnvironment } from "../../lib/emulators/example-config";
import { recordingOutput } from "../../lib/output";
import { fakeClock } from "../helpers/fake-clock";

/**
 * The canary's watch and its CloudWatch reads, against small fakes of the
 * Lambda and CloudWatch clients: answers the emulators do not give (pages,
 * a result CloudWatch says is incomplete, an alias deleted mid-watch) and
 * the exact times the watch reads at. Found unobserved by mutation testing.
 */

const MINUTE = 60_000;
// The split began 20 s into a minute: the verdict is due 20 s into one too.
const START = Date.parse("2026-12-01T09:00:20.000Z");
const record: CanaryRecord = { version: "7", stableVersion: "6", weight: 0.25, startedAt: START, bakeMs: 10 * MINUTE, minInvocations: 5, maxErrors: 1 };
const alias: AliasView = { name: "blue", version: "6", revisionId: "rev-ours", description: canaryRecord(record), weights: { "7": 0.25 } };

type Values = Partial<Record<"canaryInvocations" | "canaryErrors" | "stableInvocations" | "stableErrors", number[]>>;
type Page = { values: Values; status?: Partial<Record<keyof Values, string>>; nextToken?: string; omit?: (keyof Values)[] };

/** A CloudWatch client that answers GetMetricData with the given pages (the last one again and again) and DescribeAlarms from `alarms`. */
function fakeCloudWatch(pages: Page[], alarms: MetricAlarm[] = []) {
  const metricRequests: GetMetricDataCommandInput[] = [];
  const alarmRequests: string[][] = [];
  let next = 0;
  const client = {
    send: async (command: unknown) => {
      if (command instanceof GetMetricDataCommand) {
        metricRequests.push(command.input);
        const page = pages[Math.min(next++, pages.length - 1)]!;
        const ids = (command.input.MetricDataQueries ?? []).map((q) => q.Id as keyof Values).filter((id) => !page.omit?.includes(id));
        const output: Partial<GetMetricDataCommandOutput> = {
          MetricDataResults: ids.map((id) => ({ Id: id, Values: page.values[id] ?? [], StatusCode: page.status?.[id] ?? "Complete" }) as never),
          ...(page.nextToken ? { NextToken: page.nextToken } : {}),
        };
        return output;
      }
      if (command instanceof DescribeAlarmsCommand) {
        const names = command.input.AlarmNames ?? [];
        alarmRequests.push(names);
        return { MetricAlarms: alarms.filter((a) => names.includes(a.AlarmName ?? "")) }; // as CloudWatch does
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  };
  return { client: client as unknown as CloudWatchClient, metricRequests, alarmRequests };
}

/** A Lambda client whose GetAlias answers from `answers` in turn (the last one again and again); undefined is "no such alias". */
function fakeLambda(answers: Array<AliasView | undefined>) {
  let reads = 0;
  const client = {
    send: async (command: unknown) => {
      if (!(command instanceof GetAliasCommand)) throw new Error(`unexpected command ${String(command)}`);
      const a = answers[Math.min(reads++, answers.length - 1)];
      if (!a) throw new ResourceNotFoundException({ message: "Alias not found", $metadata: {} });
      return { Name: a.name, FunctionVersion: a.version, RevisionId: a.revisionId, Description: a.description, RoutingConfig: { AdditionalVersionWeights: a.weights ?? {} } };
    },
  };
  return { client: client as unknown as LambdaClient, reads: () => reads };
}

function watchDeps(options: { lambda: LambdaClient; cloudwatch: CloudWatchClient; start?: number }) {
  const clock = fakeClock(options.start ?? START + 20_000);
  const output = recordingOutput();
  return { deps: { lambda: options.lambda, cloudwatch: options.cloudwatch, config: testEnvironment(), output, clock }, clock, output };
}

const healthy: Values = { canaryInvocations: [3, 4], canaryErrors: [0], stableInvocations: [9, 12], stableErrors: [0] };

describe("the canary's watch", () => {
  it("reads once a minute and takes the verdict exactly when it is due, not up to a minute later", async () => {
    const cw = fakeCloudWatch([{ values: healthy }]);
    const { deps, clock } = watchDeps({ lambda: fakeLambda([alias]).client, cloudwatch: cw.client });
    const result = await watchCanary(deps, { alias, record });
    expect(result.verdict.kind).toBe("complete");
    expect(result.counts).toEqual({ canary: { invocations: 7, errors: 0 }, stable: { invocations: 21, errors: 0 } });
    expect(clock.now()).toBe(verdictAt(record));
    // 20 s after the split, then every minute; the last wait is what is left (13 min - 20 s = 12 × 1 min + 40 s).
    expect(clock.sleeps).toEqual([...Array(12).fill(POLL_MS), 40_000]);
    expect(cw.metricRequests.length).toBe(14); // one read at the start and one after each wait
    expect(cw.alarmRequests).toEqual([]); // no alarm configured: none is read
  });

  it("ends at once on errors, without waiting for the bake", async () => {
    const cw = fakeCloudWatch([{ values: { ...healthy, canaryErrors: [1] } }]);
    const { deps, clock } = watchDeps({ lambda: fakeLambda([alias]).client, cloudwatch: cw.client });
    expect((await watchCanary(deps, { alias, record })).verdict.kind).toBe("roll-back");
    expect(clock.sleeps).toEqual([]);
  });

  it("reads the configured alarm each time, and rolls back when it is in ALARM", async () => {
    const cw = fakeCloudWatch([{ values: healthy }], [{ AlarmName: "BostonInfoSkill-blue-errors", StateValue: "ALARM", StateReason: "Threshold Crossed" }]);
    const { deps } = watchDeps({ lambda: fakeLambda([alias]).client, cloudwatch: cw.client });
    const result = await watchCanary(deps, { alias, record, alarmName: "BostonInfoSkill-blue-errors" });
    expect(result.verdict).toMatchObject({ kind: "roll-back", reason: expect.stringContaining("in ALARM") });
    expect(cw.alarmRequests).toEqual([["BostonInfoSkill-blue-errors"]]);
  });

  it("a stale read of the alias is read again, 2 s apart, and the watch goes on", async () => {
    const stale = { ...alias, revisionId: "rev-before-the-split", weights: {} };
    const lambda = fakeLambda([stale, stale, stale, alias]);
    const cw = fakeCloudWatch([{ values: { ...healthy, canaryErrors: [1] } }]);
    const { deps, clock } = watchDeps({ lambda: lambda.client, cloudwatch: cw.client });
    expect((await watchCanary(deps, { alias, record })).verdict.kind).toBe("roll-back");
    expect(lambda.reads()).toBe(4);
    expect(clock.sleeps).toEqual([2_000, 2_000, 2_000]);
  });

  it("someone else's RevisionId, after three re-reads, ends the watch with exit 4 and reads no metrics", async () => {
    const theirs = { ...alias, revisionId: "rev-theirs", version: "7", weights: {} };
    const lambda = fakeLambda([theirs]);
    const cw = fakeCloudWatch([{ values: healthy }]);
    const { deps, clock } = watchDeps({ lambda: lambda.client, cloudwatch: cw.client });
    const error = await watchCanary(deps, { alias, record }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrentChange);
    expect((error as ConcurrentChange).exitCode).toBe(ExitCode.Conflict);
    expect((error as Error).message).toContain("it is now on version 7");
    expect(lambda.reads()).toBe(4);
    expect(clock.sleeps).toEqual([2_000, 2_000, 2_000]);
    expect(cw.metricRequests).toEqual([]);
  });

  it("an alias deleted during the watch is someone else's change too (exit 4), not a crash", async () => {
    const lambda = fakeLambda([undefined]);
    const { deps } = watchDeps({ lambda: lambda.client, cloudwatch: fakeCloudWatch([{ values: healthy }]).client });
    const error = await watchCanary(deps, { alias, record }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrentChange);
    expect((error as Error).message).toContain("it cannot be read now");
  });

  it("never completes on metrics CloudWatch says are incomplete: a failing version whose errors did not come back fails the watch (exit 1)", async () => {
    const cw = fakeCloudWatch([{ values: { ...healthy, canaryErrors: [] }, status: { canaryErrors: "InternalError" } }]);
    const { deps } = watchDeps({ lambda: fakeLambda([alias]).client, cloudwatch: cw.client, start: verdictAt(record) });
    const error = await watchCanary(deps, { alias, record }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationFailed);
    expect((error as Error).message).toContain("canaryErrors: InternalError");
  });
});

describe("the canary's CloudWatch counts", () => {
  const read = (cw: CloudWatchClient, now: number) => readCanaryCounts(cw, { functionName: "BostonInfoSkill", alias: "blue", record, now });

  it("cover every minute from the one the split began in to the end of the current one", async () => {
    const cw = fakeCloudWatch([{ values: healthy }]);
    await read(cw.client, START + 5 * MINUTE);
    await read(cw.client, Date.parse("2026-12-01T09:08:00.000Z")); // exactly on a minute: that minute is the current one
    expect(cw.metricRequests.map((r) => [r.StartTime, r.EndTime])).toEqual([
      [new Date("2026-12-01T09:00:00.000Z"), new Date("2026-12-01T09:06:00.000Z")],
      [new Date("2026-12-01T09:00:00.000Z"), new Date("2026-12-01T09:09:00.000Z")],
    ]);
  });

  it("ask for each version's Invocations and Errors on the live alias, per minute", async () => {
    const cw = fakeCloudWatch([{ values: healthy }]);
    await read(cw.client, START + MINUTE);
    const queries = cw.metricRequests[0]!.MetricDataQueries!.map((q) => ({
      id: q.Id,
      metric: q.MetricStat?.Metric?.MetricName,
      dimensions: q.MetricStat?.Metric?.Dimensions,
      period: q.MetricStat?.Period,
    }));
    const on = (version: string) => [
      { Name: "FunctionName", Value: "BostonInfoSkill" },
      { Name: "Resource", Value: "BostonInfoSkill:blue" },
      { Name: "ExecutedVersion", Value: version },
    ];
    expect(queries).toEqual([
      { id: "canaryInvocations", metric: "Invocations", dimensions: on("7"), period: 60 },
      { id: "canaryErrors", metric: "Errors", dimensions: on("7"), period: 60 },
      { id: "stableInvocations", metric: "Invocations", dimensions: on("6"), period: 60 },
      { id: "stableErrors", metric: "Errors", dimensions: on("6"), period: 60 },
    ]);
  });

  it("add up every page CloudWatch gives, asking for the next one with its token", async () => {
    const cw = fakeCloudWatch([
      { values: { canaryInvocations: [2, 3], canaryErrors: [1], stableInvocations: [4] }, status: { canaryInvocations: "PartialData" }, nextToken: "page-2" },
      { values: { canaryInvocations: [5], canaryErrors: [2], stableInvocations: [6], stableErrors: [1] } },
    ]);
    expect(await read(cw.client, START + MINUTE)).toEqual({ canary: { invocations: 10, errors: 3 }, stable: { invocations: 10, errors: 1 } });
    expect(cw.metricRequests.map((r) => r.NextToken)).toEqual([undefined, "page-2"]);
  });

  it("a result CloudWatch says is not complete, or not returned at all, is a failure, never counted as no errors", async () => {
    for (const page of [
      { values: healthy, status: { canaryErrors: "InternalError" } },
      { values: healthy, status: { stableErrors: "Forbidden" } },
      { values: healthy, status: { canaryInvocations: "PartialData" } }, // and no NextToken to get the rest
      { values: healthy, omit: ["canaryErrors" as const] },
    ]) {
      await expect(read(fakeCloudWatch([page]).client, START + MINUTE)).rejects.toBeInstanceOf(OperationFailed);
    }
  });
});

describe("the live alias's alarm", () => {
  it("is the alarm of that name, with its state; none of that name is none", async () => {
    const alarms: MetricAlarm[] = [{ AlarmName: "BostonInfoSkill-blue-errors", StateValue: "OK", StateReason: "fine" }];
    expect(await readAlarm(fakeCloudWatch([], alarms).client, "BostonInfoSkill-blue-errors")).toMatchObject({ name: "BostonInfoSkill-blue-errors", state: "OK" });
    expect(await readAlarm(fakeCloudWatch([], alarms).client, "BostonInfoSkill-green-errors")).toBeUndefined();
  });
});
