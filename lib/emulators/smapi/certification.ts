/**
 * Certification and what follows it. A submission snapshots the development
 * stage as a new skill version and locks development until the review ends;
 * the test decides the review (`passCertification` / `failCertification`).
 * A passed AUTO_PUBLISHING review goes live at once; MANUAL_PUBLISHING leaves
 * the snapshot in the `certified` stage until a publication. A rollback puts
 * the version that was live before back live.
 */
import { type EmulatorContext, type Handler, badRequest, conflict, forbidden, respond, notFound } from "./http";
import { type CertificationRecord, type JsonObject, type PublicationMethod, type SkillState, newId } from "./state";

const DAY_MS = 24 * 60 * 60 * 1000;

const submitSkillForCertificationV1: Handler = (req, ctx) => {
  const { state } = ctx;
  const body = (req.body ?? {}) as { publicationMethod?: PublicationMethod; versionMessage?: string };
  const review = state.certificationInProgress();
  if (review) return forbidden(`The skill is already in certification review (certification ${review.id}).`, "RESOURCE_LOCKED");
  if (state.manifestUpdatePending || state.modelBuildInProgress()) {
    return badRequest("The skill has updates in progress; submit once they have finished.");
  }
  const failedBuilds = [...state.modelBuilds].filter(([, b]) => b.status === "FAILED").map(([l]) => l);
  if (state.manifestUpdate.status === "FAILED" || failedBuilds.length > 0) {
    return badRequest("The skill's last update failed; fix it before submitting.", [
      ...(state.manifestUpdate.status === "FAILED" ? [{ message: "The last manifest update failed." }] : []),
      ...failedBuilds.map((l) => ({ message: `The interaction model build for ${l} failed.` })),
    ]);
  }
  const snapshot = state.snapshot("development");
  if (!snapshot) return notFound(`The skill ${state.skillId} has no development stage.`);
  const now = ctx.now();
  const at = iso(now);
  const version = state.nextVersion();
  state.versions.push({ version, message: body.versionMessage, creationTime: at, submissionTime: at, status: "IN_REVIEW", snapshot });
  const certification: CertificationRecord = {
    id: newId("amzn1.ask.certification."),
    status: "IN_PROGRESS",
    publicationMethod: body.publicationMethod ?? "AUTO_PUBLISHING",
    version,
    versionMessage: body.versionMessage,
    submittedAt: at,
    estimatedCompletionAt: iso(now + 3 * DAY_MS),
    lastUpdated: at,
  };
  state.certifications.push(certification);
  return respond(202, undefined, { Location: `/v1/skills/${state.skillId}/certifications/${certification.id}` });
};

const withdrawSkillFromCertificationV1: Handler = (_req, ctx) => {
  const { state } = ctx;
  const review = state.certificationInProgress();
  if (!review) return forbidden("The skill is not in certification review; there is nothing to withdraw.");
  closeReview(review, "CANCELLED", ctx.now());
  const version = state.version(review.version);
  if (version) version.status = "WITHDRAWN_FROM_CERTIFICATION";
  return respond(204);
};

const getCertificationsListV1: Handler = (req, ctx) => {
  const { state } = ctx;
  const newestFirst = [...state.certifications].reverse();
  const { page, nextToken } = paginate(newestFirst, req.query);
  const body: JsonObject = {
    _links: { self: { href: `/v1/skills/${state.skillId}/certifications` } },
    isTruncated: nextToken !== undefined,
    totalCount: newestFirst.length,
    items: page.map((c) => ({
      id: c.id,
      status: c.status,
      skillSubmissionTimestamp: c.submittedAt,
      reviewTrackingInfo: reviewTracking(c),
    })),
  };
  if (nextToken !== undefined) body.nextToken = nextToken;
  return respond(200, body);
};

const getCertificationReviewV1: Handler = (req, ctx) => {
  const review = ctx.state.certifications.find((c) => c.id === req.pathParams.certificationId);
  if (!review) return notFound(`No certification ${req.pathParams.certificationId} for ${ctx.state.skillId}.`);
  const body: JsonObject = {
    id: review.id,
    status: review.status,
    skillSubmissionTimestamp: review.submittedAt,
    reviewTrackingInfo: { ...reviewTracking(review), estimationUpdates: [] },
  };
  if (review.status === "SUCCEEDED") body.result = { distributionInfo: { publishedCountries: review.publishedCountries ?? [] } };
  return respond(200, body);
};

const publishSkillV1: Handler = (req, ctx) => {
  const { state } = ctx;
  const certified = state.certifiedVersion === undefined ? undefined : state.version(state.certifiedVersion);
  if (!certified || !state.content("certified")) return forbidden("The skill has no certified version waiting for publication.");
  if (outstanding(state)) return conflict("A publication or rollback of this skill is already in progress.");
  const requested = ((req.body ?? {}) as { publishesAtDate?: string }).publishesAtDate;
  const now = ctx.now();
  const at = requested ? Math.max(now, Date.parse(requested)) : now;
  const publication = { status: at > now ? ("SCHEDULED" as const) : ("IN_PROGRESS" as const), publishesAtDate: iso(at), version: certified.version };
  state.publication = publication;
  ctx.scheduler.after(at - now + ctx.timings.publicationMs, () => {
    if (state.publication !== publication) return;
    state.goLive(certified);
    state.dropStage("certified");
    state.certifiedVersion = undefined;
    state.publication = { ...publication, status: "SUCCEEDED" };
  });
  return respond(202, { publishesAtDate: publication.publishesAtDate, status: publication.status }, { "Content-Language": "en-US" });
};

const getSkillPublicationsV1: Handler = (_req, ctx) => {
  const publication = ctx.state.publication;
  if (!publication) return notFound(`The skill ${ctx.state.skillId} has no publication.`);
  return respond(200, { publishesAtDate: publication.publishesAtDate, status: publication.status }, { "Content-Language": "en-US" });
};

const listVersionsForSkillV1: Handler = (req, ctx) => {
  const { state } = ctx;
  const newestFirst = [...state.versions].reverse();
  const { page, nextToken } = paginate(newestFirst, req.query);
  const body: JsonObject = {
    _links: { self: { href: `/v1/skills/${state.skillId}/versions` } },
    skillVersions: page.map((v) => {
      const item: JsonObject = { version: v.version, creationTime: v.creationTime, submissions: [{ status: v.status, submissionTime: v.submissionTime }] };
      if (v.message) item.message = v.message;
      return item;
    }),
    isTruncated: nextToken !== undefined,
  };
  if (nextToken !== undefined) body.nextToken = nextToken;
  return respond(200, body);
};

const rollbackSkillV1: Handler = (req, ctx) => {
  const { state } = ctx;
  const targetVersion = ((req.body ?? {}) as { targetVersion?: string }).targetVersion ?? "";
  const target = state.version(targetVersion);
  if (!target) return notFound(`The skill ${state.skillId} has no version ${targetVersion}.`);
  if (state.liveVersion() === target) return badRequest(`Version ${targetVersion} is already live.`);
  if (outstanding(state)) return conflict("A publication or rollback of this skill is already in progress.");
  const id = newId("");
  const previousLive = state.liveHistory[state.liveHistory.length - 2];
  const record = { id, targetVersion, submissionTime: iso(ctx.now()), status: "IN_PROGRESS" as const, errors: [] };
  if (target.status !== "CERTIFIED" || previousLive !== targetVersion) {
    state.rollbacks.push({
      ...record,
      status: "INELIGIBLE",
      errors: [{ code: "INELIGIBLE_TARGET_VERSION", message: `Only the version live before the current one${previousLive ? ` (${previousLive})` : ""} can be rolled back to.` }],
    });
  } else {
    state.rollbacks.push(record);
    const outcome = ctx.rollbackOutcome;
    ctx.scheduler.after(ctx.timings.rollbackMs, () => finishRollback(ctx, id, outcome));
  }
  return respond(201, { rollbackRequestId: id }, { Location: `/v1/skills/${state.skillId}/rollbacks/${id}` });
};

function finishRollback(ctx: EmulatorContext, id: string, outcome: EmulatorContext["rollbackOutcome"]): void {
  const { state } = ctx;
  const index = state.rollbacks.findIndex((r) => r.id === id);
  const record = state.rollbacks[index];
  if (!record) return;
  if (outcome.status === "FAILED") {
    state.rollbacks[index] = { ...record, status: "FAILED", errors: outcome.errors ?? [{ message: "The rollback failed. Please retry the rollback." }] };
    return;
  }
  const target = state.version(record.targetVersion);
  const current = state.liveVersion();
  if (target && current) {
    current.status = "CERTIFIED";
    state.liveHistory.pop();
    state.liveHistory.pop();
    state.goLive(target);
  }
  state.rollbacks[index] = { ...record, status: "SUCCEEDED" };
}

const getRollbackForSkillV1: Handler = (req, ctx) => {
  const record = ctx.state.rollbacks.find((r) => r.id === req.pathParams.rollbackRequestId);
  if (!record) return notFound(`No rollback request ${req.pathParams.rollbackRequestId}.`);
  const body: JsonObject = { id: record.id, targetVersion: record.targetVersion, submissionTime: record.submissionTime, status: record.status };
  if (record.errors.length > 0) body.errors = record.errors;
  return respond(200, body);
};

/** Test helper: the review in progress passes. AUTO_PUBLISHING goes live; MANUAL_PUBLISHING becomes `certified`. */
export function passCertification(state: SkillState, now: number, publishedCountries: string[] = ["US"]): CertificationRecord {
  const review = requireReview(state);
  closeReview(review, "SUCCEEDED", now);
  review.publishedCountries = publishedCountries;
  const version = state.version(review.version);
  if (!version) throw new Error(`certification ${review.id} names an unknown version`);
  version.status = "CERTIFIED";
  if (review.publicationMethod === "AUTO_PUBLISHING") {
    state.goLive(version);
    state.publication = { status: "SUCCEEDED", publishesAtDate: iso(now), version: version.version };
  } else {
    state.setStage("certified", version.snapshot);
    state.certifiedVersion = version.version;
  }
  return review;
}

/** Test helper: the review in progress fails; development is editable again. */
export function failCertification(state: SkillState, now: number, reason = "The skill failed certification review."): CertificationRecord {
  const review = requireReview(state);
  closeReview(review, "FAILED", now);
  review.failureReason = reason;
  const version = state.version(review.version);
  if (version) version.status = "FAILED_CERTIFICATION";
  return review;
}

function requireReview(state: SkillState): CertificationRecord {
  const review = state.certificationInProgress();
  if (!review) throw new Error("no certification is in progress");
  return review;
}

function closeReview(review: CertificationRecord, status: CertificationRecord["status"], now: number): void {
  review.status = status;
  review.completedAt = iso(now);
  review.lastUpdated = iso(now);
}

function outstanding(state: SkillState): boolean {
  const publishing = state.publication?.status === "IN_PROGRESS" || state.publication?.status === "SCHEDULED";
  return publishing || state.rollbacks.some((r) => r.status === "IN_PROGRESS");
}

function reviewTracking(c: CertificationRecord): JsonObject {
  const info: JsonObject = { estimatedCompletionTimestamp: c.estimatedCompletionAt, lastUpdated: c.lastUpdated };
  if (c.completedAt) info.actualCompletionTimestamp = c.completedAt;
  return info;
}

function paginate<T>(items: T[], query: URLSearchParams): { page: T[]; nextToken?: string } {
  const max = Number(query.get("maxResults") ?? "50");
  const start = Number(query.get("nextToken") ?? "0") || 0;
  const page = items.slice(start, start + max);
  return start + max < items.length ? { page, nextToken: String(start + max) } : { page };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export const certificationHandlers: Record<string, Handler> = {
  submitSkillForCertificationV1,
  withdrawSkillFromCertificationV1,
  getCertificationsListV1,
  getCertificationReviewV1,
  publishSkillV1,
  getSkillPublicationsV1,
  listVersionsForSkillV1,
  rollbackSkillV1,
  getRollbackForSkillV1,
};
