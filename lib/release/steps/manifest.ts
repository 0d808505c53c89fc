import type { v1 } from "ask-smapi-model";
import { ConcurrentChange, OperationFailed, PipelineError, rephrased } from "../../errors";
import { explainSmapiError, smapiCall, statusCodeOf } from "../../smapi/errors";
import { readSettledDevelopmentManifest, readStageManifest, waitForManifestApplied, type StageManifest } from "../../smapi/manifest";
import { readManifestUpdateStatus, sameETag, type ManifestUpdateStatus, type OurManifestUpdate, type SmapiProblem } from "../../smapi/skill-status";
import { type ReleaseDeps } from "../deps";
import { mutate } from "../../dry-run";
import { manifestEndpoints, withEndpoint, type ManifestEndpoint } from "../endpoints";

/**
 * Pointing the development stage at an endpoint: the step that `flip`,
 * `flip --to latest` and `finish` share. The manifest is written back exactly
 * as it was read except for its endpoints (every one of them, regional
 * overrides included), guarded by the ETag it was read with, so a concurrent
 * change is reported and never overwritten (invariant 7).
 */

export type EndpointDeps = Pick<ReleaseDeps, "smapi" | "config" | "output" | "clock" | "dryRun">;

/** Anything holding the development manifest as read, with its ETag: an `ObservedState` does. */
export interface DevelopmentManifestSource {
  manifests: { development: StageManifest };
}

export interface SetEndpointInput {
  state: DevelopmentManifestSource;
  uri: string;
  /** How long to wait for Amazon to apply the update; default 5 minutes. */
  timeoutMs?: number;
}

export interface SetEndpointResult {
  /** unchanged: every endpoint already was `uri`; updated: Amazon applied it; planned: --dry-run. */
  outcome: "unchanged" | "updated" | "planned";
  uri: string;
  /** Every endpoint before the change, where it sat and what it was. */
  previous: ManifestEndpoint[];
  /** The default endpoint before the change: what to set again to undo it. */
  previousUri: string | undefined;
  /**
   * The development manifest as it stands afterwards, with its current ETag:
   * an undo passes `{ manifests: { development } }` as the state. Under
   * --dry-run it is the manifest as read.
   */
  development: StageManifest;
  /** Amazon's warnings about the update, if any. */
  warnings: SmapiProblem[];
}

export { MANIFEST_UPDATE_TIMEOUT_MS } from "../../smapi/manifest";

/** The message Amazon gives an endpoint whose Lambda lacks this skill's Alexa Skills Kit trigger. */
const MISSING_TRIGGER = /trigger setting for the Lambda/i;

/**
 * Points every development endpoint at `uri` and waits until Amazon has
 * applied it. Idempotent: already there, nothing is sent. A 412 (the ETag is
 * stale) or a 409 (an update in progress) is settled by reading the manifest
 * again: if it already has `uri`, an earlier attempt of ours landed (the HTTP
 * layer repeats a PUT whose answer was lost) and that is success; otherwise
 * someone else changed it, and that is a ConcurrentChange (exit 4).
 */
export async function setDevelopmentEndpoint(deps: EndpointDeps, input: SetEndpointInput): Promise<SetEndpointResult> {
  const { uri } = input;
  const skillId = deps.config.skill.id;
  const read = input.state.manifests.development;
  if (read.manifest === undefined) throw new OperationFailed("The development manifest was not read, so its endpoint cannot be changed.");
  const previous = manifestEndpoints(read.manifest);
  // manifestEndpoints lists the default endpoint first, then the regional overrides.
  const base = { uri, previous, previousUri: previous[0]?.uri };
  if (previous.length > 0 && previous.every((e) => e.uri === uri)) {
    return { ...base, outcome: "unchanged", development: read, warnings: [] };
  }
  if (read.etag === undefined) {
    // Without the ETag the update could silently overwrite a concurrent change (invariant 7).
    throw new OperationFailed("SMAPI returned the development manifest without an ETag, so it cannot be updated safely (If-Match); run the command again.");
  }
  const desired = withEndpoint(read.manifest, uri) as v1.skill.Manifest.SkillManifestEnvelope;
  const where = previous.length > 1 ? `every development endpoint (${previous.map((e) => e.path).join(", ")})` : "the development endpoint";
  const etag = read.etag;
  const sent = await mutate(deps, `point ${where} at ${uri} (update the development manifest, If-Match ${etag}) and wait until Amazon applies it`, () =>
    put(deps, skillId, desired, etag, uri, input.timeoutMs),
  );
  if (sent === undefined) return { ...base, outcome: "planned", development: read, warnings: [] };
  deps.output.info(`Development endpoint now points at ${uri}${base.previousUri && base.previousUri !== uri ? ` (was ${base.previousUri})` : ""}.`);
  return { ...base, outcome: "updated", development: sent.development, warnings: sent.warnings };
}

interface Applied {
  development: StageManifest;
  warnings: SmapiProblem[];
}

async function put(deps: EndpointDeps, skillId: string, desired: v1.skill.Manifest.SkillManifestEnvelope, etag: string, uri: string, timeoutMs?: number): Promise<Applied> {
  // What a lagging status would still report once our update is accepted.
  const before = await readManifestUpdateStatus(deps.smapi, skillId);
  const ours: OurManifestUpdate = { replacedETag: etag, before };
  try {
    await deps.smapi.callUpdateSkillManifestV1(skillId, "development", desired, etag);
  } catch (error) {
    const status = statusCodeOf(error);
    if (status === 412 || status === 409) return settle(deps, skillId, uri, status, ours, timeoutMs);
    const refused = violationMessages(error);
    if (status === 400 && refused.some((m) => MISSING_TRIGGER.test(m))) throw missingTrigger(deps, uri, refused);
    throw explainSmapiError(error, { action: "updating the development manifest", skillId });
  }
  const update = await afterAccepted(uri, () => waitForManifestApplied(deps, skillId, { timeoutMs, ours }));
  if (update.status === "FAILED") throw updateFailed(deps, uri, update.errors);
  const now = await afterAccepted(uri, () => readApplied(deps, skillId, ours, timeoutMs));
  if (!allAt(now.manifest, uri)) {
    throw new ConcurrentChange(
      `The development manifest was updated to ${uri}, but it no longer points there: somebody else changed it right after. ` +
        "It was not overwritten; check what changed (npm run status) and run the command again.",
    );
  }
  return { development: now.manifest, warnings: update.warnings };
}

/**
 * Once SMAPI has accepted the update, a failure to read its outcome must not
 * read as "nothing changed": say where development now points, and that a
 * re-run continues (it finds the endpoint already there).
 */
async function afterAccepted<T>(uri: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof PipelineError) || error instanceof ConcurrentChange) throw error;
    const message =
      `SMAPI accepted the development manifest update, so the development endpoint now points at ${uri} (or will once Amazon has applied it), ` +
      `but then: ${error.message} Run the command again: it continues from there.`;
    throw rephrased(error, message);
  }
}

/** After a 412 or 409: our own earlier attempt may have landed, or somebody else's update did. */
async function settle(deps: EndpointDeps, skillId: string, uri: string, status: number, ours: OurManifestUpdate, timeoutMs?: number): Promise<Applied> {
  // A 412 says the manifest changed since it was read; a 409 only that an update of it was under way, which may fail and leave it as read.
  const now = await readApplied(deps, skillId, ours, timeoutMs, status === 409);
  if (allAt(now.manifest, uri)) {
    deps.output.progress(`The development manifest already points at ${uri} (an earlier attempt of this update landed).`);
    return { development: now.manifest, warnings: now.update?.warnings ?? [] };
  }
  // The update we waited for failed and left the old endpoint: most likely our own, repeated by the HTTP layer.
  if (now.update?.status === "FAILED" && now.update.errors.some((e) => e.message.includes(uri))) throw updateFailed(deps, uri, now.update.errors);
  throw new ConcurrentChange(
    `The development manifest changed since it was read (${status === 412 ? "412 precondition failed: its ETag no longer matches" : "409: another update of it was in progress"}): ` +
      "somebody else updated it (another operator, deploy:model, or the developer console), and it was not overwritten. " +
      "Check what changed (npm run status), then run the command again to start from the new state.",
  );
}

// Reads of the manifest that may still return it as it was before our update (SMAPI is eventually consistent).
const STALE_MANIFEST_READS = 5;

/**
 * The development manifest after our update: a read that still carries the
 * ETag our update replaced is stale (a 412 or a SUCCEEDED status says the
 * manifest changed), so it is read again, a few times, before anything is
 * concluded from it: a stale read is never reported as somebody else's change.
 * With `mayBeUnchanged` (after a 409) nothing says the manifest changed: if
 * the update that was under way failed, the manifest is as read, its ETag
 * too, and that read is the answer, not a stale one.
 */
async function readApplied(
  deps: EndpointDeps,
  skillId: string,
  ours: OurManifestUpdate,
  timeoutMs?: number,
  mayBeUnchanged = false,
): Promise<{ manifest: StageManifest; update?: ManifestUpdateStatus }> {
  let delay = 500;
  for (let read = 1; ; read++) {
    const now = await readSettledDevelopmentManifest(deps, skillId, timeoutMs, ours);
    if (!sameETag(now.manifest.etag, ours.replacedETag)) return now;
    if (mayBeUnchanged) {
      // Without a 303 the read did not wait for that update: its outcome is the status's (a lagging one is waited out as in the 303 case).
      const update = now.update ?? (await waitForManifestApplied(deps, skillId, { timeoutMs, ours }));
      if (update.status === "FAILED") return { ...now, update };
    }
    if (read >= STALE_MANIFEST_READS) {
      throw new OperationFailed(
        `Amazon reported the development manifest as updated, but ${read} reads in a row still returned it as it was before (ETag ${ours.replacedETag}). ` +
          "It may show up later: check with npm run status, then run the command again.",
      );
    }
    deps.output.progress(`the development manifest still reads as before the update (a stale read); reading it again in ${delay / 1000} s`);
    await deps.clock.sleep(delay);
    delay *= 2;
  }
}

function allAt(manifest: StageManifest, uri: string): boolean {
  const endpoints = manifestEndpoints(manifest.manifest);
  return endpoints.length > 0 && endpoints.every((e) => e.uri === uri);
}

function updateFailed(deps: EndpointDeps, uri: string, errors: SmapiProblem[]): OperationFailed {
  const messages = errors.map((e) => e.message);
  if (messages.some((m) => MISSING_TRIGGER.test(m))) return missingTrigger(deps, uri, messages);
  return new OperationFailed(
    `Amazon did not apply the development manifest pointing at ${uri}: ${messages.length > 0 ? messages.join("; ") : "the update failed without an error message"}. ` +
      "The development endpoint is unchanged.",
  );
}

/** Invariant 4: every endpoint a stage may point at carries the Alexa Skills Kit permission, which Terraform declares. */
function missingTrigger(deps: EndpointDeps, uri: string, messages: string[]): OperationFailed {
  return new OperationFailed(
    `Amazon refused the development endpoint ${uri}: ${messages.join("; ")}. ` +
      `The Lambda qualifier lacks the Alexa Skills Kit invoke permission for skill ${deps.config.skill.id}, which every endpoint must carry. ` +
      "Run `npx cdktf deploy` (it declares the permissions for the function, blue and green), then run the command again. The development endpoint is unchanged.",
  );
}

function violationMessages(error: unknown): string[] {
  const body = (error as { response?: { message?: unknown; violations?: Array<{ message?: unknown }> } }).response;
  return [body?.message, ...(body?.violations ?? []).map((v) => v.message)].filter((m): m is string => typeof m === "string");
}

/** Reads the development manifest with its ETag, explained on failure; for callers that start without an ObservedState. */
export async function readDevelopmentManifest(deps: Pick<ReleaseDeps, "smapi" | "config">): Promise<StageManifest> {
  const skillId = deps.config.skill.id;
  return smapiCall({ action: "reading the development manifest", skillId }, () => readStageManifest(deps.smapi, skillId, "development"));
}
