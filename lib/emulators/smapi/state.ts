/**
 * The emulated skill: what each stage holds, the development stage's update
 * and build status, testing enablement, and the certification history
 * (versions, reviews, publication, rollbacks, simulations, validations).
 * Plain data plus the few rules that several handlers share.
 */
import { createHash, randomUUID } from "node:crypto";

export type JsonObject = { [key: string]: unknown };

export type Stage = "development" | "certified" | "live";
export const STAGES: readonly Stage[] = ["development", "certified", "live"];

export type ResourceStatus = "IN_PROGRESS" | "SUCCEEDED" | "FAILED";

/** Amazon's `v1.skill.StandardizedError`. */
export interface SmapiError {
  code?: string;
  message: string;
  validationDetails?: JsonObject;
}

export interface Versioned<T> {
  value: T;
  eTag: string;
}

/** What certification snapshots: the manifest (with its endpoints) and every locale's model. */
export interface SkillSnapshot {
  manifest: JsonObject;
  models: Record<string, JsonObject>;
}

export interface StageContent {
  manifest: Versioned<JsonObject>;
  models: Map<string, Versioned<JsonObject>>;
}

export interface ManifestUpdateState {
  status: ResourceStatus;
  errors: SmapiError[];
  warnings: SmapiError[];
  /** eTag of the last successful update, as the status reports it. */
  eTag: string;
}

export type BuildStepName = "DIALOG_MODEL_BUILD" | "LANGUAGE_MODEL_QUICK_BUILD" | "LANGUAGE_MODEL_FULL_BUILD";

export interface ModelBuildState {
  status: ResourceStatus;
  errors: SmapiError[];
  warnings: SmapiError[];
  steps: { name: BuildStepName; status: ResourceStatus; errors?: SmapiError[] }[];
  /** eTag and version of the last successfully built model. */
  eTag: string;
  version: number;
  /** Increments per upload, so a superseded build does not report. */
  generation: number;
}

export type VersionSubmissionStatus =
  | "LIVE"
  | "CERTIFIED"
  | "IN_REVIEW"
  | "FAILED_CERTIFICATION"
  | "HIDDEN"
  | "REMOVED"
  | "WITHDRAWN_FROM_CERTIFICATION";

export interface SkillVersionRecord {
  version: string;
  message?: string;
  creationTime: string;
  submissionTime: string;
  status: VersionSubmissionStatus;
  snapshot: SkillSnapshot;
}

export type PublicationMethod = "MANUAL_PUBLISHING" | "AUTO_PUBLISHING";
export type CertificationStatus = "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "CANCELLED";

export interface CertificationRecord {
  id: string;
  status: CertificationStatus;
  publicationMethod: PublicationMethod;
  version: string;
  versionMessage?: string;
  submittedAt: string;
  estimatedCompletionAt: string;
  lastUpdated: string;
  completedAt?: string;
  publishedCountries?: string[];
  /** Why a review failed (what Amazon sends by e-mail; not part of the API). */
  failureReason?: string;
}

export type PublicationStatus = "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "CANCELLED" | "SCHEDULED";

export interface PublicationRecord {
  status: PublicationStatus;
  publishesAtDate: string;
  version: string;
}

export type RollbackStatus = "FAILED" | "INELIGIBLE" | "IN_PROGRESS" | "SUCCEEDED";

export interface RollbackRecord {
  id: string;
  targetVersion: string;
  submissionTime: string;
  status: RollbackStatus;
  errors: SmapiError[];
}

export type RunStatus = "IN_PROGRESS" | "SUCCESSFUL" | "FAILED";

export interface SimulationRecord {
  id: string;
  stage: Stage;
  status: RunStatus;
  result?: JsonObject;
}

export interface ValidationRecord {
  id: string;
  stage: Stage;
  locales: string[];
  status: RunStatus;
  result?: JsonObject;
}

export interface SeedSkill {
  skillId: string;
  vendorId: string;
  /** The development manifest (the `manifest` object, not the envelope). */
  manifest: JsonObject;
  models: Record<string, JsonObject>;
  /** The live stage, published as version "1"; absent for a skill never published. */
  live?: SkillSnapshot;
  enabledStages: Stage[];
}

export class SkillState {
  readonly skillId: string;
  readonly vendorId: string;
  readonly stages = new Map<Stage, StageContent>();
  manifestUpdate: ManifestUpdateState;
  /** True between an accepted manifest update and its outcome. */
  manifestUpdatePending = false;
  /** What lagging status reads still report after an update was accepted, and how many more of them will. */
  laggingManifestStatus?: { reported: ManifestUpdateState; readsLeft: number };
  /** The development manifest stale reads still return after an update was applied, and how many more of them will. */
  staleDevelopmentManifest?: { manifest: Versioned<JsonObject>; readsLeft: number };
  readonly modelBuilds = new Map<string, ModelBuildState>();
  readonly enabled = new Set<Stage>();
  readonly versions: SkillVersionRecord[] = [];
  /** Versions in the order they went live; the last one is live now. */
  readonly liveHistory: string[] = [];
  readonly certifications: CertificationRecord[] = [];
  publication?: PublicationRecord;
  /** The version held by the `certified` stage (manual publishing), until it is published. */
  certifiedVersion?: string;
  readonly rollbacks: RollbackRecord[] = [];
  readonly simulations = new Map<string, SimulationRecord>();
  readonly validations = new Map<string, ValidationRecord>();
  /** The simulator's dialog session per stage, kept while the skill leaves it open. */
  readonly openSessions = new Map<Stage, { sessionId: string; attributes: JsonObject }>();

  constructor(seed: SeedSkill, now: number) {
    this.skillId = seed.skillId;
    this.vendorId = seed.vendorId;
    this.setStage("development", { manifest: seed.manifest, models: seed.models });
    const dev = this.content("development");
    this.manifestUpdate = { status: "SUCCEEDED", errors: [], warnings: [], eTag: dev?.manifest.eTag ?? "" };
    for (const [locale, model] of dev?.models ?? []) {
      this.modelBuilds.set(locale, {
        status: "SUCCEEDED",
        errors: [],
        warnings: [],
        steps: succeededSteps(),
        eTag: model.eTag,
        version: 1,
        generation: 0,
      });
    }
    if (seed.live) {
      this.setStage("live", seed.live);
      const at = new Date(now).toISOString();
      this.versions.push({ version: "1", message: "Initial release", creationTime: at, submissionTime: at, status: "LIVE", snapshot: clone(seed.live) });
      this.liveHistory.push("1");
    }
    for (const stage of seed.enabledStages) this.enabled.add(stage);
  }

  content(stage: Stage): StageContent | undefined {
    return this.stages.get(stage);
  }

  snapshot(stage: Stage): SkillSnapshot | undefined {
    const content = this.stages.get(stage);
    if (!content) return undefined;
    const models: Record<string, JsonObject> = {};
    for (const [locale, model] of content.models) models[locale] = clone(model.value);
    return { manifest: clone(content.manifest.value), models };
  }

  setStage(stage: Stage, snapshot: SkillSnapshot): void {
    const models = new Map<string, Versioned<JsonObject>>();
    for (const [locale, model] of Object.entries(snapshot.models)) models.set(locale, versioned(model));
    this.stages.set(stage, { manifest: versioned(snapshot.manifest), models });
  }

  dropStage(stage: Stage): void {
    this.stages.delete(stage);
  }

  /** The review that locks the development stage, if one is under way. */
  certificationInProgress(): CertificationRecord | undefined {
    return this.certifications.find((c) => c.status === "IN_PROGRESS");
  }

  latestCertification(): CertificationRecord | undefined {
    return this.certifications[this.certifications.length - 1];
  }

  version(version: string): SkillVersionRecord | undefined {
    return this.versions.find((v) => v.version === version);
  }

  liveVersion(): SkillVersionRecord | undefined {
    const current = this.liveHistory[this.liveHistory.length - 1];
    return current === undefined ? undefined : this.version(current);
  }

  nextVersion(): string {
    return String(this.versions.reduce((max, v) => Math.max(max, Number(v.version) || 0), 0) + 1);
  }

  /** Makes a version's snapshot the live stage; the one it replaces stays certified. */
  goLive(version: SkillVersionRecord): void {
    const previous = this.liveVersion();
    if (previous && previous !== version) previous.status = "CERTIFIED";
    version.status = "LIVE";
    this.setStage("live", version.snapshot);
    this.liveHistory.push(version.version);
  }

  modelBuildInProgress(): boolean {
    return [...this.modelBuilds.values()].some((b) => b.status === "IN_PROGRESS");
  }
}

export function versioned<T>(value: T): Versioned<T> {
  return { value: clone(value), eTag: eTagOf(value) };
}

/** An opaque entity tag: the same content always has the same tag. */
export function eTagOf(value: unknown): string {
  return createHash("md5").update(JSON.stringify(value)).digest("hex");
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

export function newId(prefix: string): string {
  return `${prefix}${randomUUID()}`;
}

export function succeededSteps(): ModelBuildState["steps"] {
  return [
    { name: "LANGUAGE_MODEL_QUICK_BUILD", status: "SUCCEEDED" },
    { name: "LANGUAGE_MODEL_FULL_BUILD", status: "SUCCEEDED" },
  ];
}

export function isStage(value: string | undefined): value is Stage {
  return value !== undefined && (STAGES as readonly string[]).includes(value);
}
