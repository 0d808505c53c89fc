/**
 * Enablement for testing and skill validations (the checks Amazon runs
 * before a submission).
 */
import { type Handler, badRequest, conflict, respond, notFound, requireStage } from "./http";
import { type JsonObject, type Stage, newId } from "./state";

/** Stages a developer can enable for testing on their own account. */
const TESTABLE: readonly Stage[] = ["development", "live"];

const getSkillEnablementStatusV1: Handler = (req, ctx) => {
  const stage = requireStage(req, TESTABLE);
  if (typeof stage !== "string") return stage;
  if (!ctx.state.enabled.has(stage)) return notFound(`The skill ${ctx.state.skillId} is not enabled for the ${stage} stage.`);
  return respond(204);
};

const setSkillEnablementV1: Handler = (req, ctx) => {
  const stage = requireStage(req, TESTABLE);
  if (typeof stage !== "string") return stage;
  if (!ctx.state.content(stage)) return notFound(`The skill ${ctx.state.skillId} has no ${stage} stage.`);
  ctx.state.enabled.add(stage);
  return respond(204);
};

const deleteSkillEnablementV1: Handler = (req, ctx) => {
  const stage = requireStage(req, TESTABLE);
  if (typeof stage !== "string") return stage;
  if (!ctx.state.enabled.delete(stage)) return notFound(`The skill ${ctx.state.skillId} is not enabled for the ${stage} stage.`);
  ctx.state.openSessions.delete(stage);
  return respond(204);
};

const submitSkillValidationV1: Handler = (req, ctx) => {
  const stage = requireStage(req, ["development", "live"]);
  if (typeof stage !== "string") return stage;
  const { state } = ctx;
  const locales = ((req.body ?? {}) as { locales?: string[] }).locales ?? [];
  if (locales.length === 0) return badRequest("At least one locale is required.");
  const content = state.content(stage);
  if (!content) return notFound(`The skill ${state.skillId} has no ${stage} stage.`);
  const missing = locales.filter((l) => !content.models.has(l));
  if (missing.length > 0) return badRequest(`The skill has no interaction model for ${missing.join(", ")}.`);
  if ([...state.validations.values()].some((v) => v.status === "IN_PROGRESS")) {
    return conflict("A validation of this skill is already in progress.");
  }
  const record = { id: newId(""), stage, locales, status: "IN_PROGRESS" as const };
  state.validations.set(record.id, record);
  const outcome = ctx.validationOutcome;
  ctx.scheduler.after(ctx.timings.validationMs, () => {
    const result: JsonObject = { validations: outcome.validations ?? locales.map(passingValidation) };
    if (outcome.error) result.error = outcome.error;
    state.validations.set(record.id, { ...record, status: outcome.status, result });
  });
  return respond(202, { id: record.id, status: record.status }, { Location: `/v1/skills/${state.skillId}/stages/${stage}/validations/${record.id}` });
};

const getSkillValidationsV1: Handler = (req, ctx) => {
  const record = ctx.state.validations.get(req.pathParams.validationId ?? "");
  if (!record || record.stage !== req.pathParams.stage) return notFound(`No validation ${req.pathParams.validationId}.`);
  const body: JsonObject = { id: record.id, status: record.status };
  if (record.result) body.result = record.result;
  return respond(200, body);
};

function passingValidation(locale: string): JsonObject {
  return {
    title: "Skill endpoint is reachable",
    description: "The skill's endpoint answered a LaunchRequest.",
    category: "IMPLEMENTATION_VALIDATION",
    locale,
    importance: "REQUIRED",
    status: "SUCCESSFUL",
  };
}

/** A failing validation item in Amazon's shape, for `setValidationOutcome`. */
export function failedValidation(locale: string, title: string, description: string): JsonObject {
  return { title, description, category: "INTERACTION_MODEL_VALIDATION", locale, importance: "REQUIRED", status: "FAILED" };
}

export const testingHandlers: Record<string, Handler> = {
  getSkillEnablementStatusV1,
  setSkillEnablementV1,
  deleteSkillEnablementV1,
  submitSkillValidationV1,
  getSkillValidationsV1,
};
