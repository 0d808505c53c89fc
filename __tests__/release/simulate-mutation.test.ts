import type { v2 } from "ask-smapi-model";
import { ExitCode } from "../../lib/errors";
import { DryRunPlan } from "../../lib/dry-run";
import { recordingOutput } from "../../lib/output";
import { testEnvironment } from "../../lib/emulators/example-config";
import { confirmAlexaReaches, SIMULATION_ATTEMPTS, SIMULATION_TIMEOUT_MS, type SimulateDeps } from "../../lib/release/steps/simulate";
import { fakeClock } from "../helpers/fake-clock";
import { failure, fakeSmapi, serviceError, type Scripted } from "../helpers/smapi-fake";

/**
 * lib/release/steps/simulate.ts, the last check of a flip: Alexa itself, through
 * SMAPI's simulation on the development stage, must reach the endpoint just set
 * and get a well-formed answer (invariant 5, and what makes a flip's endpoint
 * move trustworthy). These pin what mutation testing found unobserved: which
 * failures are "no answer" (tried again, a bounded number of times) and which
 * are a definite answer (final, with their own exit code), that a simulation
 * without an invocation never passes, the stage's enablement, the time limit,
 * and that a simulation answered at once is read as it is.
 */

type Simulation = v2.skill.simulations.SimulationsApiResponse;

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill";
const BLUE = `${ARN}:blue`;
const WELL_FORMED = { version: "1.0", response: { outputSpeech: { type: "PlainText", text: "Welcome to Boston Info." } } };

function answered(endpoint: string | undefined, options: { body?: unknown; caption?: string; id?: string } = {}): Simulation {
  const invocation = { ...(endpoint !== undefined && { invocationRequest: { endpoint } }), invocationResponse: { body: options.body ?? WELL_FORMED } };
  return {
    ...(options.id !== undefined ? { id: options.id } : { id: "sim-1" }),
    status: "SUCCESSFUL",
    result: {
      // A card (no content) before the speech: the caption is the first response that has one.
      alexaExecutionInfo: { alexaResponses: options.caption ? [{ type: "Card" }, { type: "Speech", content: {} }, { type: "Speech", content: { caption: options.caption } }] : [] },
      skillExecutionInfo: { invocations: [invocation] },
    },
  } as Simulation;
}

const started: Simulation = { id: "sim-1", status: "IN_PROGRESS" };
const failedSimulation: Simulation = { id: "sim-1", status: "FAILED", result: { error: { message: "Skill execution failed: Task timed out" } } } as Simulation;

function setUp(script: Record<string, Scripted[]>, options: { dryRun?: DryRunPlan; locales?: string[] } = {}) {
  const fake = fakeSmapi({ getSkillEnablementStatusV1: [undefined], ...script });
  const clock = fakeClock();
  const output = recordingOutput();
  const config = testEnvironment((input) => {
    if (options.locales) input.skill.locales = options.locales;
  });
  const deps: SimulateDeps = { smapi: fake.smapi, config, output, clock, ...(options.dryRun ? { dryRun: options.dryRun } : {}) };
  return { ...fake, clock, output, deps };
}

describe("confirmAlexaReaches: a simulation without an answer is tried again, a bounded number of times", () => {
  it.each([
    ["SMAPI's 500", serviceError(500)],
    ["SMAPI's 503", serviceError(503)],
    ["throttling (429)", serviceError(429)],
    ["no connection (no HTTP status)", new Error("socket hang up")],
  ])(`starting fails with %s every time: ${SIMULATION_ATTEMPTS} simulations in all, then exit 1`, async (_name, error) => {
    const run = setUp({ simulateSkillV2: [error] });
    const failed = await failure(confirmAlexaReaches(run.deps, { uri: BLUE }));
    expect(failed.exitCode).toBe(ExitCode.Failed);
    expect(run.callsTo("simulateSkillV2")).toHaveLength(SIMULATION_ATTEMPTS);
    // Each retry is announced, after a pause.
    expect(run.output.lines.filter((l) => l.kind === "progress")).toHaveLength(SIMULATION_ATTEMPTS - 1);
  });

  it("a FAILED simulation, or a failed read of its result, starts a whole new simulation; the attempts asked for are honoured", async () => {
    const run = setUp({ simulateSkillV2: [started], getSkillSimulationV2: [failedSimulation, serviceError(502), answered(BLUE)] });
    expect(await confirmAlexaReaches(run.deps, { uri: BLUE })).toMatchObject({ outcome: "confirmed", endpoint: BLUE });
    expect(run.callsTo("simulateSkillV2")).toHaveLength(3);

    // A FAILED simulation that gives no reason (no result, or no error in it) is no answer too.
    const unexplained = [{ id: "sim-1", status: "FAILED" }, { id: "sim-1", status: "FAILED", result: {} }] as Simulation[];
    const silent = setUp({ simulateSkillV2: [started], getSkillSimulationV2: [...unexplained, answered(BLUE)] });
    expect(await confirmAlexaReaches(silent.deps, { uri: BLUE })).toMatchObject({ outcome: "confirmed" });
    expect(silent.callsTo("simulateSkillV2")).toHaveLength(3);

    const once = setUp({ simulateSkillV2: [started], getSkillSimulationV2: [failedSimulation] });
    const failed = await failure(confirmAlexaReaches(once.deps, { uri: BLUE, attempts: 1 }));
    expect(failed.exitCode).toBe(ExitCode.Failed);
    expect(failed.message).toContain("Task timed out");
    expect(once.callsTo("simulateSkillV2")).toHaveLength(1);

    const five = setUp({ simulateSkillV2: [started], getSkillSimulationV2: [failedSimulation] });
    await failure(confirmAlexaReaches(five.deps, { uri: BLUE, attempts: 5 }));
    expect(five.callsTo("simulateSkillV2")).toHaveLength(5);
  });

  it("a definite refusal (400, 403, 404) is final: one simulation, and the refusal's own exit code, not a generic failure", async () => {
    for (const [status, exitCode] of [[400, ExitCode.Failed], [403, ExitCode.Usage], [404, ExitCode.Usage], [499, ExitCode.Failed]] as const) {
      const run = setUp({ simulateSkillV2: [serviceError(status)] });
      const failed = await failure(confirmAlexaReaches(run.deps, { uri: BLUE }));
      expect([status, failed.exitCode]).toEqual([status, exitCode]);
      expect(run.callsTo("simulateSkillV2")).toHaveLength(1);
    }
    const denied = setUp({ simulateSkillV2: [started], getSkillSimulationV2: [serviceError(403)] });
    expect((await failure(confirmAlexaReaches(denied.deps, { uri: BLUE }))).exitCode).toBe(ExitCode.Usage);
    expect(denied.callsTo("simulateSkillV2")).toHaveLength(1);
  });
});

describe("confirmAlexaReaches: only an invocation of the endpoint asked, answered well, passes", () => {
  it("a SUCCESSFUL simulation that invoked nothing (or names no endpoint) fails at once, not confirmed", async () => {
    const noInvocation = { ...answered(BLUE), result: { alexaExecutionInfo: { alexaResponses: [{ type: "Speech", content: { caption: "I don't know that" } }] }, skillExecutionInfo: { invocations: [] } } } as Simulation;
    const bare = [{}, { alexaExecutionInfo: {}, skillExecutionInfo: {} }].map((result) => ({ id: "sim-1", status: "SUCCESSFUL", result }) as Simulation);
    for (const answer of [noInvocation, answered(undefined), { id: "sim-1", status: "SUCCESSFUL" } as Simulation, ...bare]) {
      const run = setUp({ simulateSkillV2: [started], getSkillSimulationV2: [answer] });
      const failed = await failure(confirmAlexaReaches(run.deps, { uri: BLUE }));
      expect(failed.exitCode).toBe(ExitCode.Failed);
      expect(failed.message).toMatch(/^Alexa did not invoke the skill/);
      expect(run.callsTo("simulateSkillV2")).toHaveLength(1);
    }
  });

  it("an invocation without the skill's response is not a well-formed answer", async () => {
    const noResponse = answered(BLUE);
    delete (noResponse.result!.skillExecutionInfo!.invocations![0] as { invocationResponse?: unknown }).invocationResponse;
    const run = setUp({ simulateSkillV2: [started], getSkillSimulationV2: [noResponse] });
    const failed = await failure(confirmAlexaReaches(run.deps, { uri: BLUE }));
    expect(failed.exitCode).toBe(ExitCode.Failed);
    expect(failed.message).toMatch(/not a well-formed Alexa response/);
  });

  it("reports the simulation, the endpoint and the caption it confirmed", async () => {
    const run = setUp({ simulateSkillV2: [started], getSkillSimulationV2: [answered(BLUE, { caption: "Welcome to Boston Info.", id: "sim-7" })] });
    expect(await confirmAlexaReaches(run.deps, { uri: BLUE })).toEqual({
      outcome: "confirmed", utterance: "open boston info", locale: "en-US", simulationId: "sim-7", endpoint: BLUE, caption: "Welcome to Boston Info.",
    });
  });

  it("simulates in the first configured locale, on the development stage, as a new session", async () => {
    const run = setUp({ simulateSkillV2: [started], getSkillSimulationV2: [answered(BLUE)] }, { locales: ["en-GB", "en-US"] });
    expect(await confirmAlexaReaches(run.deps, { uri: BLUE })).toMatchObject({ outcome: "confirmed", locale: "en-GB" });
    const [[skillId, stage, request]] = run.callsTo("simulateSkillV2") as [[string, string, v2.skill.simulations.SimulationsApiRequest]];
    expect([skillId, stage]).toEqual([run.deps.config.skill.id, "development"]);
    expect(request).toEqual({ input: { content: "open boston info" }, device: { locale: "en-GB" }, session: { mode: "FORCE_NEW_SESSION" } });
    expect(run.callsTo("getSkillSimulationV2")).toEqual([[run.deps.config.skill.id, "development", "sim-1"]]);
  });
});

describe("confirmAlexaReaches: the simulation's life cycle", () => {
  it("a simulation answered at once is read as it is (no poll); one answered without a status is polled", async () => {
    const atOnce = setUp({ simulateSkillV2: [answered(BLUE)] });
    expect(await confirmAlexaReaches(atOnce.deps, { uri: BLUE })).toMatchObject({ outcome: "confirmed" });
    expect(atOnce.callsTo("getSkillSimulationV2")).toEqual([]);

    const wrongAtOnce = setUp({ simulateSkillV2: [answered(ARN)] });
    expect((await failure(confirmAlexaReaches(wrongAtOnce.deps, { uri: BLUE }))).message).toMatch(/^Alexa reached .* instead of/);

    const noStatus = setUp({ simulateSkillV2: [{ id: "sim-1" }], getSkillSimulationV2: [started, answered(BLUE)] });
    expect(await confirmAlexaReaches(noStatus.deps, { uri: BLUE })).toMatchObject({ outcome: "confirmed" });
    expect(noStatus.callsTo("getSkillSimulationV2")).toHaveLength(2);
  });

  it("a simulation started without an id fails, without reading some other simulation", async () => {
    const run = setUp({ simulateSkillV2: [{ status: "IN_PROGRESS" }], getSkillSimulationV2: [answered(BLUE)] });
    expect((await failure(confirmAlexaReaches(run.deps, { uri: BLUE }))).exitCode).toBe(ExitCode.Failed);
    expect(run.callsTo("getSkillSimulationV2")).toEqual([]);
  });

  it("a simulation that never finishes ends at its time limit (2 minutes by default, or the one asked), and is not started again", async () => {
    const run = setUp({ simulateSkillV2: [started], getSkillSimulationV2: [started] });
    const t0 = run.clock.now();
    expect((await failure(confirmAlexaReaches(run.deps, { uri: BLUE }))).exitCode).toBe(ExitCode.Failed);
    expect(run.clock.now() - t0).toBe(SIMULATION_TIMEOUT_MS);
    expect(run.callsTo("simulateSkillV2")).toHaveLength(1);

    const short = setUp({ simulateSkillV2: [started], getSkillSimulationV2: [started] });
    const t1 = short.clock.now();
    await failure(confirmAlexaReaches(short.deps, { uri: BLUE, timeoutMs: 7000 }));
    expect(short.clock.now() - t1).toBe(7000);
  });
});

describe("confirmAlexaReaches: the development stage must be enabled for testing", () => {
  it("enables it only when SMAPI says it is not (404), and only for the development stage", async () => {
    const enabled = setUp({ simulateSkillV2: [answered(BLUE)], setSkillEnablementV1: [undefined] });
    await confirmAlexaReaches(enabled.deps, { uri: BLUE });
    expect(enabled.callsTo("getSkillEnablementStatusV1")).toEqual([[enabled.deps.config.skill.id, "development"]]);
    expect(enabled.callsTo("setSkillEnablementV1")).toEqual([]);

    const disabled = setUp({ getSkillEnablementStatusV1: [serviceError(404)], setSkillEnablementV1: [undefined], simulateSkillV2: [answered(BLUE)] });
    await confirmAlexaReaches(disabled.deps, { uri: BLUE });
    expect(disabled.callsTo("setSkillEnablementV1")).toEqual([[disabled.deps.config.skill.id, "development"]]);
  });

  it("a failure to read the enablement (other than 404) is explained and nothing is simulated", async () => {
    const run = setUp({ getSkillEnablementStatusV1: [serviceError(403)], setSkillEnablementV1: [undefined], simulateSkillV2: [answered(BLUE)] });
    const failed = await failure(confirmAlexaReaches(run.deps, { uri: BLUE }));
    expect(failed.exitCode).toBe(ExitCode.Usage);
    expect(run.callsTo("setSkillEnablementV1")).toEqual([]);
    expect(run.callsTo("simulateSkillV2")).toEqual([]);

    const refused = setUp({ getSkillEnablementStatusV1: [serviceError(404)], setSkillEnablementV1: [serviceError(403)], simulateSkillV2: [answered(BLUE)] });
    expect((await failure(confirmAlexaReaches(refused.deps, { uri: BLUE }))).exitCode).toBe(ExitCode.Usage);
    expect(refused.callsTo("simulateSkillV2")).toEqual([]);
  });

  it("under --dry-run a stage not enabled is only listed, and nothing is simulated", async () => {
    const plan = new DryRunPlan();
    const run = setUp({ getSkillEnablementStatusV1: [serviceError(404)] }, { dryRun: plan });
    expect(await confirmAlexaReaches(run.deps, { uri: BLUE })).toEqual({ outcome: "planned", utterance: "open boston info", locale: "en-US" });
    expect(plan.calls).toHaveLength(2);
    expect(run.calls.map((c) => c.method)).toEqual(["getSkillEnablementStatusV1"]);
  });
});
