/**
 * What every area's handlers share: the request they get, the answer they
 * give, the emulator context, and Amazon's error bodies.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Scheduler } from "./scheduler";
import type { JsonObject, ResourceStatus, RunStatus, SkillState, SmapiError, Stage } from "./state";
import type { SimulateHandler } from "./simulations";
import type { Accounts } from "./vendors";

export interface HandlerRequest {
  operation: string;
  pathParams: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The LWA account the bearer token belongs to. */
  account?: string;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: HandlerRequest, ctx: EmulatorContext) => HandlerResult | Promise<HandlerResult>;

/** How long each kind of asynchronous SMAPI work takes (emulator clock). */
export interface Timings {
  manifestUpdateMs: number;
  modelBuildMs: number;
  validationMs: number;
  /** Minimum time a simulation stays IN_PROGRESS, on top of the simulate callback's own time. */
  simulationMs: number;
  publicationMs: number;
  rollbackMs: number;
}

export interface ModelBuildOutcome {
  status: Exclude<ResourceStatus, "IN_PROGRESS">;
  errors?: SmapiError[];
  warnings?: SmapiError[];
  /** Overrides `timings.modelBuildMs` for this locale. */
  durationMs?: number;
}

export interface ValidationOutcome {
  status: Exclude<RunStatus, "IN_PROGRESS">;
  /** Amazon's `v1.skill.validations.ResponseValidation` items; default: a passing one per locale. */
  validations?: JsonObject[];
  error?: { code?: string; message: string };
}

export interface RollbackOutcome {
  status: "SUCCEEDED" | "FAILED";
  errors?: SmapiError[];
}

export type LambdaPermissionCheck = (arn: string, skillId: string) => boolean | Promise<boolean>;

/**
 * Amazon's eventual consistency, which its documentation does not bound, so
 * the emulator models the less convenient case on request (default: none).
 */
export interface Consistency {
  /**
   * After a manifest update is accepted, this many reads of the skill status
   * still report the previous update (its status, errors and eTag), even
   * once the new one has finished.
   */
  manifestStatusLagReads: number;
  /** After a manifest update is applied, this many reads of the development manifest still return the previous one (and its ETag). */
  staleManifestReads: number;
}

export interface EmulatorContext {
  state: SkillState;
  /** Who signs in, their vendors, and whether they are developers of the skill. */
  accounts: Accounts;
  scheduler: Scheduler;
  timings: Timings;
  now(): number;
  /** "immediate": a manifest update naming an unpermitted Lambda is refused with 400; "status": it fails in the status. */
  endpointCheck: "immediate" | "status";
  consistency: Consistency;
  /** How a simulation reports the endpoint it invoked (Amazon does not document the form). */
  reportedEndpoint(uri: string): string;
  isLambdaPermitted(arn: string): Promise<boolean>;
  simulate?: SimulateHandler;
  modelBuildOutcomes: Map<string, ModelBuildOutcome>;
  validationOutcome: ValidationOutcome;
  rollbackOutcome: RollbackOutcome;
  /** Keeps track of work running outside a request (simulations), so `settle()` can wait for it. */
  background(work: Promise<unknown>): void;
}

export function respond(status: number, body?: unknown, headers?: Record<string, string>): HandlerResult {
  return { status, body, headers };
}

/** 400/403 answers use `v1.BadRequestError`: a message and the violations behind it. */
export function badRequest(message: string, violations: SmapiError[] = []): HandlerResult {
  return { status: 400, body: violations.length > 0 ? { message, violations } : { message } };
}

export function forbidden(message: string, code?: string): HandlerResult {
  return { status: 403, body: { message, violations: [code ? { code, message } : { message }] } };
}

/** Other errors use `v1.skill.StandardizedError` (code + message). */
export function standardError(status: number, message: string, code?: string): HandlerResult {
  return { status, body: code ? { code, message } : { message } };
}

export function notFound(message: string): HandlerResult {
  return standardError(404, message, "RESOURCE_DOES_NOT_EXIST");
}

export function conflict(message: string): HandlerResult {
  return standardError(409, message);
}

export function stageOf(req: HandlerRequest): string | undefined {
  return req.pathParams.stageV2 ?? req.pathParams.stage;
}

export function statusLocation(skillId: string, resource: "manifest" | "interactionModel"): string {
  return `/v1/skills/${skillId}/status?resource=${resource}`;
}

/** Amazon's refusal while a submission is in review: the development stage is locked. */
export function lockedForReview(state: SkillState): HandlerResult | undefined {
  const review = state.certificationInProgress();
  if (!review) return undefined;
  return forbidden(
    `The skill is in certification review (certification ${review.id}); the development stage cannot be changed until the review ends or the submission is withdrawn.`,
    "RESOURCE_LOCKED",
  );
}

export function requireStage(req: HandlerRequest, allowed: readonly Stage[]): Stage | HandlerResult {
  const stage = stageOf(req);
  if (stage !== undefined && (allowed as readonly string[]).includes(stage)) return stage as Stage;
  return badRequest(`Invalid stage "${stage}". Accepted values: ${allowed.join(", ")}.`);
}
