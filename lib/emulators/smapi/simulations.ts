/**
 * Skill simulation (v2): Alexa turns an utterance into a request envelope,
 * sends it to the stage's endpoint for the device's region, and reports what
 * the skill answered. The sending is the test's `simulate` callback, so it can
 * invoke the Lambda emulator at that endpoint.
 */
import { randomUUID } from "node:crypto";
import { type EmulatorContext, type Handler, badRequest, conflict, respond, notFound, requireStage } from "./http";
import { manifestEndpoints } from "./manifest";
import type { JsonObject, SimulationRecord, Stage } from "./state";
import { newId } from "./state";

export interface SimulationContext {
  skillId: string;
  stage: Stage;
  locale: string;
  utterance: string;
  sessionMode: "DEFAULT" | "FORCE_NEW_SESSION";
  /** The endpoint URI Alexa would call for the device's region (regional override, else the default). */
  endpoint: string;
  /** The Alexa request envelope Alexa would send. */
  request: JsonObject;
}

/** What the endpoint did: answered with a response envelope, or failed. */
export type SimulationOutcome = { response: JsonObject; executionMs?: number } | { error: string };

export type SimulateHandler = (ctx: SimulationContext) => SimulationOutcome | Promise<SimulationOutcome>;

const REGION_OF_LOCALE: Record<string, "NA" | "EU" | "FE"> = {
  "en-US": "NA",
  "es-US": "NA",
  "en-CA": "NA",
  "fr-CA": "NA",
  "pt-BR": "NA",
  "es-MX": "NA",
  "en-GB": "EU",
  "en-IN": "EU",
  "hi-IN": "EU",
  "de-DE": "EU",
  "fr-FR": "EU",
  "it-IT": "EU",
  "es-ES": "EU",
  "ja-JP": "FE",
  "en-AU": "FE",
};

const simulateSkillV2: Handler = (req, ctx) => {
  const stage = requireStage(req, ["development", "live"]);
  if (typeof stage !== "string") return stage;
  const { state } = ctx;
  const body = (req.body ?? {}) as { input?: { content?: string }; device?: { locale?: string }; session?: { mode?: string } };
  const locale = body.device?.locale ?? "";
  const content = state.content(stage);
  if (!content) return notFound(`The skill ${state.skillId} has no ${stage} stage.`);
  if (!state.enabled.has(stage)) {
    return badRequest(`The skill ${state.skillId} is not enabled for testing in the ${stage} stage. Enable it before simulating.`);
  }
  if (!content.models.has(locale)) return badRequest(`The skill does not support the locale ${locale}.`);
  if ([...state.simulations.values()].some((s) => s.status === "IN_PROGRESS")) {
    return conflict("A simulation is already in progress; concurrent simulations are not supported.");
  }
  const record: SimulationRecord = { id: newId(""), stage, status: "IN_PROGRESS" };
  state.simulations.set(record.id, record);
  const region = REGION_OF_LOCALE[locale] ?? "NA";
  const endpoint = manifestEndpoints(content.manifest.value).find((e) => e.path.includes(`.regions.${region}.`)) ??
    manifestEndpoints(content.manifest.value).find((e) => e.path === "manifest.apis.custom.endpoint.uri");
  const mode = body.session?.mode === "FORCE_NEW_SESSION" ? "FORCE_NEW_SESSION" : "DEFAULT";
  const utterance = body.input?.content ?? "";
  const minimumDoneAt = ctx.now() + ctx.timings.simulationMs;
  const finish = (result: JsonObject, status: "SUCCESSFUL" | "FAILED") => {
    ctx.scheduler.after(Math.max(0, minimumDoneAt - ctx.now()), () => {
      state.simulations.set(record.id, { ...record, status, result });
    });
  };
  if (!endpoint) {
    finish({ error: { message: "The skill has no endpoint for this locale's region." } }, "FAILED");
  } else {
    const request = alexaRequest(ctx, stage, locale, utterance, mode, content.models.get(locale)?.value ?? {});
    ctx.background(run(ctx, { skillId: state.skillId, stage, locale, utterance, sessionMode: mode, endpoint: endpoint.uri, request }, finish));
  }
  return respond(200, { id: record.id, status: record.status }, {
    Location: `/v2/skills/${state.skillId}/stages/${stage}/simulations/${record.id}`,
  });
};

async function run(
  ctx: EmulatorContext,
  sim: SimulationContext,
  finish: (result: JsonObject, status: "SUCCESSFUL" | "FAILED") => void,
): Promise<void> {
  const started = Date.now();
  let outcome: SimulationOutcome;
  try {
    outcome = ctx.simulate ? await ctx.simulate(sim) : { error: "The SMAPI emulator has no simulate callback (options.simulate)." };
  } catch (err) {
    outcome = { error: err instanceof Error ? err.message : String(err) };
  }
  if ("error" in outcome) {
    finish({ error: { message: `Skill execution failed: ${outcome.error}` } }, "FAILED");
    return;
  }
  rememberSession(ctx, sim, outcome.response);
  const caption = captionOf(outcome.response);
  finish(
    {
      alexaExecutionInfo: {
        alexaResponses: caption === undefined ? [] : [{ type: "Speech", content: { caption } }],
        consideredIntents: consideredIntents(sim.request),
      },
      skillExecutionInfo: {
        invocations: [
          {
            invocationRequest: { endpoint: ctx.reportedEndpoint(sim.endpoint), body: sim.request },
            invocationResponse: { body: outcome.response },
            metrics: { skillExecutionTimeInMilliseconds: Math.round(outcome.executionMs ?? Date.now() - started) },
          },
        ],
      },
    },
    "SUCCESSFUL",
  );
}

const getSkillSimulationV2: Handler = (req, ctx) => {
  const record = ctx.state.simulations.get(req.pathParams.simulationId ?? "");
  if (!record || record.stage !== req.pathParams.stage) return notFound(`No simulation ${req.pathParams.simulationId}.`);
  const body: JsonObject = { id: record.id, status: record.status };
  if (record.result) body.result = record.result;
  return respond(200, body);
};

/**
 * Builds the request Alexa would send: a LaunchRequest for "open <name>" (or
 * the bare name), otherwise an IntentRequest for the first intent whose
 * sample matches, slots filled from the sample's `{slot}` gaps.
 */
export function alexaRequest(
  ctx: EmulatorContext,
  stage: Stage,
  locale: string,
  utterance: string,
  mode: "DEFAULT" | "FORCE_NEW_SESSION",
  model: JsonObject,
): JsonObject {
  const { state } = ctx;
  const languageModel = ((model.interactionModel as JsonObject | undefined)?.languageModel ?? {}) as JsonObject;
  const invocation = normalise(String(languageModel.invocationName ?? ""));
  const said = normalise(utterance);
  const open = mode === "DEFAULT" ? state.openSessions.get(stage) : undefined;
  const session = open ?? { sessionId: `amzn1.echo-api.session.${randomUUID()}`, attributes: {} };
  const base = {
    requestId: `amzn1.echo-api.request.${randomUUID()}`,
    timestamp: new Date(ctx.now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
    locale,
  };
  let request: JsonObject;
  const launch = new RegExp(`^(?:(?:open|launch|start|begin|load|use) )?${escape(invocation)}$`);
  const oneShot = new RegExp(`^(?:ask|tell) ${escape(invocation)}(?: (?:to|for|about|if|whether))? (.+)$`);
  if (!open && invocation !== "" && launch.test(said)) {
    request = { type: "LaunchRequest", ...base, shouldLinkResultBeReturned: false };
  } else {
    const rest = open ? said : (oneShot.exec(said)?.[1] ?? said);
    request = { type: "IntentRequest", ...base, dialogState: "STARTED", intent: matchIntent(languageModel, rest, said) };
  }
  const application = { applicationId: state.skillId };
  const user = { userId: "amzn1.ask.account.EMULATOR" };
  return {
    version: "1.0",
    session: { new: !open, sessionId: session.sessionId, application, attributes: session.attributes, user },
    context: {
      System: {
        application,
        user,
        device: { deviceId: "amzn1.ask.device.EMULATOR", supportedInterfaces: {} },
        apiEndpoint: "https://api.amazonalexa.com",
        apiAccessToken: "emulator-api-access-token",
      },
    },
    request,
  };
}

function matchIntent(languageModel: JsonObject, rest: string, said: string): JsonObject {
  const intents = (languageModel.intents ?? []) as { name: string; samples?: string[] }[];
  for (const intent of intents) {
    for (const sample of intent.samples ?? []) {
      const names: string[] = [];
      const pattern = normalise(sample.replace(/\{(\w+)\}/g, (_m, name: string) => `SLOT${names.push(name) - 1}SLOT`))
        .split(/(slot\d+slot)/)
        .map((part) => (/^slot\d+slot$/.test(part) ? "(.+?)" : escape(part)))
        .join("");
      const m = new RegExp(`^${pattern}$`).exec(rest) ?? new RegExp(`^${pattern}$`).exec(said);
      if (!m) continue;
      const slots: JsonObject = {};
      names.forEach((name, i) => {
        slots[name] = { name, value: m[i + 1], confirmationStatus: "NONE", source: "USER" };
      });
      return { name: intent.name, confirmationStatus: "NONE", slots };
    }
  }
  return { name: "AMAZON.FallbackIntent", confirmationStatus: "NONE" };
}

function rememberSession(ctx: EmulatorContext, sim: SimulationContext, response: JsonObject): void {
  const body = (response.response ?? {}) as JsonObject;
  const session = sim.request.session as { sessionId: string };
  if (body.shouldEndSession === false) {
    ctx.state.openSessions.set(sim.stage, { sessionId: session.sessionId, attributes: (response.sessionAttributes ?? {}) as JsonObject });
  } else {
    ctx.state.openSessions.delete(sim.stage);
  }
}

function captionOf(response: JsonObject): string | undefined {
  const speech = ((response.response ?? {}) as JsonObject).outputSpeech as { type?: string; text?: string; ssml?: string } | undefined;
  if (!speech) return undefined;
  if (speech.type === "SSML") return (speech.ssml ?? "").replace(/<[^>]+>/g, "").trim();
  return speech.text;
}

function consideredIntents(request: JsonObject): JsonObject[] {
  const intent = (request.request as JsonObject).intent as JsonObject | undefined;
  if (!intent) return [];
  const slots: JsonObject = {};
  for (const [name, slot] of Object.entries((intent.slots ?? {}) as Record<string, { value?: string }>)) {
    slots[name] = { name, value: slot.value ?? "", confirmationStatus: "NONE" };
  }
  return [{ name: intent.name, confirmationStatus: "NONE", slots }];
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}{}' ]+/gu, " ").replace(/\s+/g, " ").trim();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export const simulationHandlers: Record<string, Handler> = {
  simulateSkillV2,
  getSkillSimulationV2,
};
