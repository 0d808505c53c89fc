import { DescribeAlarmsCommand, GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { OperationFailed } from "../../errors";
import type { CanaryRecord } from "./record";

/**
 * What CloudWatch knows of a canary: the AWS/Lambda Invocations and Errors
 * of the live alias (dimensions FunctionName, Resource `<function>:<alias>`,
 * ExecutedVersion) for the new version and the stable one since the split,
 * and the state of the alias's Errors alarm. Lambda publishes per minute;
 * CloudWatch has them a minute or more late, and the last minute is
 * incomplete: the verdict allows for that (verdict.ts), these reads only sum
 * what is there. What CloudWatch says it could not give (a result's
 * StatusCode other than Complete) is not counted as nothing: missing errors
 * would let a failing version complete.
 */

export interface VersionCounts {
  invocations: number;
  errors: number;
}

export interface CanaryCounts {
  canary: VersionCounts;
  stable: VersionCounts;
}

export interface AlarmView {
  name: string;
  state: string;
  reason: string;
}

const PERIOD_SECONDS = 60;
const QUERY_IDS = ["canaryInvocations", "canaryErrors", "stableInvocations", "stableErrors"] as const;
const MINUTE = 60_000;

export async function readCanaryCounts(
  cloudwatch: CloudWatchClient,
  options: { functionName: string; alias: string; record: CanaryRecord; now: number },
): Promise<CanaryCounts> {
  const { functionName, alias, record } = options;
  const query = (id: string, metric: "Invocations" | "Errors", version: string): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: "AWS/Lambda",
        MetricName: metric,
        Dimensions: [
          { Name: "FunctionName", Value: functionName },
          { Name: "Resource", Value: `${functionName}:${alias}` },
          { Name: "ExecutedVersion", Value: version },
        ],
      },
      Period: PERIOD_SECONDS,
      Stat: "Sum",
    },
  });
  const sums = new Map<string, number>();
  // Each query's StatusCode on the last page that has it: InternalError, Forbidden, or PartialData without a NextToken to go on with, means some of its datapoints are missing.
  const statuses = new Map<string, string | undefined>();
  // From the minute the split began (the stable version's count may include a few invocations of that minute from before it) to the end of the current minute.
  const start = new Date(Math.floor(record.startedAt / MINUTE) * MINUTE);
  const end = new Date(Math.ceil((options.now + 1) / MINUTE) * MINUTE);
  let nextToken: string | undefined;
  do {
    const page = await cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          query("canaryInvocations", "Invocations", record.version),
          query("canaryErrors", "Errors", record.version),
          query("stableInvocations", "Invocations", record.stableVersion),
          query("stableErrors", "Errors", record.stableVersion),
        ],
        StartTime: start,
        EndTime: end,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    for (const result of page.MetricDataResults ?? []) {
      const total = (result.Values ?? []).reduce((a, b) => a + b, 0);
      sums.set(result.Id ?? "", (sums.get(result.Id ?? "") ?? 0) + total);
      statuses.set(result.Id ?? "", result.StatusCode);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  const incomplete = QUERY_IDS.filter((id) => statuses.get(id) !== "Complete").map((id) => `${id}: ${statuses.get(id) ?? "not returned"}`);
  if (incomplete.length > 0) {
    throw new OperationFailed(
      `CloudWatch did not return all of the canary's metrics (${incomplete.join(", ")}); counting what it gave could miss errors of version ${record.version}, so no verdict is taken from it.`,
    );
  }
  const sum = (id: string) => Math.round(sums.get(id) ?? 0);
  return {
    canary: { invocations: sum("canaryInvocations"), errors: sum("canaryErrors") },
    stable: { invocations: sum("stableInvocations"), errors: sum("stableErrors") },
  };
}

/** The alarm's state, or undefined when there is no alarm of that name. */
export async function readAlarm(cloudwatch: CloudWatchClient, name: string): Promise<AlarmView | undefined> {
  const found = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ["MetricAlarm"] }));
  const alarm = found.MetricAlarms?.find((a) => a.AlarmName === name);
  if (!alarm) return undefined;
  return { name, state: alarm.StateValue ?? "INSUFFICIENT_DATA", reason: alarm.StateReason ?? "" };
}
