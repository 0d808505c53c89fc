/**
 * Reading a stage's skill manifest with its ETag, reading the development
 * manifest once no update is pending, and waiting for a manifest update to be
 * applied: what the release commands (endpoint moves) and deploy:skill
 * (skill.json uploads) share.
 */
import { getValueFromHeader } from "ask-smapi-sdk";
import type { Clock } from "../clock";
import { OperationFailed } from "../errors";
import type { Output } from "../output";
import type { SmapiClient } from "./client";
import { explainSmapiError, statusCodeOf } from "./errors";
import { waitForManifestUpdate, type ManifestUpdateStatus, type OurManifestUpdate } from "./skill-status";

/** A stage's manifest as read, with the ETag that an update must send back (If-Match). */
export interface StageManifest {
  manifest: unknown;
  etag: string | undefined;
}

export interface ManifestWaitDeps {
  smapi: SmapiClient;
  output: Output;
  clock: Clock;
}

// Amazon applies a manifest in seconds; minutes means something is stuck on their side.
export const MANIFEST_UPDATE_TIMEOUT_MS = 5 * 60_000;

/** The development stage always exists (a 404 is an error); live exists once published, certified only until publication. */
export async function readStageManifest(smapi: SmapiClient, skillId: string, stage: "development"): Promise<StageManifest>;
export async function readStageManifest(smapi: SmapiClient, skillId: string, stage: "development" | "certified" | "live"): Promise<StageManifest | undefined>;
export async function readStageManifest(smapi: SmapiClient, skillId: string, stage: "development" | "certified" | "live"): Promise<StageManifest | undefined> {
  try {
    const response = await smapi.callGetSkillManifestV1(skillId, stage);
    return { manifest: response.body, etag: getValueFromHeader(response.headers, "etag")[0] ?? getValueFromHeader(response.headers, "ETag")[0] };
  } catch (error) {
    // A skill that was never published has no live stage; certified exists only until publication.
    if (stage !== "development" && statusCodeOf(error) === 404) return undefined;
    throw error;
  }
}

/** The development manifest once no update is pending (a read during one is answered 303). */
export async function readSettledDevelopmentManifest(
  deps: ManifestWaitDeps,
  skillId: string,
  timeoutMs?: number,
  ours?: OurManifestUpdate,
): Promise<{ manifest: StageManifest; update?: ManifestUpdateStatus }> {
  let update: ManifestUpdateStatus | undefined;
  // Twice at most: a second pending update right after the first is somebody else's, reported as such by the caller.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const manifest = await readStageManifest(deps.smapi, skillId, "development");
      return { manifest, ...(update ? { update } : {}) };
    } catch (error) {
      if (statusCodeOf(error) !== 303) throw explainSmapiError(error, { action: "reading the development manifest", skillId });
    }
    update = await waitForManifestApplied(deps, skillId, { timeoutMs, ours });
  }
  throw new OperationFailed("SMAPI kept applying updates to the development manifest; wait until it has finished (npm run status) and run the command again.");
}

/**
 * Waits until Amazon has applied (or refused) a manifest update. With
 * `ours`, only the outcome of the update we sent counts: right after a 202
 * the status may still show the last update's outcome (an earlier SUCCEEDED
 * or FAILED), which Amazon does not promise to replace at once (see
 * OurManifestUpdate in skill-status.ts).
 */
export async function waitForManifestApplied(
  deps: ManifestWaitDeps,
  skillId: string,
  options: { timeoutMs?: number | undefined; ours?: OurManifestUpdate | undefined } = {},
): Promise<ManifestUpdateStatus> {
  const timeoutMs = options.timeoutMs ?? MANIFEST_UPDATE_TIMEOUT_MS;
  const waited = await waitForManifestUpdate({
    smapi: deps.smapi,
    skillId,
    timeoutMs,
    clock: deps.clock,
    output: deps.output,
    ...(options.ours && { ours: options.ours }),
  });
  if (!waited.finished) {
    throw new OperationFailed(
      `Amazon had not applied the development manifest update after ${Math.round(timeoutMs / 1000)} s (last status: ${waited.value.status ?? "not reported"}). ` +
        "It may still finish: check with npm run status, then run the command again.",
    );
  }
  return waited.value;
}

