import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { aliasErrorsAlarmName, type EnvironmentConfig, type EnvironmentInput } from "../../config";
import { ResilientApiClient } from "../smapi/api-client";
import { createSmapiClient, type SmapiClient } from "../smapi/client";
import { recordingOutput } from "../output";
import { withEndpoint } from "../release/endpoints";
import type { ReleaseNames } from "../release/model";
import { fixtureManifest, smapiEnv, startSmapiEmulator, type SmapiEmulator, type SmapiEmulatorOptions } from "./smapi";
import { startLambdaEmulator, type LambdaEmulator, type LambdaEmulatorOptions } from "./lambda";
import { testEnvironment } from "./example-config";
import { startCloudWatchEmulator, type CloudWatchEmulator } from "./cloudwatch";
import { startSsmEmulator, type SsmEmulator, type SsmEmulatorOptions } from "./ssm";

export const FUNCTION_NAME = "BostonInfoSkill";
const ALEXA = "alexa-appkit.amazon.com";

export interface ReleaseWorldOptions {
  /** What the live stage points at when the world starts. */
  live?: "blue" | "green" | "legacy" | "unpublished";
  /** Versions published before the start (1..n); blue, green (and production-3) start on 1. */
  versions?: number;
  latencyMs?: number;
  lambda?: Partial<LambdaEmulatorOptions>;
  smapi?: Partial<SmapiEmulatorOptions>;
  /** The configuration's canary.alarm: the skill stack's Errors alarm on each colour alias, in the CloudWatch emulator too. */
  canaryAlarm?: NonNullable<NonNullable<EnvironmentInput["canary"]>["alarm"]>;
  /** How late invocations show in CloudWatch's metrics (the emulator's default: 90 s). */
  metricDelayMs?: number;
  /** Parameter Store too (setup:credentials stores the CodeBuild credentials there). */
  ssm?: boolean | SsmEmulatorOptions;
}

/**
 * A skill and its function as they stand after `cdktf deploy` and a first
 * release: the Lambda and SMAPI emulators wired together, so that a manifest
 * update checks the Lambda emulator's Alexa permissions and a simulation
 * really invokes the endpoint through the Lambda API.
 */
export interface ReleaseWorld {
  lambdaEmu: LambdaEmulator;
  smapiEmu: SmapiEmulator;
  /** CloudWatch's metrics over the Lambda emulator's invocations, on its clock (`lambda.now`). */
  cloudwatchEmu: CloudWatchEmulator;
  /** Present when the world was started with `ssm: true`; `env` then points the SDK at it. */
  ssmEmu?: SsmEmulator;
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
  smapi: SmapiClient;
  config: EnvironmentConfig;
  names: ReleaseNames;
  output: ReturnType<typeof recordingOutput>;
  /** The environment variables a command's main would read to reach this world. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startReleaseWorld(options: ReleaseWorldOptions = {}): Promise<ReleaseWorld> {
  const live = options.live ?? "blue";
  const versions = options.versions ?? 1;
  const legacy = live === "legacy" ? ["production-3"] : [];
  const lambdaEmu = await startLambdaEmulator({
    updateDurationMs: 20,
    ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
    ...options.lambda,
    functions: [
      {
        name: FUNCTION_NAME,
        versions: Array.from({ length: versions }, (_, i) => ({ description: `2026-11-0${(i % 9) + 1} commit 000000${i}` })),
        aliases: ["blue", "green", ...legacy].map((name) => ({ name, version: "1" })),
        permissions: [undefined, "blue", "green", ...legacy].map((qualifier) => ({
          StatementId: qualifier ? `AlexaSkillsKit-${qualifier}` : "AlexaSkillsKit",
          Action: "lambda:InvokeFunction",
          Principal: ALEXA,
          EventSourceToken: "__SKILL_ID__",
          ...(qualifier ? { qualifier } : {}),
        })),
      },
    ],
  });
  const functionArn = lambdaEmu.functionArn(FUNCTION_NAME);
  const lambda = new LambdaClient({
    region: lambdaEmu.region,
    endpoint: lambdaEmu.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 3,
  });

  const development = fixtureManifest(functionArn);
  const liveManifest =
    live === "unpublished" ? null : { manifest: withEndpoint(development, live === "legacy" ? `${functionArn}:production-3` : `${functionArn}:${live}`) };
  const smapiEmu = await startSmapiEmulator({
    manifest: development,
    live: liveManifest,
    timings: { manifestUpdateMs: 20, modelBuildMs: 20, validationMs: 20, publicationMs: 20, rollbackMs: 20, simulationMs: 0 },
    ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
    lambdaPermissions: (arn, skillId) => hasAlexaPermission(lambdaEmu, arn, skillId),
    simulate: async (sim) => {
      const response = await lambda.send(new InvokeCommand({ FunctionName: sim.endpoint, Payload: Buffer.from(JSON.stringify(sim.request)) }));
      if (response.FunctionError) return { error: `${response.FunctionError}: ${Buffer.from(response.Payload ?? []).toString()}` };
      return { response: JSON.parse(Buffer.from(response.Payload ?? []).toString()) };
    },
    ...options.smapi,
  });
  // The permissions were seeded before the skill ID existed.
  for (const qualifier of [undefined, "blue", "green", ...legacy]) {
    for (const statement of lambdaEmu.state.statements(FUNCTION_NAME, qualifier)) {
      const condition = statement.Condition?.StringEquals;
      if (condition?.["lambda:EventSourceToken"] === "__SKILL_ID__") condition["lambda:EventSourceToken"] = smapiEmu.skillId;
    }
  }

  const config = testEnvironment((input) => {
    input.skill.id = smapiEmu.skillId;
    input.function = { name: FUNCTION_NAME };
    if (options.canaryAlarm) input.canary = { alarm: options.canaryAlarm };
  });
  const alarm = config.canary.alarm;
  const cloudwatchEmu = await startCloudWatchEmulator({
    lambda: lambdaEmu,
    ...(options.metricDelayMs !== undefined ? { metricDelayMs: options.metricDelayMs } : {}),
    // As the skill stack declares them (stacks/constructs/alias-errors-alarm.ts).
    alarms: alarm
      ? [config.aliases.blue, config.aliases.green, ...legacy].map((name) => ({
          name: aliasErrorsAlarmName(FUNCTION_NAME, name),
          namespace: "AWS/Lambda",
          metricName: "Errors",
          dimensions: [{ Name: "FunctionName", Value: FUNCTION_NAME }, { Name: "Resource", Value: `${FUNCTION_NAME}:${name}` }],
          periodSeconds: alarm.periodSeconds,
          evaluationPeriods: alarm.evaluationPeriods,
          datapointsToAlarm: alarm.datapointsToAlarm,
          threshold: alarm.errors,
          comparison: "GreaterThanOrEqualToThreshold" as const,
          statistic: "Sum",
        }))
      : [],
  });
  const cloudwatch = new CloudWatchClient({
    region: lambdaEmu.region,
    endpoint: cloudwatchEmu.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 3,
  });
  const ssmEmu = options.ssm ? await startSsmEmulator({ region: lambdaEmu.region, ...(typeof options.ssm === "object" ? options.ssm : {}) }) : undefined;
  const credentials = smapiEmu.credentials;
  const smapi = createSmapiClient({
    credentials: { kind: "refresh-token", ...credentials },
    endpoints: { apiEndpoint: smapiEmu.url, authEndpoint: smapiEmu.url },
    apiClient: new ResilientApiClient({ timeoutMs: 5000, retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 50 } }),
  });
  const env: NodeJS.ProcessEnv = {
    ...smapiEnv(smapiEmu),
    LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_REGION: lambdaEmu.region,
    AWS_ENDPOINT_URL_LAMBDA: lambdaEmu.url,
    AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatchEmu.url,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    ASK_VENDOR_ID: smapiEmu.vendorId,
    ...(ssmEmu ? { AWS_ENDPOINT_URL_SSM: ssmEmu.url } : {}),
  };
  return {
    lambdaEmu,
    smapiEmu,
    cloudwatchEmu,
    ...(ssmEmu ? { ssmEmu } : {}),
    lambda,
    cloudwatch,
    smapi,
    config,
    names: { functionName: FUNCTION_NAME, functionArn, aliases: { blue: "blue", green: "green" } },
    output: recordingOutput([credentials.clientSecret, credentials.refreshToken]),
    env,
    close: async () => {
      lambda.destroy();
      cloudwatch.destroy();
      await Promise.all([lambdaEmu.close(), smapiEmu.close(), cloudwatchEmu.close(), ssmEmu?.close()]);
    },
  };
}

/** What Amazon checks before accepting an endpoint: an Alexa Skills Kit permission with this skill's ID. */
export function hasAlexaPermission(lambdaEmu: LambdaEmulator, arn: string, skillId: string): boolean {
  const prefix = lambdaEmu.functionArn(FUNCTION_NAME);
  if (arn !== prefix && !arn.startsWith(`${prefix}:`)) return false;
  const qualifier = arn === prefix ? undefined : arn.slice(prefix.length + 1);
  try {
    return lambdaEmu.state
      .statements(FUNCTION_NAME, qualifier)
      .some((s) => typeof s.Principal === "object" && "Service" in s.Principal && s.Principal.Service === ALEXA && s.Condition?.StringEquals?.["lambda:EventSourceToken"] === skillId);
  } catch {
    return false;
  }
}
