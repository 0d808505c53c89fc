/**
 * Metric alarms over the emulated metrics, evaluated whenever they are
 * described (no timers): the last `evaluationPeriods` complete periods that
 * CloudWatch has data for; `datapointsToAlarm` of them breaching is ALARM;
 * missing data is not breaching (TreatMissingData notBreaching, which is
 * what the skill stack configures: a quiet skill is not an alarm).
 */
import type { Dimension, MetricSource } from "./metrics";

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export interface AlarmDefinition {
  name: string;
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  threshold: number;
  comparison: "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold";
  statistic: string;
}

interface AlarmRecord {
  definition: AlarmDefinition;
  state: AlarmState;
  since: number;
  reason: string;
}

export class AlarmBook {
  private readonly alarms = new Map<string, AlarmRecord>();

  constructor(
    private readonly metrics: MetricSource,
    private readonly now: () => number,
  ) {}

  define(definition: AlarmDefinition): void {
    this.alarms.set(definition.name, { definition, state: "INSUFFICIENT_DATA", since: this.now(), reason: "Unchecked: Initial alarm creation" });
  }

  names(): string[] {
    return [...this.alarms.keys()].sort();
  }

  /** The alarm, evaluated now; its state's timestamp moves only when the state changes. */
  describe(name: string): Readonly<AlarmRecord> | undefined {
    const record = this.alarms.get(name);
    if (!record) return undefined;
    const evaluated = this.evaluate(record.definition);
    if (evaluated.state !== record.state) Object.assign(record, { state: evaluated.state, since: this.now(), reason: evaluated.reason });
    return record;
  }

  private evaluate(d: AlarmDefinition): { state: AlarmState; reason: string } {
    const periodMs = d.periodSeconds * 1000;
    // Only periods whose data has fully arrived are evaluated.
    const lastComplete = Math.floor((this.now() - this.metrics.delayMs) / periodMs) * periodMs;
    const start = lastComplete - d.evaluationPeriods * periodMs;
    const points = this.metrics.datapoints(
      { namespace: d.namespace, metricName: d.metricName, dimensions: d.dimensions, periodSeconds: d.periodSeconds, stat: d.statistic },
      start,
      lastComplete,
    );
    const breaching = points.filter((p) => (d.comparison === "GreaterThanThreshold" ? p.value > d.threshold : p.value >= d.threshold));
    const needed = d.datapointsToAlarm ?? d.evaluationPeriods;
    if (breaching.length >= needed) {
      return { state: "ALARM", reason: `Threshold Crossed: ${breaching.length} datapoint(s) [${breaching.map((p) => p.value).join(", ")}] were ${d.comparison === "GreaterThanThreshold" ? "greater than" : "greater than or equal to"} the threshold (${d.threshold}).` };
    }
    return { state: "OK", reason: `Threshold Crossed: no datapoint was ${d.comparison === "GreaterThanThreshold" ? "greater than" : "greater than or equal to"} the threshold (${d.threshold}).` };
  }
}
