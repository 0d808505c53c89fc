/**
 * What `deploy:model` should do for each locale, decided from reads only:
 * the development stage's model (with the ETag the upload will carry in
 * If-Match) and its last build. Reads only, so `--dry-run` is this plan.
 */
import type { v1 } from "ask-smapi-model";
import { modelsEqual, type ParsedModel } from "../skill-package";
import type { SmapiClient } from "../smapi/client";
import { explainSmapiError, statusCodeOf } from "../smapi/errors";
import { readModelBuildStatuses, type ModelBuildStatus } from "../smapi/skill-status";

export type LocaleAction = "skip" | "upload" | "wait";

export interface LocalePlan {
  locale: string;
  /** The model file, relative to the package. */
  file: string;
  /** The file's JSON, as it is uploaded. */
  model: v1.skill.interactionModel.InteractionModelData;
  action: LocaleAction;
  /** Why, in words: "changed", "unchanged", … */
  reason: string;
  /** ETag of the development model just read; undefined for a locale the stage does not have yet. */
  eTag: string | undefined;
  /** The locale's build status before anything is uploaded. */
  build: ModelBuildStatus;
}

export interface DevelopmentModel {
  found: boolean;
  model?: unknown;
  eTag?: string;
}

/** Reads the status once, then every locale's development model at the same time. */
export async function planModelDeployment(smapi: SmapiClient, skillId: string, models: readonly ParsedModel[]): Promise<LocalePlan[]> {
  // First, and alone: a wrong skill ID fails here once (404, "check SKILL_ID") instead of once per locale.
  const builds = await readModelBuildStatuses(smapi, skillId, models.map((m) => m.locale));
  return Promise.all(
    models.map(async (local, i) => {
      const remote = await readDevelopmentModel(smapi, skillId, local.locale);
      return decide(local, remote, builds[i] as ModelBuildStatus);
    }),
  );
}

export async function readDevelopmentModel(smapi: SmapiClient, skillId: string, locale: string): Promise<DevelopmentModel> {
  try {
    const response = await smapi.callGetInteractionModelV1(skillId, "development", locale);
    const eTag = response.headers.find((h) => h.key.toLowerCase() === "etag")?.value;
    return { found: true, model: response.body, ...(eTag !== undefined && { eTag }) };
  } catch (error) {
    // The skill exists (its status was just read), so a 404 is a locale it does not have yet.
    if (statusCodeOf(error) === 404) return { found: false };
    throw explainSmapiError(error, { action: `reading the ${locale} interaction model of the development stage`, skillId });
  }
}

function decide(local: ParsedModel, remote: DevelopmentModel, build: ModelBuildStatus): LocalePlan {
  const base = { locale: local.locale, file: local.file, model: local.model as v1.skill.interactionModel.InteractionModelData, eTag: remote.eTag, build };
  if (!remote.found) return { ...base, action: "upload", reason: "new in the development stage" };
  if (!modelsEqual(remote.model, local.model)) return { ...base, action: "upload", reason: "changed" };
  // The same model, but the stage does not have it built: uploading it again is the only way to rebuild.
  if (build.status === "FAILED") return { ...base, action: "upload", reason: "unchanged, but its last build failed" };
  // An earlier run (crashed, or out of time) uploaded it and its build goes on: wait for it, do not start another.
  if (build.status === "IN_PROGRESS") return { ...base, action: "wait", reason: "unchanged; the build of an earlier upload is in progress" };
  return { ...base, action: "skip", reason: "unchanged" };
}
