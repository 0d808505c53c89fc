/**
 * The CloudWatch emulator, driven only through the real
 * @aws-sdk/client-cloudwatch (lib/aws/cloudwatch-client, AWS JSON 1.0), over
 * invocations made through the real Lambda client: each assertion also
 * checks the wire format the SDK expects.
 */
import { DescribeAlarmsCommand, GetMetricDataCommand, InvalidParameterValueException, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { InvokeCommand, LambdaClient, UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { createCloudWatchClient } from "../../lib/aws/cloudwatch-client";
import { startCloudWatchEmulator, type AlarmDefinition } from "../../lib/emulators/cloudwatch";
import { alexaSkillHandler, functionError, startLambdaEmulator } from "../../lib/emulators/lambda";
import { evenDraws } from "../helpers/residents";

const FN = "BostonInfoSkill";
const MINUTE = 60_000;
const START = Date.parse("2026-12-01T09:00:00.000Z");
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const intent = Buffer.from(JSON.stringify({ version: "1.0", request: { type: "IntentRequest", intent: { name: "TrashDayIntent" } } }));

const alarm: AlarmDefinition = {
  name: `${FN}-blue-errors`,
  namespace: "AWS/Lambda",
  metricName: "Errors",
  dimensions: [{ Name: "FunctionName", Value: FN }, { Name: "Resource", Value: `${FN}:blue` }],
  periodSeconds: 60,
  evaluationPeriods: 5,
  datapointsToAlarm: 1,
  threshold: 1,
  comparison: "GreaterThanOrEqualToThreshold",
  statistic: "Sum",
};

/** Lambda and CloudWatch on one hand-driven clock; version 2 fails every intent. */
async function world() {
  let now = START;
  const lambdaEmu = await startLambdaEmulator({
    now: () => now,
    random: evenDraws(),
    invoke: (ctx) => (ctx.resolvedVersion === "2" && (ctx.payload as { request?: { type?: string } }).request?.type === "IntentRequest" ? functionError("boom") : alexaSkillHandler(ctx)),
    functions: [{ name: FN, versions: [{}, {}], aliases: [{ name: "blue", version: "1" }] }],
  });
  const cwEmu = await startCloudWatchEmulator({ lambda: lambdaEmu, alarms: [alarm], metricDelayMs: 90_000 });
  const lambda = new LambdaClient({ region: lambdaEmu.region, endpoint: lambdaEmu.url, credentials });
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ENDPOINT_URL_CLOUDWATCH: cwEmu.url, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" });
  delete process.env.AWS_PROFILE;
  const cloudwatch = createCloudWatchClient({ region: "us-east-1", maxAttempts: 3 });
  return {
    lambdaEmu,
    cwEmu,
    lambda,
    cloudwatch,
    advance: (ms: number) => void (now += ms),
    invokeBlue: async (times: number) => {
      for (let i = 0; i < times; i++) {
        await lambda.send(new InvokeCommand({ FunctionName: `${lambdaEmu.functionArn(FN)}:blue`, Payload: intent }));
        now += 1000;
      }
    },
    close: async () => {
      process.env = saved;
      lambda.destroy();
      cloudwatch.destroy();
      await Promise.all([lambdaEmu.close(), cwEmu.close()]);
    },
  };
}

const query = (id: string, metric: string, dimensions: Record<string, string>): MetricDataQuery => ({
  Id: id,
  MetricStat: { Metric: { Namespace: "AWS/Lambda", MetricName: metric, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) }, Period: 60, Stat: "Sum" },
});
const sum = (values: number[] | undefined) => (values ?? []).reduce((a, b) => a + b, 0);

describe("the CloudWatch emulator", () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeEach(async () => {
    w = await world();
  });
  afterEach(() => w.close());

  it("splits an alias's invocations by weight and counts them per ExecutedVersion, a period late", async () => {
    await w.lambda.send(new UpdateAliasCommand({ FunctionName: FN, Name: "blue", RoutingConfig: { AdditionalVersionWeights: { "2": 0.25 } } }));
    await w.invokeBlue(40);
    const byVersion = (v: string) => ({ FunctionName: FN, Resource: `${FN}:blue`, ExecutedVersion: v });
    const read = () =>
      w.cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: [
            query("inv1", "Invocations", byVersion("1")),
            query("inv2", "Invocations", byVersion("2")),
            query("err2", "Errors", byVersion("2")),
            query("err1", "Errors", byVersion("1")),
            query("alias", "Invocations", { FunctionName: FN, Resource: `${FN}:blue` }),
            query("wrongSet", "Invocations", { Resource: `${FN}:blue` }),
          ],
          StartTime: new Date(START - MINUTE),
          EndTime: new Date(START + 60 * MINUTE),
        }),
      );
    // Nothing has arrived yet: the invocations are less than 90 s old.
    expect((await read()).MetricDataResults?.every((r) => r.Values?.length === 0)).toBe(true);
    w.advance(5 * MINUTE);
    const results = Object.fromEntries(((await read()).MetricDataResults ?? []).map((r) => [r.Id, r]));
    const [one, two] = [sum(results.inv1?.Values), sum(results.inv2?.Values)];
    expect(one + two).toBe(40);
    // An even spread of draws: about a quarter.
    expect(two).toBeGreaterThanOrEqual(8);
    expect(two).toBeLessThanOrEqual(12);
    expect(sum(results.err2?.Values)).toBe(two);
    expect(sum(results.err1?.Values)).toBe(0);
    expect(sum(results.alias?.Values)).toBe(40);
    expect(results.wrongSet?.Values).toEqual([]); // CloudWatch does not aggregate across dimension sets
    // One datapoint per minute that had invocations, newest first, with timestamps on the minute.
    const stamps = results.inv1?.Timestamps ?? [];
    expect(stamps.length).toBe(1);
    expect(stamps[0]!.getTime() % MINUTE).toBe(0);
  });

  it("describes an alarm on the alias's errors: OK, then ALARM once the errors have arrived", async () => {
    const describe = async () => (await w.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarm.name] }))).MetricAlarms?.[0];
    w.advance(2 * MINUTE);
    expect(await describe()).toMatchObject({ AlarmName: alarm.name, StateValue: "OK", Threshold: 1, Dimensions: alarm.dimensions });
    await w.lambda.send(new UpdateAliasCommand({ FunctionName: FN, Name: "blue", RoutingConfig: { AdditionalVersionWeights: { "2": 0.5 } } }));
    await w.invokeBlue(4);
    expect((await describe())?.StateValue).toBe("OK");
    w.advance(3 * MINUTE);
    const alarmed = await describe();
    expect(alarmed?.StateValue).toBe("ALARM");
    expect(alarmed?.StateReason).toMatch(/Threshold Crossed/);
    expect(alarmed?.StateUpdatedTimestamp?.getTime()).toBe(START + 2 * MINUTE + 4000 + 3 * MINUTE);
    expect((await w.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ["no-such-alarm"] }))).MetricAlarms).toEqual([]);
  });

  it("answers bad requests with the SDK's exception classes, and throttles in a way the SDK retries", async () => {
    await expect(
      w.cloudwatch.send(new GetMetricDataCommand({ MetricDataQueries: [query("a", "Invocations", { FunctionName: FN })], StartTime: new Date(START), EndTime: new Date(START - MINUTE) })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
    w.cwEmu.faults.throttleNext("DescribeAlarms", 2);
    expect((await w.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarm.name] }))).MetricAlarms).toHaveLength(1);
    expect(w.cwEmu.calls.of("DescribeAlarms").map((c) => c.status)).toEqual([400, 400, 200]);
  });
});
