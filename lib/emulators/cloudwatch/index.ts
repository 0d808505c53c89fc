/**
 * A CloudWatch emulator on loopback for the real @aws-sdk/client-cloudwatch
 * (3.1164 speaks AWS JSON 1.0 to CloudWatch, query-compatible: POST / with
 * `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, timestamps as
 * epoch seconds, errors as `__type` plus the `x-amzn-query-error` header).
 * It answers GetMetricData from the Lambda emulator's invocation log and
 * DescribeAlarms for the alarms it is given, with fault injection.
 *
 *   const cw = await startCloudWatchEmulator({ lambda: lambdaEmu, alarms: [...] });
 *   const client = new CloudWatchClient({ region, endpoint: cw.url, credentials });
 */
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { Faults, type FaultContext } from "../faults";
import { CallLog, readBody, startLoopbackServer } from "../lambda/http";
import type { LambdaEmulator } from "../lambda";
import { AlarmBook, type AlarmDefinition } from "./alarms";
import { MetricSource, type Dimension } from "./metrics";

export type { AlarmDefinition, AlarmState } from "./alarms";
export { LAMBDA_NAMESPACE } from "./metrics";

const TARGET_PREFIX = "GraniteServiceVersion20100801.";
const MAX_QUERIES = 500;

export interface CloudWatchEmulatorOptions {
  /** Where the invocations come from; its clock is CloudWatch's clock. */
  lambda: Pick<LambdaEmulator, "state" | "account" | "region">;
  alarms?: AlarmDefinition[];
  /** How late an invocation shows in the metrics (default 90 s). */
  metricDelayMs?: number;
}

export interface CloudWatchEmulator {
  url: string;
  calls: CallLog;
  faults: Faults<FaultContext>;
  metrics: MetricSource;
  alarms: AlarmBook;
  close(): Promise<void>;
}

class CloudWatchError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function errorCodeForStatus(status: number): string {
  if (status === 400) return "InvalidParameterValue";
  if (status === 429) return "Throttling";
  return "InternalServiceError";
}

export async function startCloudWatchEmulator(options: CloudWatchEmulatorOptions): Promise<CloudWatchEmulator> {
  const state = options.lambda.state;
  const now = () => state.now();
  const metrics = new MetricSource(() => state.invocations(), now, options.metricDelayMs ?? 90_000);
  const alarms = new AlarmBook(metrics, now);
  for (const alarm of options.alarms ?? []) alarms.define(alarm);
  const calls = new CallLog();
  // CloudWatch throttles with HTTP 400 and the query error code Throttling, which the SDK's retry strategy knows.
  const faults = new Faults<FaultContext>({ errorTypeForStatus: errorCodeForStatus, throttle: { status: 400, errorType: "Throttling", message: "Rate exceeded" } });
  const arnPrefix = `arn:aws:cloudwatch:${options.lambda.region}:${options.lambda.account}:alarm:`;

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    GetMetricData: (input) => getMetricData(metrics, input),
    DescribeAlarms: (input) => describeAlarms(alarms, arnPrefix, input),
  };

  const server = await startLoopbackServer(async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const at = Date.now();
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : "Unknown";
    const requestId = randomUUID();
    const body = await readBody(req);
    let status = 200;
    let errorType: string | undefined;
    try {
      const injected = await faults.apply({ operation, method: req.method ?? "POST", path: req.url ?? "/" });
      if (injected) throw new CloudWatchError(injected.status, injected.errorType, injected.message, injected.headers);
      const run = operations[operation];
      if (req.method !== "POST" || !run) throw new CloudWatchError(400, "InvalidAction", `Could not find operation ${operation || "(no X-Amz-Target)"}.`);
      if (!String(req.headers["content-type"] ?? "").startsWith("application/x-amz-json-1.0")) {
        throw new CloudWatchError(400, "InvalidParameterValue", "Expected Content-Type application/x-amz-json-1.0.");
      }
      const input = body.length > 0 ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {};
      const payload = Buffer.from(JSON.stringify(run(input)));
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "content-length": payload.length, "x-amzn-requestid": requestId });
      res.end(payload);
    } catch (error) {
      const e = error instanceof CloudWatchError ? error : new CloudWatchError(500, "InternalServiceError", `emulator error: ${(error as Error).message}`);
      status = e.status;
      errorType = e.code;
      const payload = Buffer.from(JSON.stringify({ __type: `com.amazonaws.cloudwatch#${e.code}`, message: e.message }));
      res.writeHead(e.status, {
        "content-type": "application/x-amz-json-1.0",
        "content-length": payload.length,
        "x-amzn-requestid": requestId,
        "x-amzn-query-error": `${e.code};${e.status >= 500 ? "Receiver" : "Sender"}`,
        ...e.headers,
      });
      res.end(payload);
    } finally {
      calls.record({ operation, method: req.method ?? "POST", path: req.url ?? "/", query: {}, mutating: false, status, ...(errorType ? { errorType } : {}), at, durationMs: Date.now() - at });
    }
  });

  return { url: server.url, calls, faults, metrics, alarms, close: () => server.close() };
}

interface MetricDataQueryInput {
  Id?: string;
  Label?: string;
  ReturnData?: boolean;
  MetricStat?: { Metric?: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] }; Period?: number; Stat?: string };
  Expression?: string;
}

function getMetricData(metrics: MetricSource, input: Record<string, unknown>): unknown {
  const queries = (input.MetricDataQueries ?? []) as MetricDataQueryInput[];
  const start = input.StartTime;
  const end = input.EndTime;
  if (typeof start !== "number" || typeof end !== "number") {
    throw new CloudWatchError(400, "MissingParameter", "The parameters StartTime and EndTime are required (epoch seconds).");
  }
  if (queries.length === 0 || queries.length > MAX_QUERIES) {
    throw new CloudWatchError(400, "InvalidParameterValue", `MetricDataQueries must have 1 to ${MAX_QUERIES} members.`);
  }
  if (end <= start) throw new CloudWatchError(400, "InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime.");
  const descending = input.ScanBy !== "TimestampAscending";
  const results = queries.filter((q) => q.ReturnData !== false).map((q) => {
    if (!q.Id || !/^[a-z][a-zA-Z0-9_]*$/.test(q.Id)) {
      throw new CloudWatchError(400, "ValidationError", `The value ${q.Id ?? ""} for parameter MetricDataQueries.member.Id is invalid: it must start with a lower-case letter.`);
    }
    const stat = q.MetricStat;
    if (!stat?.Metric?.Namespace || !stat.Metric.MetricName || !stat.Period || !stat.Stat) {
      throw new CloudWatchError(400, "InvalidParameterValue", `Query ${q.Id} needs MetricStat with a Metric (Namespace, MetricName), Period and Stat; metric math is not emulated.`);
    }
    if (stat.Period < 60 ? ![1, 5, 10, 20, 30].includes(stat.Period) : stat.Period % 60 !== 0) {
      throw new CloudWatchError(400, "InvalidParameterValue", `The parameter Period must be 1, 5, 10, 20, 30 or a multiple of 60; got ${stat.Period}.`);
    }
    const points = metrics.datapoints(
      { namespace: stat.Metric.Namespace, metricName: stat.Metric.MetricName, dimensions: stat.Metric.Dimensions ?? [], periodSeconds: stat.Period, stat: stat.Stat },
      start * 1000,
      end * 1000,
    );
    if (descending) points.reverse();
    return {
      Id: q.Id,
      Label: q.Label ?? stat.Metric.MetricName,
      Timestamps: points.map((p) => p.timestamp / 1000),
      Values: points.map((p) => p.value),
      StatusCode: "Complete",
    };
  });
  return { MetricDataResults: results, Messages: [] };
}

function describeAlarms(alarms: AlarmBook, arnPrefix: string, input: Record<string, unknown>): unknown {
  const wanted = Array.isArray(input.AlarmNames) ? (input.AlarmNames as string[]) : alarms.names();
  const types = Array.isArray(input.AlarmTypes) ? (input.AlarmTypes as string[]) : ["MetricAlarm"];
  const metricAlarms = types.includes("MetricAlarm")
    ? wanted.flatMap((name) => {
        const alarm = alarms.describe(name);
        if (!alarm) return [];
        const d = alarm.definition;
        return [{
          AlarmName: d.name,
          AlarmArn: `${arnPrefix}${d.name}`,
          StateValue: alarm.state,
          StateReason: alarm.reason,
          StateUpdatedTimestamp: alarm.since / 1000,
          Namespace: d.namespace,
          MetricName: d.metricName,
          Dimensions: d.dimensions,
          Period: d.periodSeconds,
          EvaluationPeriods: d.evaluationPeriods,
          ...(d.datapointsToAlarm ? { DatapointsToAlarm: d.datapointsToAlarm } : {}),
          Threshold: d.threshold,
          ComparisonOperator: d.comparison,
          Statistic: d.statistic,
          TreatMissingData: "notBreaching",
        }];
      })
    : [];
  return { MetricAlarms: metricAlarms, CompositeAlarms: [] };
}
