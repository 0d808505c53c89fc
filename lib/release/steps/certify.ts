import type { v1 } from "ask-smapi-model";
import { getValueFromHeader } from "ask-smapi-sdk";
import { OperationFailed } from "../../errors";
import { findCertificationInProgress } from "../../smapi/certification";
import { smapiCall } from "../../smapi/errors";
import { type ReleaseDeps } from "../deps";
import { mutate } from "../../dry-run";
import { waitForSmapiStatus } from "./wait-smapi";

/**
 * Certification and publication: submitting the development stage for
 * review (Amazon snapshots the manifest, its endpoint ARNs and the models,
 * not the Lambda code), reading a review, and publishing a version that
 * passed with manual publishing.
 */

export type CertifyDeps = Pick<ReleaseDeps, "smapi" | "config" | "output" | "clock" | "dryRun">;

export type PublicationMethod = v1.skill.PublicationMethod;

export interface SubmitInput {
  publicationMethod: PublicationMethod;
  /** Shown with the version in the developer console; Amazon allows 1 to 300 characters. */
  versionMessage: string;
}

export interface Submission {
  /** submitted: the review has started; planned: --dry-run. */
  outcome: "submitted" | "planned";
  certificationId?: string;
}

export const VERSION_MESSAGE_MAX = 300;

/**
 * Submits the development stage for certification and returns the
 * certification's id, from the Location header or, when Amazon gives none,
 * from the review now in progress. Amazon refuses (403, reported as exit 3)
 * while another review is in progress.
 */
export async function submitForCertification(deps: CertifyDeps, input: SubmitInput): Promise<Submission> {
  const skillId = deps.config.skill.id;
  const response = await mutate(deps, `submit the skill for certification (${input.publicationMethod}, version message "${input.versionMessage}")`, () =>
    smapiCall({ action: "submitting the skill for certification", skillId }, () =>
      deps.smapi.callSubmitSkillForCertificationV1(skillId, { publicationMethod: input.publicationMethod, versionMessage: input.versionMessage }),
    ),
  );
  if (response === undefined) return { outcome: "planned" };
  // Location: /v1/skills/{skillId}/certifications/{certificationId}
  const location = getValueFromHeader(response.headers, "location")[0] ?? getValueFromHeader(response.headers, "Location")[0];
  const fromLocation = location?.split("/").filter(Boolean).pop();
  const certificationId =
    fromLocation && location?.includes("/certifications/")
      ? decodeURIComponent(fromLocation)
      : (await smapiCall({ action: "finding the certification just submitted", skillId }, () => findCertificationInProgress(deps.smapi, skillId)))?.id;
  if (!certificationId) throw new OperationFailed("The skill was submitted for certification, but SMAPI names no certification in progress; check the developer console.");
  return { outcome: "submitted", certificationId };
}

export interface CertificationDetails {
  id: string;
  status: string;
  submittedAt?: string;
  estimatedCompletionAt?: string;
  completedAt?: string;
  publishedCountries?: string[];
}

/** One review as SMAPI reports it. */
export async function readCertification(deps: Pick<ReleaseDeps, "smapi" | "config">, certificationId: string): Promise<CertificationDetails> {
  const skillId = deps.config.skill.id;
  const review = await smapiCall({ action: `reading certification ${certificationId}`, skillId }, () => deps.smapi.getCertificationReviewV1(skillId, certificationId));
  const tracking = review.reviewTrackingInfo;
  return {
    id: review.id ?? certificationId,
    status: review.status ?? "IN_PROGRESS",
    ...(review.skillSubmissionTimestamp !== undefined && { submittedAt: review.skillSubmissionTimestamp }),
    ...(tracking?.estimatedCompletionTimestamp !== undefined && { estimatedCompletionAt: tracking.estimatedCompletionTimestamp }),
    ...(tracking?.actualCompletionTimestamp !== undefined && { completedAt: tracking.actualCompletionTimestamp }),
    ...(review.result?.distributionInfo?.publishedCountries !== undefined && { publishedCountries: review.result.distributionInfo.publishedCountries }),
  };
}

export interface Publication {
  /** published: the certified version is live; planned: --dry-run. */
  outcome: "published" | "planned";
  status?: string;
}

// Publication of a certified version is usually done in minutes; scheduled ones are not asked for here.
export const PUBLICATION_TIMEOUT_MS = 30 * 60_000;

/**
 * Publishes the version waiting in the certified stage (manual publishing)
 * now, and waits until it is live. Amazon refuses (403) when nothing is
 * certified and waiting.
 */
export async function publishCertified(deps: CertifyDeps, options: { timeoutMs?: number } = {}): Promise<Publication> {
  const skillId = deps.config.skill.id;
  // Publication answers in a language; the first locale's is the one people here read.
  const language = deps.config.skill.locales[0] ?? "en-US";
  const timeoutMs = options.timeoutMs ?? PUBLICATION_TIMEOUT_MS;
  const status = await mutate(deps, "publish the certified version of the skill now and wait until it is live", async () => {
    await smapiCall({ action: "publishing the certified skill", skillId }, () => deps.smapi.publishSkillV1(skillId, language));
    const done = await waitForSmapiStatus(deps, {
      what: "the publication",
      action: "reading the publication's status",
      skillId,
      read: () => deps.smapi.getSkillPublicationsV1(skillId, language),
      timeoutMs,
      // An answer without a status is still under way, like a scheduled publication.
      pending: ["IN_PROGRESS", "SCHEDULED", undefined],
    });
    return done?.status;
  });
  if (status === undefined) return { outcome: "planned" };
  if (status !== "SUCCEEDED") throw new OperationFailed(`Amazon's publication of the certified skill ended ${status}; check the developer console, then run the command again.`);
  deps.output.info("The certified version is published.");
  return { outcome: "published", status };
}
