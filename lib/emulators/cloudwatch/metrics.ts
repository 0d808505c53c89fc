/**
 * AWS/Lambda metrics computed from the Lambda emulator's invocation log, the
 * way CloudWatch aggregates what Lambda publishes:
 * - `Invocations` and `Errors` (Sum per period), for the dimension sets Lambda
 *   publishes: {FunctionName}, {FunctionName, Resource} and
 *   {FunctionName, Resource, ExecutedVersion}, where Resource is
 *   `<function>:<qualifier>` for a qualified invocation. A query must name a
 *   set exactly (CloudWatch does not aggregate across dimensions).
 * - A period with no invocation has no datapoint at all (Lambda publishes
 *   nothing then), rather than a zero.
 * - Metrics arrive late: an invocation is visible only `delayMs` after it ran
 *   (default 90 s; AWS documents no bound, and users see one to a few
 *   minutes), so the period in progress, and the one before it, are
 *   incomplete and grow on later reads. This is the less convenient case the
 *   canary's verdict must cope with.
 */
import type { InvocationRecord } from "../lambda";

export const LAMBDA_NAMESPACE = "AWS/Lambda";

export interface Dimension {
  Name: string;
  Value: string;
}

export interface MetricQuery {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  periodSeconds: number;
  stat: string;
}

export interface Datapoint {
  /** Start of the period, epoch milliseconds. */
  timestamp: number;
  value: number;
}

export class MetricSource {
  constructor(
    private readonly invocations: () => readonly InvocationRecord[],
    private readonly now: () => number,
    readonly delayMs: number,
  ) {}

  /** The invocations CloudWatch has received by now. */
  visible(): InvocationRecord[] {
    const cutoff = this.now() - this.delayMs;
    return this.invocations().filter((i) => i.at <= cutoff);
  }

  /** Datapoints of [startMs, endMs), one per period that has data, oldest first. */
  datapoints(query: MetricQuery, startMs: number, endMs: number): Datapoint[] {
    if (query.namespace !== LAMBDA_NAMESPACE) return [];
    const metric = query.metricName;
    if (metric !== "Invocations" && metric !== "Errors") return [];
    const periodMs = query.periodSeconds * 1000;
    const buckets = new Map<number, InvocationRecord[]>();
    for (const invocation of this.visible()) {
      if (invocation.at < startMs || invocation.at >= endMs || !matches(invocation, query.dimensions)) continue;
      const bucket = Math.floor(invocation.at / periodMs) * periodMs;
      buckets.set(bucket, [...(buckets.get(bucket) ?? []), invocation]);
    }
    return [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([timestamp, list]) => ({ timestamp, value: statistic(query.stat, metric === "Errors" ? list.map((i) => (i.error ? 1 : 0)) : list.map(() => 1)) }));
  }
}

/** Lambda publishes one sample of 1 per invocation (and of 0 or 1 for Errors). */
function statistic(stat: string, samples: number[]): number {
  switch (stat) {
    case "SampleCount":
      return samples.length;
    case "Maximum":
      return Math.max(...samples);
    case "Minimum":
      return Math.min(...samples);
    case "Average":
      return samples.reduce((a, b) => a + b, 0) / samples.length;
    default:
      return samples.reduce((a, b) => a + b, 0);
  }
}

function matches(invocation: InvocationRecord, dimensions: Dimension[]): boolean {
  const want = new Map(dimensions.map((d) => [d.Name, d.Value]));
  const have = new Map<string, string>([["FunctionName", invocation.functionName]]);
  if (invocation.qualifier !== undefined) {
    have.set("Resource", `${invocation.functionName}:${invocation.qualifier}`);
    if (want.has("ExecutedVersion")) have.set("ExecutedVersion", invocation.executedVersion);
  }
  if (want.size !== have.size) return false;
  for (const [name, value] of want) if (have.get(name) !== value) return false;
  return true;
}
