/**
 * Interaction models per stage and locale. An upload is stored at once (new
 * ETag, so a concurrent writer with the old ETag gets 412) and then built
 * asynchronously; the build's outcome is set per locale by the test.
 */
import { checkIfMatch } from "./manifest";
import {
  type EmulatorContext,
  type Handler,
  type HandlerRequest,
  type HandlerResult,
  type ModelBuildOutcome,
  forbidden,
  respond,
  lockedForReview,
  notFound,
  requireStage,
  statusLocation,
} from "./http";
import { type JsonObject, type SmapiError, STAGES, versioned } from "./state";

function readModel(req: HandlerRequest, ctx: EmulatorContext): HandlerResult {
  const stage = requireStage(req, STAGES);
  if (typeof stage !== "string") return stage;
  const locale = req.pathParams.locale ?? "";
  const model = ctx.state.content(stage)?.models.get(locale);
  if (!model) return notFound(`No interaction model for locale ${locale} in the ${stage} stage of ${ctx.state.skillId}.`);
  return respond(200, model.value, { ETag: model.eTag });
}

const getInteractionModelV1: Handler = readModel;

const getInteractionModelMetadataV1: Handler = (req, ctx) => {
  const found = readModel(req, ctx);
  if (found.status !== 200) return found;
  return respond(204, undefined, found.headers);
};

const setInteractionModelV1: Handler = (req, ctx) => {
  const stage = requireStage(req, STAGES);
  if (typeof stage !== "string") return stage;
  const { state } = ctx;
  if (stage !== "development") {
    return forbidden(`The ${stage} stage cannot be updated; only the development stage is editable.`, "UNEXPECTED_RESOURCE_STAGE");
  }
  const locked = lockedForReview(state);
  if (locked) return locked;
  const dev = state.content("development");
  if (!dev) return notFound(`The skill ${state.skillId} has no development stage.`);
  const locale = req.pathParams.locale ?? "";
  const current = dev.models.get(locale);
  if (current) {
    const precondition = checkIfMatch(req.headers["if-match"], current.eTag);
    if (precondition) return precondition;
  }
  const stored = versioned(req.body as JsonObject);
  dev.models.set(locale, stored);

  const previous = state.modelBuilds.get(locale);
  const generation = (previous?.generation ?? 0) + 1;
  state.modelBuilds.set(locale, {
    status: "IN_PROGRESS",
    errors: [],
    warnings: [],
    steps: [
      { name: "LANGUAGE_MODEL_QUICK_BUILD", status: "IN_PROGRESS" },
      { name: "LANGUAGE_MODEL_FULL_BUILD", status: "IN_PROGRESS" },
    ],
    eTag: previous?.eTag ?? "",
    version: previous?.version ?? 0,
    generation,
  });
  const outcome: ModelBuildOutcome = ctx.modelBuildOutcomes.get(locale) ?? { status: "SUCCEEDED" };
  ctx.scheduler.after(outcome.durationMs ?? ctx.timings.modelBuildMs, () => {
    const build = state.modelBuilds.get(locale);
    if (!build || build.generation !== generation) return;
    const errors = outcome.errors ?? [];
    const warnings = outcome.warnings ?? [];
    if (outcome.status === "FAILED") {
      state.modelBuilds.set(locale, {
        ...build,
        status: "FAILED",
        errors,
        warnings,
        steps: [{ name: "LANGUAGE_MODEL_QUICK_BUILD", status: "FAILED", errors }],
      });
      return;
    }
    state.modelBuilds.set(locale, {
      ...build,
      status: "SUCCEEDED",
      errors: [],
      warnings,
      steps: [
        { name: "LANGUAGE_MODEL_QUICK_BUILD", status: "SUCCEEDED" },
        { name: "LANGUAGE_MODEL_FULL_BUILD", status: "SUCCEEDED" },
      ],
      eTag: stored.eTag,
      version: build.version + 1,
    });
  });
  return respond(202, undefined, { Location: statusLocation(state.skillId, "interactionModel") });
};

/** A build error in Amazon's shape, for `setModelBuildOutcome`. */
export function modelBuildError(message: string, code = "InvalidInteractionModel"): SmapiError {
  return { code, message };
}

export const modelHandlers: Record<string, Handler> = {
  getInteractionModelV1,
  getInteractionModelMetadataV1,
  setInteractionModelV1,
};
