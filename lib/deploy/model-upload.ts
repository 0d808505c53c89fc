/**
 * One locale's upload, guarded by the ETag it was planned with, so that a
 * model somebody else uploaded in between is reported, never overwritten.
 */
import { ConcurrentChange } from "../errors";
import { modelsEqual } from "../skill-package";
import type { SmapiClient } from "../smapi/client";
import { confirmReviewLock, type CertificationInProgress } from "../smapi/certification";
import { explainSmapiError, statusCodeOf } from "../smapi/errors";
import { readDevelopmentModel, type LocalePlan } from "./model-plan";

export type UploadOutcome =
  | { locale: string; kind: "uploaded"; note?: string }
  /** The development stage is locked: a review started after the plan was made. */
  | { locale: string; kind: "locked"; certification: CertificationInProgress };

export async function uploadModel(smapi: SmapiClient, skillId: string, plan: LocalePlan): Promise<UploadOutcome> {
  const { locale } = plan;
  try {
    await smapi.setInteractionModelV1(skillId, "development", locale, plan.model, plan.eTag);
    return { locale, kind: "uploaded" };
  } catch (error) {
    const context = { action: `uploading the ${locale} interaction model`, skillId };
    if (statusCodeOf(error) === 403) return { locale, kind: "locked", certification: await confirmReviewLock(smapi, skillId, error, context) };
    if (statusCodeOf(error) !== 412) throw explainSmapiError(error, context);
  }
  // The HTTP layer repeats a PUT whose answer was lost; if the first one landed, its
  // repetition carries a stale ETag. The model then already is the file's: done.
  const now = await readDevelopmentModel(smapi, skillId, locale);
  if (now.found && modelsEqual(now.model, plan.model)) {
    return { locale, kind: "uploaded", note: "the development stage already had this model when the upload was refused as stale (an earlier attempt had landed)" };
  }
  throw new ConcurrentChange(
    `The ${locale} interaction model of the development stage changed after it was read (412 precondition failed): ` +
      "somebody else uploaded a different model (another deploy, or the developer console), and it was not overwritten. " +
      `Check what changed, then run deploy:model again to upload ${plan.file} over it.`,
  );
}
