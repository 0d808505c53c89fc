/**
 * Manifest reads and asynchronous updates, and the skill status that reports
 * them (and the interaction model builds).
 */
import {
  type EmulatorContext,
  type Handler,
  type HandlerResult,
  badRequest,
  conflict,
  forbidden,
  respond,
  lockedForReview,
  notFound,
  requireStage,
  standardError,
  statusLocation,
} from "./http";
import { type JsonObject, type SmapiError, STAGES, versioned } from "./state";

const REGIONS = ["NA", "EU", "FE"] as const;

/** Every endpoint URI of a manifest: the default one and each regional override, with where it sits. */
export function manifestEndpoints(manifest: JsonObject): { path: string; uri: string }[] {
  const custom = ((manifest.apis as JsonObject | undefined)?.custom ?? {}) as JsonObject;
  const found: { path: string; uri: string }[] = [];
  const uri = ((custom.endpoint ?? {}) as JsonObject).uri;
  if (typeof uri === "string") found.push({ path: "manifest.apis.custom.endpoint.uri", uri });
  const regions = (custom.regions ?? {}) as Record<string, JsonObject>;
  for (const region of REGIONS) {
    const regional = ((regions[region]?.endpoint ?? {}) as JsonObject).uri;
    if (typeof regional === "string") found.push({ path: `manifest.apis.custom.regions.${region}.endpoint.uri`, uri: regional });
  }
  return found;
}

/** The error Amazon gives for a Lambda without the Alexa Skills Kit trigger for this skill. */
export function triggerError(arn: string, path: string, now: number): SmapiError {
  return {
    message: `The trigger setting for the Lambda ${arn} is invalid. Error code: SkillManifestError - ${new Date(now).toUTCString()}`,
    validationDetails: { originalEndpoint: { propertyPath: path, type: "arn", value: arn } },
  };
}

async function endpointErrors(manifest: JsonObject, ctx: EmulatorContext): Promise<SmapiError[]> {
  const errors: SmapiError[] = [];
  for (const { path, uri } of manifestEndpoints(manifest)) {
    if (!uri.startsWith("arn:aws:lambda:")) continue;
    if (!(await ctx.isLambdaPermitted(uri))) errors.push(triggerError(uri, path, ctx.now()));
  }
  return errors;
}

const getSkillManifestV1: Handler = (req, ctx) => {
  const stage = requireStage(req, STAGES);
  if (typeof stage !== "string") return stage;
  const { state } = ctx;
  // While an update is being applied Amazon sends the reader to the status.
  if (stage === "development" && state.manifestUpdatePending) {
    return respond(303, undefined, { Location: statusLocation(state.skillId, "manifest") });
  }
  const content = state.content(stage);
  if (!content) return notFound(`The skill ${state.skillId} has no ${stage} stage.`);
  const stale = stage === "development" ? state.staleDevelopmentManifest : undefined;
  if (stale && stale.readsLeft > 0) {
    stale.readsLeft -= 1;
    return respond(200, { manifest: stale.manifest.value }, { ETag: stale.manifest.eTag });
  }
  return respond(200, { manifest: content.manifest.value }, { ETag: content.manifest.eTag });
};

const updateSkillManifestV1: Handler = async (req, ctx) => {
  const stage = requireStage(req, STAGES);
  if (typeof stage !== "string") return stage;
  const { state } = ctx;
  if (stage !== "development") {
    return forbidden(`The ${stage} stage cannot be updated; only the development stage is editable.`, "UNEXPECTED_RESOURCE_STAGE");
  }
  const locked = lockedForReview(state);
  if (locked) return locked;
  if (state.manifestUpdatePending) return conflict("A previous update of the skill manifest is still in progress.");
  const current = state.content("development");
  if (!current) return notFound(`The skill ${state.skillId} has no development stage.`);
  const precondition = checkIfMatch(req.headers["if-match"], current.manifest.eTag);
  if (precondition) return precondition;

  const manifest = ((req.body ?? {}) as JsonObject).manifest as JsonObject | undefined;
  if (!manifest) return badRequest("Skill manifest is not valid.", [{ message: "object instance has properties which are not allowed by the schema: manifest is missing" }]);
  const errors = await endpointErrors(manifest, ctx);
  if (errors.length > 0 && ctx.endpointCheck === "immediate") return badRequest("Skill manifest is not valid.", errors);

  state.manifestUpdatePending = true;
  const lagReads = ctx.consistency.manifestStatusLagReads;
  if (lagReads > 0) state.laggingManifestStatus = { reported: structuredClone(state.manifestUpdate), readsLeft: lagReads };
  state.manifestUpdate = { ...state.manifestUpdate, status: "IN_PROGRESS", errors: [], warnings: [] };
  ctx.scheduler.after(ctx.timings.manifestUpdateMs, () => {
    state.manifestUpdatePending = false;
    if (errors.length > 0) {
      state.manifestUpdate = { ...state.manifestUpdate, status: "FAILED", errors };
      return;
    }
    const dev = state.content("development");
    if (dev && ctx.consistency.staleManifestReads > 0) state.staleDevelopmentManifest = { manifest: dev.manifest, readsLeft: ctx.consistency.staleManifestReads };
    if (dev) dev.manifest = versioned(manifest);
    state.manifestUpdate = { status: "SUCCEEDED", errors: [], warnings: [], eTag: dev?.manifest.eTag ?? "" };
  });
  return respond(202, undefined, { Location: statusLocation(state.skillId, "manifest") });
};

const getSkillStatusV1: Handler = (req, ctx) => {
  const { state } = ctx;
  const resources = req.query.getAll("resource");
  const known = ["manifest", "interactionModel"];
  const unknown = resources.filter((r) => !known.includes(r));
  if (unknown.length > 0) return badRequest(`Invalid resource ${unknown.join(", ")}. Accepted values: ${known.join(", ")}.`);
  const wants = (r: string) => resources.length === 0 || resources.includes(r);
  const body: JsonObject = {};
  if (wants("manifest")) {
    // A lagging read reports the update before the last one accepted, even once that one has finished.
    const lagging = state.laggingManifestStatus;
    let u = state.manifestUpdate;
    if (lagging && lagging.readsLeft > 0) {
      lagging.readsLeft -= 1;
      u = lagging.reported;
    }
    body.manifest = { lastUpdateRequest: withProblems({ status: u.status }, u.errors, u.warnings), eTag: u.eTag };
  }
  if (wants("interactionModel") && state.modelBuilds.size > 0) {
    const models: JsonObject = {};
    for (const [locale, b] of state.modelBuilds) {
      const steps = b.steps.map((s) => (s.errors && s.errors.length > 0 ? s : { name: s.name, status: s.status }));
      models[locale] = {
        lastUpdateRequest: { ...withProblems({ status: b.status }, b.errors, b.warnings), buildDetails: { steps } },
        eTag: b.eTag,
        version: String(b.version),
      };
    }
    body.interactionModel = models;
  }
  return respond(200, body);
};

function withProblems(base: JsonObject, errors: SmapiError[], warnings: SmapiError[]): JsonObject {
  const out: JsonObject = { ...base };
  if (errors.length > 0) out.errors = errors;
  if (warnings.length > 0) out.warnings = warnings;
  return out;
}

/** If-Match is optional; when given it must name the current version. */
export function checkIfMatch(header: string | string[] | undefined, eTag: string): HandlerResult | undefined {
  if (header === undefined) return undefined;
  const given = (Array.isArray(header) ? header : header.split(","))
    .map((t) => t.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1"))
    .filter((t) => t !== "");
  if (given.includes("*") || given.includes(eTag)) return undefined;
  return standardError(412, "Precondition failed: the resource has changed since the given ETag was read.", "RESOURCE_VERSION_DOES_NOT_MATCH");
}

export const manifestHandlers: Record<string, Handler> = {
  getSkillManifestV1,
  updateSkillManifestV1,
  getSkillStatusV1,
};
