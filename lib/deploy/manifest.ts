/**
 * skill.json to the development stage, keeping the endpoints the stage has
 * (manifest-merge.ts). Uploaded only when it differs semantically, guarded by
 * the ETag it was read with (412 → ConcurrentChange, exit 4), and waited for
 * until Amazon has applied our update or reported its errors. While the
 * skill is in review the development stage is locked: the upload is
 * deferred, as deploy:model defers its models (exit 0 with a warning).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { v1 } from "ask-smapi-model";
import type { Clock } from "../clock";
import { ConcurrentChange, OperationFailed, UsageError } from "../errors";
import type { Output } from "../output";
import { confirmReviewLock, describeCertification, findCertificationInProgress, type CertificationInProgress } from "../smapi/certification";
import type { SmapiClient } from "../smapi/client";
import { explainSmapiError, statusCodeOf } from "../smapi/errors";
import { readSettledDevelopmentManifest, waitForManifestApplied } from "../smapi/manifest";
import { readManifestUpdateStatus, type SmapiProblem } from "../smapi/skill-status";
import { differingPaths, sameJson, withStageEndpoints } from "./manifest-merge";

export interface DeployManifestOptions {
  skillId: string;
  /** The skill package directory: its skill.json is uploaded. */
  packageDir: string;
  dryRun: boolean;
  timeoutMs?: number;
}

export interface DeployManifestDeps {
  smapi: SmapiClient;
  output: Output;
  clock: Clock;
}

export interface DeployManifestResult {
  /** unchanged: the stage has it already; updated: Amazon applied it; deferred: in review; planned: --dry-run. */
  outcome: "unchanged" | "updated" | "deferred" | "planned";
  /** Where the repository's manifest differs from the stage's (endpoints excluded). */
  changed: string[];
  certification?: CertificationInProgress;
  warnings?: SmapiProblem[];
}

export async function deployManifest(options: DeployManifestOptions, deps: DeployManifestDeps): Promise<DeployManifestResult> {
  const { skillId } = options;
  const { output } = deps;
  const file = join(options.packageDir, "skill.json");
  const repo = await readManifestFile(file);

  const review = await findCertificationInProgress(deps.smapi, skillId);
  if (review) {
    output.warn(inReviewMessage(skillId, describeCertification(review)));
    return { outcome: "deferred", changed: [], certification: review };
  }

  const { manifest: stage } = await readSettledDevelopmentManifest(deps, skillId, options.timeoutMs);
  const desired = withStageEndpoints(repo, stage.manifest);
  if (sameJson(desired, stage.manifest)) {
    output.info(`skill.json: the development stage has it already (endpoints kept); nothing to upload.`);
    return { outcome: "unchanged", changed: [] };
  }
  const changed = differingPaths(desired, stage.manifest);
  if (stage.etag === undefined) {
    // Without the ETag the update could silently overwrite a concurrent change (invariant 7).
    throw new OperationFailed("SMAPI returned the development manifest without an ETag, so it cannot be updated safely (If-Match); run the command again.");
  }
  if (options.dryRun) {
    output.info(`Dry run: would upload ${file} to the development stage (If-Match ${stage.etag}), changing ${changed.join(", ")}; the endpoints stay as they are.`);
    return { outcome: "planned", changed };
  }
  output.info(`Uploading ${file} to the development stage (changes ${changed.join(", ")}; endpoints kept; If-Match ${stage.etag}).`);
  // The status before our update, to tell ours from an earlier one (see OurManifestUpdate).
  const before = await readManifestUpdateStatus(deps.smapi, skillId);
  try {
    await deps.smapi.callUpdateSkillManifestV1(skillId, "development", desired as unknown as v1.skill.Manifest.SkillManifestEnvelope, stage.etag);
  } catch (error) {
    const status = statusCodeOf(error);
    if (status === 403) {
      // A review started between our look and the upload: the lock only when SMAPI lists the certification (otherwise an error with Amazon's message).
      const review = await confirmReviewLock(deps.smapi, skillId, error, { action: "updating the development manifest", skillId });
      output.warn(inReviewMessage(skillId, describeCertification(review)));
      return { outcome: "deferred", changed, certification: review };
    }
    if (status === 412 || status === 409) {
      // The client repeats a PUT whose answer was lost, and Amazon answers the repeat with a conflict against our own update:
      // once the stage has settled, holding exactly what we uploaded means the update was ours.
      const { manifest: settled } = await readSettledDevelopmentManifest(deps, skillId, options.timeoutMs);
      if (sameJson(desired, settled.manifest)) {
        output.info(`skill.json applied to the development stage (${changed.join(", ")}).`);
        return { outcome: "updated", changed };
      }
      throw new ConcurrentChange(
        `The development manifest changed since it was read (${status === 412 ? "412 precondition failed: its ETag no longer matches" : "409: another update of it was in progress"}): ` +
          "somebody else updated it (a release command, another build, or the developer console), and it was not overwritten. Run the build again to upload on top of the new state.",
      );
    }
    throw explainSmapiError(error, { action: "updating the development manifest", skillId });
  }
  const update = await waitForManifestApplied(deps, skillId, { timeoutMs: options.timeoutMs, ours: { replacedETag: stage.etag, before } });
  if (update.status === "FAILED") {
    const messages = update.errors.map((e) => `${e.message}${e.code ? ` [${e.code}]` : ""}`);
    throw new OperationFailed(
      `Amazon did not apply ${file} to the development stage: ${messages.length > 0 ? messages.join("; ") : "the update failed without an error message"}. ` +
        "The development stage keeps its previous manifest; fix skill.json and push again.",
    );
  }
  for (const warning of update.warnings) output.warn(`skill.json: Amazon's warning: ${warning.message}${warning.code ? ` [${warning.code}]` : ""}`);
  output.info(`skill.json applied to the development stage (${changed.join(", ")}).`);
  return { outcome: "updated", changed, ...(update.warnings.length > 0 && { warnings: update.warnings }) };
}

/** skill.json read and checked locally (a UsageError naming the file and the fix), before any call. */
export async function readManifestFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read the skill manifest ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. The skill package directory must contain skill.json (ASK CLI layout).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}. Fix it and push again.`);
  }
  // `typeof null` and `typeof []` are "object" too: a null or array manifest passed this check, so deploy:skill replaced $LATEST before SMAPI refused it.
  if (!isPlainObject(parsed) || !isPlainObject(parsed.manifest)) {
    throw new UsageError(`${file} has no "manifest" object at the top level, as a skill.json must ({ "manifest": { … } }).`);
  }
  return parsed;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function inReviewMessage(skillId: string, what: string): string {
  return (
    `Skill ${skillId} is in certification review: ${what}. Amazon locks the development stage during a review, so skill.json was NOT uploaded. ` +
    "It will be uploaded by the first push after the review ends (or run deploy:skill again then)."
  );
}
