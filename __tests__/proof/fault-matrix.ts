import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { FaultContext } from "../../lib/emulators/faults";
import { startReleaseWorld, type ReleaseWorld } from "../../lib/emulators/release-world";
import { ResilientApiClient } from "../../lib/smapi/api-client";
import { createSmapiClient, type SmapiClient } from "../../lib/smapi/client";
import { UNTYPED_FAILURE } from "./as-process";
import type { ProofCommand } from "./commands";
import { invariantViolations, worldState, type WorldState } from "./world-probe";

/**
 * The fault-injection matrix (invariant 6 and the others, under every fault
 * at every call): a clean run of a command records the calls it makes; then,
 * for each call and each fault, a fresh world runs the command with that
 * fault injected at that call, the invariants are checked on what it left,
 * and the command runs again without faults and must reach the clean run's
 * end state. Faults go through the emulators' one mechanism (lib/emulators/faults.ts).
 */

export const FAULTS = ["5xx", "throttling", "dropped connection", "never answers", "crash after success"] as const;
export type Fault = (typeof FAULTS)[number];

export type Service = "lambda" | "smapi" | "cloudwatch" | "ssm";

/** The n-th call (from 1) of an operation of one service in a run: stable across runs, even with parallel reads. */
export interface CallSite {
  service: Service;
  operation: string;
  occurrence: number;
}

export function describeCall(call: CallSite): string {
  return `${call.service}:${call.operation}#${call.occurrence}`;
}

/** How many attempts the operator's clients make: each fault outlasts them (but a dropped connection, which hits once). */
const LAMBDA_ATTEMPTS = 2;
const SMAPI_ATTEMPTS = 2;
/** Short client timeouts, so a call that never answers costs the test less than a second per attempt. */
const TIMEOUT_MS = 750;

/** The clients an operator's command uses: the real SDKs, with the test's short timeouts. */
export interface OperatorClients {
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
  smapi: SmapiClient;
  /** Parameter Store, in a world started with it. */
  ssm: SSMClient;
  close(): void;
}

/** `refreshToken`: an operator of their own (default: the world's credentials). */
export function operatorClients(world: ReleaseWorld, refreshToken = world.smapiEmu.credentials.refreshToken): OperatorClients {
  const lambda = new LambdaClient({
    region: world.lambdaEmu.region,
    endpoint: world.lambdaEmu.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: LAMBDA_ATTEMPTS,
    requestHandler: { connectionTimeout: TIMEOUT_MS, requestTimeout: TIMEOUT_MS, throwOnRequestTimeout: true },
  });
  const cloudwatch = new CloudWatchClient({
    region: world.lambdaEmu.region,
    endpoint: world.cloudwatchEmu.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: LAMBDA_ATTEMPTS,
    requestHandler: { connectionTimeout: TIMEOUT_MS, requestTimeout: TIMEOUT_MS, throwOnRequestTimeout: true },
  });
  const smapi = createSmapiClient({
    credentials: { kind: "refresh-token", ...world.smapiEmu.credentials, refreshToken },
    endpoints: { apiEndpoint: world.smapiEmu.url, authEndpoint: world.smapiEmu.url },
    apiClient: new ResilientApiClient({ timeoutMs: TIMEOUT_MS, retry: { attempts: SMAPI_ATTEMPTS, baseDelayMs: 2, maxDelayMs: 10 } }),
  });
  const ssm = new SSMClient({
    region: world.lambdaEmu.region,
    endpoint: world.ssmEmu?.url ?? "http://127.0.0.1:9",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: LAMBDA_ATTEMPTS,
    requestHandler: { connectionTimeout: TIMEOUT_MS, requestTimeout: TIMEOUT_MS, throwOnRequestTimeout: true },
  });
  return {
    lambda,
    cloudwatch,
    smapi,
    ssm,
    close: () => {
      lambda.destroy();
      cloudwatch.destroy();
      ssm.destroy();
    },
  };
}

export interface RunResult {
  code: number;
  stderr: string;
}

/**
 * Alexa's own invocations (SMAPI's simulator calling the endpoint, by ARN)
 * are not calls of the command: they are neither counted nor faulted.
 */
function isAlexaInvocation(service: Service, ctx: FaultContext): boolean {
  return service === "lambda" && ctx.operation === "Invoke" && ctx.path.includes("arn:aws:lambda");
}

/** The calls a run made since the logs had `marks` entries, in order, without Alexa's. */
function callsSince(world: ReleaseWorld, marks: Marks): CallSite[] {
  const seen = new Map<string, number>();
  const site = (service: Service, operation: string): CallSite => {
    const key = `${service}:${operation}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return { service, operation, occurrence };
  };
  const lambda = world.lambdaEmu.calls.entries.slice(marks.lambda).filter((c) => !isAlexaInvocation("lambda", c));
  const smapi = world.smapiEmu.calls.slice(marks.smapi);
  const cloudwatch = world.cloudwatchEmu.calls.entries.slice(marks.cloudwatch);
  const ssm = world.ssmEmu?.calls.entries.slice(marks.ssm) ?? [];
  // Each service's calls in their own order; the services interleave differently from run to run.
  return [
    ...lambda.map((c) => site("lambda", c.operation)),
    ...smapi.map((c) => site("smapi", c.operation)),
    ...cloudwatch.map((c) => site("cloudwatch", c.operation)),
    ...ssm.map((c) => site("ssm", c.operation)),
  ];
}

interface Marks {
  lambda: number;
  smapi: number;
  cloudwatch: number;
  ssm: number;
}

function marks(world: ReleaseWorld): Marks {
  return { lambda: world.lambdaEmu.calls.entries.length, smapi: world.smapiEmu.calls.length, cloudwatch: world.cloudwatchEmu.calls.entries.length, ssm: world.ssmEmu?.calls.entries.length ?? 0 };
}

export interface Baseline {
  command: ProofCommand;
  code: number;
  calls: CallSite[];
  end: WorldState;
}

async function prepared(command: ProofCommand): Promise<ReleaseWorld> {
  const world = await startReleaseWorld({ ...((typeof command.world === "function" ? command.world() : command.world) ?? { live: "blue" }), ...(command.ssm ? { ssm: true } : {}) });
  try {
    await command.setup?.(world);
    return world;
  } catch (error) {
    await world.close();
    throw error;
  }
}

async function runWith(command: ProofCommand, world: ReleaseWorld): Promise<RunResult> {
  const clients = operatorClients(world);
  try {
    return await command.run(world, clients);
  } finally {
    clients.close();
  }
}

/** A clean run: its exit code, the calls it made and the end state a disturbed run must converge to. */
export async function cleanRun(command: ProofCommand): Promise<Baseline> {
  const world = await prepared(command);
  try {
    const at = marks(world);
    const { code, stderr } = await runWith(command, world);
    if (code !== 0) throw new Error(`the clean run of ${command.name} failed (exit ${code}): ${stderr}`);
    const calls = callsSince(world, at);
    const end = await worldState(world);
    const problems = [...(await commandViolations(command, world, { code, stderr })), ...((await command.converged?.(world)) ?? [])];
    if (problems.length > 0) throw new Error(`the clean run of ${command.name} broke its own invariants: ${problems.join("; ")}`);
    world.smapiEmu.assertNoSpecViolations();
    return { command, code, calls, end };
  } finally {
    await world.close();
  }
}

export interface CellOutcome {
  command: string;
  call: string;
  fault: Fault;
  /** The faulted run's exit code. */
  code: number;
  /** The invariants held after the faulted run, which failed (or succeeded) with a typed error, no stack trace. */
  held: boolean;
  /** Run again without faults: the clean run's exit code and end state, invariants holding. */
  converged: boolean;
  problems: string[];
}

/**
 * Arms `fault` at `call`: a hook on every call of both emulators counts the
 * calls of each operation and, at the chosen one, injects the fault for it
 * (and for the client's retries of it). A crash lets the call succeed, then
 * drops every later call to any service, as if the process had died.
 */
function arm(world: ReleaseWorld, call: CallSite, fault: Fault): () => void {
  const counts = new Map<string, number>();
  let crashed = false;
  const hook = (service: Service) => (ctx: FaultContext) => {
    if (isAlexaInvocation(service, ctx)) return;
    const faults = faultsOf(world, service);
    if (crashed) {
      faults.dropNext(ctx.operation);
      return;
    }
    const key = `${service}:${ctx.operation}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (service !== call.service || ctx.operation !== call.operation || n !== call.occurrence) return;
    // The SMAPI client repeats a failed call only when repeating is harmless (429 always).
    const repeatable = service !== "smapi" || ctx.operation === "lwaToken" || ["GET", "HEAD", "PUT", "DELETE"].includes(ctx.method);
    const attempts = service === "smapi" ? SMAPI_ATTEMPTS : LAMBDA_ATTEMPTS;
    switch (fault) {
      case "5xx":
        if (service === "lambda") world.lambdaEmu.faults.failNext(ctx.operation, { status: 500, errorType: "ServiceException", times: attempts });
        else if (service === "cloudwatch") world.cloudwatchEmu.faults.failNext(ctx.operation, { status: 500, errorType: "InternalServiceError", times: attempts });
        else if (service === "ssm") faults.failNext(ctx.operation, { status: 500, errorType: "InternalServerError", times: attempts });
        else world.smapiEmu.faults.failNext(ctx.operation, { status: 500, times: repeatable ? attempts : 1 });
        break;
      case "throttling":
        faults.throttleNext(ctx.operation, attempts);
        break;
      case "dropped connection":
        faults.dropNext(ctx.operation, { afterHandling: true });
        break;
      case "never answers":
        faults.hangNext(ctx.operation, repeatable ? attempts : 1);
        break;
      case "crash after success":
        crashed = true;
        break;
    }
  };
  const offLambda = world.lambdaEmu.faults.before("*", hook("lambda"));
  const offSmapi = world.smapiEmu.faults.before("*", hook("smapi"));
  const offCloudWatch = world.cloudwatchEmu.faults.before("*", hook("cloudwatch"));
  const offSsm = world.ssmEmu?.faults.before("*", hook("ssm"));
  return () => {
    offLambda();
    offSmapi();
    offCloudWatch();
    offSsm?.();
    world.lambdaEmu.faults.reset();
    world.smapiEmu.faults.reset();
    world.cloudwatchEmu.faults.reset();
    world.ssmEmu?.faults.reset();
  };
}

type AnyFaults = ReleaseWorld["lambdaEmu"]["faults"] | ReleaseWorld["smapiEmu"]["faults"] | ReleaseWorld["cloudwatchEmu"]["faults"] | NonNullable<ReleaseWorld["ssmEmu"]>["faults"];

function faultsOf(world: ReleaseWorld, service: Service): AnyFaults {
  if (service === "lambda") return world.lambdaEmu.faults;
  if (service === "smapi") return world.smapiEmu.faults;
  if (service === "cloudwatch") return world.cloudwatchEmu.faults;
  if (!world.ssmEmu) throw new Error("an SSM call in a world started without Parameter Store");
  return world.ssmEmu.faults;
}

/** Only the parts of two states that differ (a whole state holds an interaction model), long values cut. */
function stateDifferences(actual: WorldState, expected: WorldState): string {
  const keys = [...new Set([...Object.keys(actual), ...Object.keys(expected)])] as Array<keyof WorldState>;
  const cut = (value: unknown) => (JSON.stringify(value) ?? "undefined").slice(0, 400);
  return keys
    .filter((key) => JSON.stringify(actual[key]) !== JSON.stringify(expected[key]))
    .map((key) => `${key} is ${cut(actual[key])}, not ${cut(expected[key])}`)
    .join("; ");
}

/** The command's own invariants, and its secrets kept out of what it printed. */
async function commandViolations(command: ProofCommand, world: ReleaseWorld, run: RunResult): Promise<string[]> {
  const problems = (await command.invariants?.(world)) ?? [];
  for (const [name, secret] of Object.entries(secretsOf(world))) if (run.stderr.includes(secret)) problems.push(`the ${name} is in what the command printed`);
  return problems;
}

/** What the operator's clients hold that must never be printed. */
function secretsOf(world: ReleaseWorld): Record<string, string> {
  return { "LWA client secret": world.smapiEmu.credentials.clientSecret, "refresh token": world.smapiEmu.credentials.refreshToken };
}

export async function runCell(baseline: Baseline, call: CallSite, fault: Fault): Promise<CellOutcome> {
  const { command } = baseline;
  const world = await prepared(command);
  const problems: string[] = [];
  try {
    const before = await worldState(world);
    const disarm = arm(world, call, fault);
    let first: RunResult;
    try {
      first = await runWith(command, world);
    } finally {
      disarm();
    }
    if (UNTYPED_FAILURE.test(first.stderr)) problems.push(`the faulted run failed without a typed error: ${first.stderr}`);
    // Nobody else acts in these worlds: a conflict would blame a concurrent operator for our own retried call.
    if (first.code === 4) problems.push(`the faulted run reported a concurrent change that nobody made: ${first.stderr.trim()}`);
    const options = { liveAliasUntouched: command.liveAliasUntouched ?? false, developmentEndpointsUntouched: command.developmentEndpointsUntouched ?? false };
    problems.push(...(await invariantViolations(world, before, options)).map((p) => `after the fault: ${p}`));
    problems.push(...(await commandViolations(command, world, first)).map((p) => `after the fault: ${p}`));
    const held = problems.length === 0;

    const second = await runWith(command, world);
    const end = await worldState(world);
    const converging: string[] = [];
    if (second.code !== baseline.code) converging.push(`the run without faults exited ${second.code}: ${second.stderr.trim()}`);
    if (JSON.stringify(end) !== JSON.stringify(baseline.end)) converging.push(`the end state differs from the clean run's: ${stateDifferences(end, baseline.end)}`);
    converging.push(...(await invariantViolations(world, before, options)).map((p) => `after the re-run: ${p}`));
    converging.push(...(await commandViolations(command, world, second)).map((p) => `after the re-run: ${p}`));
    if (command.converged) converging.push(...(await command.converged(world)).map((p) => `after the re-run: ${p}`));
    world.smapiEmu.assertNoSpecViolations();
    problems.push(...converging);
    return { command: command.name, call: describeCall(call), fault, code: first.code, held, converged: converging.length === 0, problems };
  } finally {
    await world.close();
  }
}

/** The matrix as a table: command × call × fault → held / converged. */
export function renderMatrix(outcomes: readonly CellOutcome[]): string {
  const rows = outcomes.map((o) => [o.command, o.call, o.fault, String(o.code), o.held ? "held" : "VIOLATED", o.converged ? "converged" : "DIVERGED"]);
  const header = ["command", "call", "fault", "exit", "invariants", "re-run"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const failed = outcomes.filter((o) => !o.held || !o.converged).length;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), "", `${outcomes.length} cells, ${outcomes.length - failed} held and converged, ${failed} failed.`].join("\n");
}
