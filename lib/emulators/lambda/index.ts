/**
 * A stateful emulator of the Lambda control plane on loopback, driven by the
 * real @aws-sdk/client-lambda so that the scripts meet real wire formats and
 * real exception classes:
 *
 *   const emu = await startLambdaEmulator({ functions: [{ name: "BostonInfoSkill" }] });
 *   const lambda = new LambdaClient({ region: "us-east-1", endpoint: emu.url,
 *     credentials: { accessKeyId: "test", secretAccessKey: "test" } });
 *   ...
 *   await emu.close();
 */
import { Faults } from "../faults";
import { errorTypeForStatus } from "./errors";
import { CallLog, startLoopbackServer } from "./http";
import { type InvokeHandler, alexaSkillHandler } from "./invoke";
import { type S3ObjectSource, routes } from "./operations";
import type { PermissionInput } from "./policy";
import { type FunctionSettings, LambdaState, codePackage } from "./state";
import { type LambdaFaultContext, lambdaRequestHandler } from "./server";
import { makeZip } from "./zip";

export { FunctionErrorResult, alexaSkillHandler, functionError } from "./invoke";
export type { InvokeContext, InvokeHandler } from "./invoke";
export type { S3ObjectSource } from "./operations";
export type { AliasRecord, FunctionRecord, InvocationRecord, Snapshot, UpdateStatus } from "./state";
export { LambdaState, LATEST } from "./state";
export type { CallRecord } from "./http";
export { CallLog } from "./http";
export type { LambdaFaultContext } from "./server";
export type { PolicyStatement } from "./policy";
export { makeZip } from "./zip";

export const DEFAULT_ACCOUNT = "123456789012";
export const DEFAULT_REGION = "us-east-1";
export const DEFAULT_FUNCTION_NAME = "BostonInfoSkill";

export interface SeedFunction {
  name: string;
  runtime?: string;
  handler?: string;
  /** Defaults to `arn:aws:iam::<account>:role/<name>-role`. */
  role?: string;
  description?: string;
  timeout?: number;
  memorySize?: number;
  /** The `$LATEST` package; defaults to a small zip unique to the function. */
  code?: Uint8Array;
  /** Published in order (1, 2, …), each from its own package, then `$LATEST` gets `code`. */
  versions?: Array<{ code?: Uint8Array; description?: string }>;
  aliases?: Array<{ name: string; version: string; description?: string; additionalVersionWeights?: Record<string, number> }>;
  permissions?: Array<PermissionInput & { qualifier?: string }>;
}

export interface LambdaEmulatorOptions {
  /** Defaults to one function, `BostonInfoSkill`. */
  functions?: SeedFunction[];
  account?: string;
  region?: string;
  /** How long an UpdateFunctionCode stays `LastUpdateStatus: InProgress` (default 50 ms). */
  updateDurationMs?: number;
  /** Eventual consistency: after an alias changes, this many GetAlias reads still return it as it was (default 0). */
  staleAliasReads?: number;
  /** Added to every call before it is handled (default 0). */
  latencyMs?: number;
  /** Runs every RequestResponse/Event invocation; defaults to a tiny Alexa skill. */
  invoke?: InvokeHandler;
  /** Where UpdateFunctionCode's S3Bucket/S3Key are read; the S3 emulator fits. */
  s3?: S3ObjectSource;
  /** Draws for weighted alias routing (default Math.random). */
  random?: () => number;
  /** The clock for update completion and LastModified (default Date.now). */
  now?: () => number;
}

export interface LambdaEmulator {
  url: string;
  account: string;
  region: string;
  /** Every request, in order: `calls.entries`, `calls.of("UpdateAlias")`, `calls.mutating()`. */
  calls: CallLog;
  faults: Faults<LambdaFaultContext>;
  /** Direct, out-of-band access (no call is logged): inspect, or act as another operator. */
  state: LambdaState;
  functionArn(name: string, qualifier?: string): string;
  close(): Promise<void>;
}

export async function startLambdaEmulator(options: LambdaEmulatorOptions = {}): Promise<LambdaEmulator> {
  const place = { account: options.account ?? DEFAULT_ACCOUNT, region: options.region ?? DEFAULT_REGION };
  const state = new LambdaState({
    place,
    updateDurationMs: options.updateDurationMs ?? 50,
    staleAliasReads: options.staleAliasReads ?? 0,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  });
  for (const seed of options.functions ?? [{ name: DEFAULT_FUNCTION_NAME }]) seedFunction(state, seed);

  const calls = new CallLog();
  let sleep: (ms: number) => Promise<void> = () => Promise.resolve();
  const faults = new Faults<LambdaFaultContext>({
    errorTypeForStatus,
    throttle: { status: 429, errorType: "TooManyRequestsException", message: "Rate exceeded" },
    sleep: (ms) => sleep(ms),
  });
  let url = "";
  const server = await startLoopbackServer(
    lambdaRequestHandler({
      routes,
      context: { state, invoke: options.invoke ?? alexaSkillHandler, s3: options.s3 },
      baseUrl: () => url,
      calls,
      faults,
      latencyMs: options.latencyMs ?? 0,
      sleep: (ms) => sleep(ms),
    }),
  );
  sleep = server.sleep;
  url = server.url;

  return {
    url,
    account: place.account,
    region: place.region,
    calls,
    faults,
    state,
    functionArn: (name, qualifier) => state.arn(name, qualifier),
    close: () => server.close(),
  };
}

function seedFunction(state: LambdaState, seed: SeedFunction): void {
  const settings: FunctionSettings = {
    runtime: seed.runtime ?? "python3.12",
    handler: seed.handler ?? "lambda_function.lambda_handler",
    role: seed.role ?? `arn:aws:iam::${state.place.account}:role/${seed.name}-role`,
    timeout: seed.timeout ?? 3,
    memorySize: seed.memorySize ?? 128,
    architectures: ["x86_64"],
  };
  const latest = seed.code ?? makeZip({ "lambda_function.py": `# ${seed.name}\ndef lambda_handler(event, context):\n    return {}\n` });
  state.addFunction(seed.name, settings, seed.description ?? "", codePackage(latest));
  (seed.versions ?? []).forEach((v, i) => {
    const code = v.code ?? makeZip({ "lambda_function.py": `# ${seed.name} version ${i + 1}\n` });
    state.seedVersion(seed.name, codePackage(code), v.description ?? seed.description ?? "");
  });
  for (const a of seed.aliases ?? []) {
    state.createAlias(seed.name, a.name, {
      FunctionVersion: a.version,
      ...(a.description !== undefined ? { Description: a.description } : {}),
      ...(a.additionalVersionWeights ? { RoutingConfig: { AdditionalVersionWeights: a.additionalVersionWeights } } : {}),
    });
  }
  for (const { qualifier, ...permission } of seed.permissions ?? []) state.addPermission(seed.name, qualifier, permission);
}
