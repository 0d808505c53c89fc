import type { v2 } from "ask-smapi-model";
import { OperationFailed } from "../../errors";
import { sameLambdaTarget } from "../../lambda/arn";
import { withRetry } from "../../retry";
import { explainSmapiError, smapiCall, statusCodeOf } from "../../smapi/errors";
import { type ReleaseDeps } from "../deps";
import { mutate } from "../../dry-run";
import { alexaResponseProblems } from "../../alexa/launch";
import { retryWhileBusy } from "../../smapi/busy";
import { waitForSmapiStatus } from "./wait-smapi";

/**
 * The last check of a flip: ask Alexa itself, through SMAPI's simulation,
 * to open the skill on the development stage, and require that the request
 * reached the endpoint we just set and was answered well. A Lambda smoke test
 * proves the code answers; only this proves Alexa sends users there (the
 * manifest applied, the region's override agrees, the trigger lets Alexa in).
 */

export type SimulateDeps = Pick<ReleaseDeps, "smapi" | "config" | "output" | "clock" | "dryRun">;

export interface ConfirmReachInput {
  /** The endpoint Alexa must reach (compared by what it invokes, not as text). */
  uri: string;
  /** How long each simulation may take; default 2 minutes. */
  timeoutMs?: number;
  /** Simulations in all when one gives no answer (a transient fault); default SIMULATION_ATTEMPTS. */
  attempts?: number;
}

export interface ReachResult {
  /** confirmed: Alexa reached `uri` and got a well-formed answer; planned: --dry-run. */
  outcome: "confirmed" | "planned";
  utterance: string;
  locale: string;
  simulationId?: string;
  /** The endpoint Alexa invoked. */
  endpoint?: string;
  /** What Alexa said, as the simulator captions it. */
  caption?: string;
}

export const SIMULATION_TIMEOUT_MS = 2 * 60_000;

/** Starting another simulation is harmless, so a simulation without an answer is tried this many times in all. */
export const SIMULATION_ATTEMPTS = 3;

/**
 * A simulation that gave no answer: SMAPI failed (5xx, throttling, the
 * network) or the simulation FAILED. Another simulation may well succeed,
 * so it is retried; only a definite wrong answer is final.
 */
class NoAnswer extends OperationFailed {}

/**
 * SMAPI's own faults: throttling, 5xx, and no answer at all (a network
 * failure). Only raw SDK calls are classified here (noAnswerOnFault wraps
 * nothing else), so what has no HTTP status is a transport failure.
 */
function isTransient(error: unknown): boolean {
  const status = statusCodeOf(error);
  return status === undefined || status === 429 || status >= 500;
}

/** The call, with SMAPI's transient faults turned into NoAnswer (so the whole simulation is tried again). */
function noAnswerOnFault<T>(action: string, call: () => Promise<T>): () => Promise<T> {
  return async () => {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error)) throw error;
      throw new NoAnswer(explainSmapiError(error, { action }).message);
    }
  };
}

/**
 * Simulates "open <invocation name>" in the first configured locale on the
 * development stage (enabling the stage for testing first if it is not) and
 * requires a SUCCESSFUL simulation whose invocation went to `uri` with a
 * well-formed Alexa response. A simulation without an answer (a FAILED one,
 * or SMAPI's own fault) is started again, a few times; a definite wrong
 * answer (another endpoint, a malformed response, no invocation) is not.
 * Either way, what is finally wrong is an OperationFailed saying what Alexa
 * reached instead. A concurrent simulation (409) is waited out a few times.
 * Under --dry-run, enabling and simulating are only listed.
 */
export async function confirmAlexaReaches(deps: SimulateDeps, input: ConfirmReachInput): Promise<ReachResult> {
  const skillId = deps.config.skill.id;
  const locale = deps.config.skill.locales[0] ?? "en-US";
  const utterance = `open ${deps.config.skill.invocationName}`;
  await enableForTesting(deps, skillId);
  const attempts = input.attempts ?? SIMULATION_ATTEMPTS;
  try {
    return await withRetry(() => simulateOnce(deps, input, { skillId, locale, utterance }), {
      policy: { attempts, baseDelayMs: 2000, maxDelayMs: 10_000 },
      clock: deps.clock,
      retryError: (error) => ({ retry: error instanceof NoAnswer }),
      onRetry: ({ attempt, delayMs, reason }) =>
        deps.output.progress(`the simulation gave no answer (${reason}); simulating again in ${Math.round(delayMs / 1000)} s (${attempt} of ${attempts - 1})`),
    });
  } catch (error) {
    if (error instanceof NoAnswer && attempts > 1) throw new OperationFailed(`${error.message} (${attempts} simulations in a row gave no answer.)`);
    throw error;
  }
}

async function simulateOnce(deps: SimulateDeps, input: ConfirmReachInput, at: { skillId: string; locale: string; utterance: string }): Promise<ReachResult> {
  const { skillId, locale, utterance } = at;
  const simulated = await mutate(deps, `simulate "${utterance}" (${locale}) on the development stage and check that Alexa reaches ${input.uri}`, () =>
    simulate(deps, skillId, { input: { content: utterance }, device: { locale }, session: { mode: "FORCE_NEW_SESSION" } }, input.timeoutMs),
  );
  if (simulated === undefined) return { outcome: "planned", utterance, locale };
  const invocation = simulated.result?.skillExecutionInfo?.invocations?.[0];
  const endpoint = invocation?.invocationRequest?.endpoint;
  const caption = simulated.result?.alexaExecutionInfo?.alexaResponses?.find((r) => r.content?.caption)?.content?.caption;
  const base = { utterance, locale, ...(simulated.id ? { simulationId: simulated.id } : {}), ...(endpoint ? { endpoint } : {}), ...(caption ? { caption } : {}) };
  if (simulated.status !== "SUCCESSFUL") {
    const why = simulated.result?.error?.message ?? "no reason given";
    throw new NoAnswer(
      `Alexa's simulation of "${utterance}" failed${endpoint ? ` at ${endpoint}` : ""}: ${why}. ` +
        `Expected it to reach ${input.uri}; check the function's logs and npm run status.`,
    );
  }
  if (!invocation || endpoint === undefined) {
    throw new OperationFailed(
      `Alexa did not invoke the skill for "${utterance}"${caption ? `; it answered "${caption}"` : ""}. ` +
        `Expected it to reach ${input.uri}: check the invocation name (${deps.config.skill.invocationName}) and the ${locale} interaction model.`,
    );
  }
  if (!sameLambdaTarget(endpoint, input.uri)) {
    throw new OperationFailed(
      `Alexa reached ${endpoint} instead of ${input.uri} for "${utterance}" (${locale}): the development manifest does not send this locale's region there ` +
        "(a regional override that disagrees, or an update that has not been applied). Check npm run status.",
    );
  }
  const problems = alexaResponseProblems(invocation.invocationResponse?.body);
  if (problems.length > 0) {
    throw new OperationFailed(`Alexa reached ${endpoint}, but the answer to "${utterance}" is not a well-formed Alexa response: ${problems.join("; ")}.`);
  }
  deps.output.info(`Alexa reaches ${endpoint}: "${utterance}" was answered${caption ? ` "${caption}"` : ""}.`);
  return { outcome: "confirmed", ...base };
}

/** A simulation needs the stage enabled for testing on the account that runs it. */
async function enableForTesting(deps: SimulateDeps, skillId: string): Promise<void> {
  try {
    await deps.smapi.getSkillEnablementStatusV1(skillId, "development");
    return;
  } catch (error) {
    if (statusCodeOf(error) !== 404) throw explainSmapiError(error, { action: "reading whether the development stage is enabled for testing", skillId });
  }
  await mutate(deps, "enable the development stage for testing (needed for the simulation)", () =>
    smapiCall({ action: "enabling the development stage for testing", skillId }, () => deps.smapi.setSkillEnablementV1(skillId, "development")),
  );
}

async function simulate(
  deps: SimulateDeps,
  skillId: string,
  request: v2.skill.simulations.SimulationsApiRequest,
  timeoutMs = SIMULATION_TIMEOUT_MS,
): Promise<v2.skill.simulations.SimulationsApiResponse> {
  const started = await retryWhileBusy(
    deps,
    "the simulation",
    { action: "starting a simulation on the development stage", skillId },
    noAnswerOnFault("starting a simulation on the development stage", () => deps.smapi.simulateSkillV2(skillId, "development", request)),
  );
  const id = started.id;
  if (!id) throw new OperationFailed("SMAPI started a simulation without giving its id.");
  if (started.status !== undefined && started.status !== "IN_PROGRESS") return started;
  const done = await waitForSmapiStatus(deps, {
    what: `the simulation of "${request.input.content}"`,
    action: "reading the simulation's result",
    skillId,
    read: noAnswerOnFault("reading the simulation's result", () => deps.smapi.getSkillSimulationV2(skillId, "development", id)),
    timeoutMs,
    initialDelayMs: 500,
    maxDelayMs: 5000,
  });
  if (!done) throw new OperationFailed(`SMAPI reported no result for simulation ${id}.`);
  return done;
}

