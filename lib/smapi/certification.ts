/**
 * The certification under review, if any. While one is in progress Amazon
 * locks the development stage, so commands that change it look first and
 * say which review they are waiting for.
 */
import type { v1 } from "ask-smapi-model";
import type { SmapiClient } from "./client";
import { OperationFailed } from "../errors";
import { amazonsMessage, explainSmapiError, looksLikeReviewLock, statusCodeOf, type SmapiErrorContext } from "./errors";

export interface CertificationInProgress {
  id: string;
  /** ISO timestamp of the submission, when SMAPI gives one. */
  submittedAt?: string;
  /** Amazon's estimate of when the review ends. */
  estimatedCompletionAt?: string;
}

// Far more than any skill's history; a bound keeps a misbehaving nextToken from looping forever.
const MAX_PAGES = 20;

type CertificationSummary = v1.skill.certification.CertificationSummary;

/**
 * Every certification of the skill, page by page (empty for a skill never
 * submitted: SMAPI may answer 404 then). A wrong skill ID is not hidden by
 * this: the command's next call on the skill reports it.
 */
export async function listCertifications(smapi: SmapiClient, skillId: string): Promise<CertificationSummary[]> {
  const all: CertificationSummary[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let list;
    try {
      list = await smapi.getCertificationsListV1(skillId, nextToken);
    } catch (error) {
      if (statusCodeOf(error) === 404) return all;
      throw explainSmapiError(error, { action: "listing the skill's certifications", skillId });
    }
    all.push(...(list.items ?? []));
    if (!list.isTruncated || !list.nextToken) break;
    nextToken = list.nextToken;
  }
  return all;
}

/** The certification with status IN_PROGRESS, or undefined when the skill is not in review. */
export async function findCertificationInProgress(smapi: SmapiClient, skillId: string): Promise<CertificationInProgress | undefined> {
  const found = (await listCertifications(smapi, skillId)).find((item) => item.status === "IN_PROGRESS" && item.id !== undefined);
  if (found?.id === undefined) return undefined;
  return {
    id: found.id,
    ...(found.skillSubmissionTimestamp !== undefined && { submittedAt: found.skillSubmissionTimestamp }),
    ...(found.reviewTrackingInfo?.estimatedCompletionTimestamp !== undefined && {
      estimatedCompletionAt: found.reviewTrackingInfo.estimatedCompletionTimestamp,
    }),
  };
}

/** The most recently submitted certification, whatever its status. */
export async function latestCertification(smapi: SmapiClient, skillId: string): Promise<CertificationSummary | undefined> {
  const all = await listCertifications(smapi, skillId);
  return all.filter((c) => c.id !== undefined).sort((a, b) => (b.skillSubmissionTimestamp ?? "").localeCompare(a.skillSubmissionTimestamp ?? ""))[0];
}

/** "certification amzn1.ask.certification.… (submitted 2026-03-02T15:00:00Z, review expected to end by …)". */
export function describeCertification(certification: CertificationInProgress): string {
  const details = [
    certification.submittedAt !== undefined ? `submitted ${certification.submittedAt}` : "submission time not reported",
    ...(certification.estimatedCompletionAt !== undefined ? [`review expected to end by ${certification.estimatedCompletionAt}`] : []),
  ];
  return `certification ${certification.id} (${details.join(", ")})`;
}

/**
 * The one decision whether a write to the development stage that SMAPI
 * refused with 403 is Amazon's review lock (deploy:model's uploads, the
 * manifest upload of deploy:skill): it is only when SMAPI lists a
 * certification in progress, whatever the 403's text says. Returns that
 * certification; otherwise throws the failure with Amazon's message.
 * Amazon does not document the lock's status and body, so any 403 with a
 * review in progress counts as the lock, and no 403 without one does.
 */
export async function confirmReviewLock(smapi: SmapiClient, skillId: string, error: unknown, context: SmapiErrorContext): Promise<CertificationInProgress> {
  if (statusCodeOf(error) !== 403) throw explainSmapiError(error, context);
  const review = await findCertificationInProgress(smapi, skillId);
  if (review) return review;
  if (!looksLikeReviewLock(error)) throw explainSmapiError(error, context);
  throw new OperationFailed(
    `SMAPI refused ${context.action} (403: ${amazonsMessage(error)}), but lists no certification in progress for skill ${skillId}, so this is not the review lock. ` +
      "Read Amazon's message above; check the skill's status in the developer console, then run the command again.",
  );
}
