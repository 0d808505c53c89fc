/**
 * SMAPI's updates are asynchronous: a manifest update or a model upload is
 * answered 202 and finishes later, as `getSkillStatusV1` reports. These
 * helpers read that status and wait on it, returning Amazon's own errors and
 * warnings instead of throwing them, so each command decides what a failure
 * means for it (and can still print its --json result).
 */
import type { v1 } from "ask-smapi-model";
import { systemClock, type Clock } from "../clock";
import type { Output } from "../output";
import { waitUntil } from "../wait";
import type { SmapiClient } from "./client";
import { smapiCall } from "./errors";

export type UpdateStatus = v1.skill.Status;

/** One of Amazon's `StandardizedError`s, without the machine-only validation details. */
export interface SmapiProblem {
  code?: string;
  message: string;
}

export interface ModelBuildStatus {
  locale: string;
  /** `undefined` while SMAPI reports nothing for the locale (a locale it has not seen yet). */
  status: UpdateStatus | undefined;
  errors: SmapiProblem[];
  warnings: SmapiProblem[];
  /** Version of the last model that built successfully. */
  version?: string;
}

export interface ManifestUpdateStatus {
  status: UpdateStatus | undefined;
  errors: SmapiProblem[];
  warnings: SmapiProblem[];
  /** ETag of the last manifest that was applied successfully. */
  eTag?: string;
}

export interface WaitResult<T> {
  /** False when the time limit ran out first; `value` is then the last status seen. */
  finished: boolean;
  elapsedMs: number;
  value: T;
}

export interface StatusWaitOptions {
  smapi: SmapiClient;
  skillId: string;
  timeoutMs: number;
  clock?: Clock;
  output?: Output;
  /** The first pause between polls; it grows by half each time up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

// Builds take tens of seconds to minutes; starting short keeps a quick build from waiting a whole backoff step.
const DEFAULT_INITIAL_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 10_000;

/** The build status of each given locale's interaction model, in the order given. */
export async function readModelBuildStatuses(smapi: SmapiClient, skillId: string, locales: readonly string[]): Promise<ModelBuildStatus[]> {
  const status = await smapiCall({ action: "reading the interaction model build status", skillId }, () => smapi.getSkillStatusV1(skillId, "interactionModel"));
  return locales.map((locale) => modelBuildStatus(locale, status.interactionModel?.[locale]));
}

export async function readManifestUpdateStatus(smapi: SmapiClient, skillId: string): Promise<ManifestUpdateStatus> {
  const status = await smapiCall({ action: "reading the manifest update status", skillId }, () => smapi.getSkillStatusV1(skillId, "manifest"));
  const request = status.manifest?.lastUpdateRequest;
  return {
    status: request?.status,
    errors: problems(request?.errors),
    warnings: problems(request?.warnings),
    ...(status.manifest?.eTag !== undefined && { eTag: status.manifest.eTag }),
  };
}

/**
 * Waits until the builds of all the given locales have finished (succeeded
 * or failed), polling them together with one status call, since one call
 * reports every locale. A locale SMAPI does not report yet counts as building.
 */
export async function waitForModelBuilds(options: StatusWaitOptions & { locales: readonly string[] }): Promise<WaitResult<ModelBuildStatus[]>> {
  const { locales } = options;
  return waitForStatus(options, `the interaction model build${locales.length === 1 ? "" : "s"} of ${locales.join(", ")}`, async () => {
    const builds = await readModelBuildStatuses(options.smapi, options.skillId, locales);
    return { done: builds.every((b) => isFinished(b.status)), status: describeBuilds(builds), value: builds };
  });
}

/**
 * The update a wait is for. SMAPI's status reports only the last update it
 * knows of, and it lags: right after an update is accepted it may still
 * report the one before (SUCCEEDED, or FAILED with its errors). The update's
 * 202 carries no ETag and its Location is the skill's status, not the
 * update's, so ours is recognised by the eTag: a successful update replaces
 * the ETag it was sent with (If-Match).
 */
export interface OurManifestUpdate {
  /** The ETag our update was sent with (If-Match): the manifest's before it. */
  replacedETag: string;
  /** The status read just before our update: a read that repeats it may be lagging. */
  before?: ManifestUpdateStatus;
  /**
   * How many reads may look like an earlier update's before one is taken for
   * ours (the status's eTag may be written differently from the manifest's
   * ETag header; Amazon documents neither); default LAGGING_STATUS_READS.
   */
  lagReads?: number;
}

/** Reads that may repeat an earlier update's status before a wait takes it for ours. */
export const LAGGING_STATUS_READS = 6;

/** ETags compared as opaque values: without quotes or a weak marker. */
export function sameETag(a: string | undefined, b: string | undefined): boolean {
  const bare = (t: string) => t.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
  return a !== undefined && b !== undefined && bare(a) === bare(b);
}

/**
 * Waits until the last manifest update has been applied or has failed; with
 * `ours`, until a status that is our update's (see OurManifestUpdate).
 */
export async function waitForManifestUpdate(options: StatusWaitOptions & { ours?: OurManifestUpdate }): Promise<WaitResult<ManifestUpdateStatus>> {
  const ours = options.ours;
  let lagging = 0;
  return waitForStatus(options, "the manifest update", async () => {
    const update = await readManifestUpdateStatus(options.smapi, options.skillId);
    const status = (update.status ?? "not reported yet").toLowerCase().replace("_", " ");
    if (!isFinished(update.status)) return { done: false, status, value: update };
    if (ours && looksEarlier(update, ours) && ++lagging <= (ours.lagReads ?? LAGGING_STATUS_READS)) {
      return { done: false, status: `${status}, an earlier update's (waiting for ours)`, value: update };
    }
    return { done: true, status, value: update };
  });
}

/** A finished status that may be an earlier update's: SUCCEEDED without a new eTag, or exactly the status read before ours. */
function looksEarlier(update: ManifestUpdateStatus, ours: OurManifestUpdate): boolean {
  if (update.status === "SUCCEEDED" && (update.eTag === undefined || sameETag(update.eTag, ours.replacedETag))) return true;
  const before = ours.before;
  return before !== undefined && before.status === update.status && before.eTag === update.eTag && JSON.stringify(before.errors) === JSON.stringify(update.errors);
}

function isFinished(status: UpdateStatus | undefined): boolean {
  return status === "SUCCEEDED" || status === "FAILED";
}

/** "building en-CA, en-GB; succeeded en-US", for the progress line. */
export function describeBuilds(builds: readonly ModelBuildStatus[]): string {
  const groups: [string, ModelBuildStatus[]][] = [
    ["building", builds.filter((b) => !isFinished(b.status))],
    ["succeeded", builds.filter((b) => b.status === "SUCCEEDED")],
    ["failed", builds.filter((b) => b.status === "FAILED")],
  ];
  return groups
    .filter(([, list]) => list.length > 0)
    .map(([label, list]) => `${label} ${list.map((b) => b.locale).join(", ")}`)
    .join("; ");
}

class TimeLimitReached<T> extends Error {
  constructor(readonly last: T) {
    super("time limit reached");
  }
}

async function waitForStatus<T>(options: StatusWaitOptions, what: string, poll: () => Promise<{ done: boolean; status: string; value: T }>): Promise<WaitResult<T>> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  try {
    const value = await waitUntil<T>({
      what,
      poll,
      timeoutMs: options.timeoutMs,
      clock,
      ...(options.output && { output: options.output }),
      initialDelayMs: options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS,
      maxDelayMs: options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
      // Every poll carries its value, done or not; the caller words the failure.
      onTimeout: (last) => new TimeLimitReached(last?.value),
    });
    return { finished: true, elapsedMs: clock.now() - started, value: value as T };
  } catch (error) {
    if (error instanceof TimeLimitReached) return { finished: false, elapsedMs: clock.now() - started, value: error.last as T };
    throw error;
  }
}

function modelBuildStatus(locale: string, entry: v1.skill.SkillInteractionModelStatus | undefined): ModelBuildStatus {
  const request = entry?.lastUpdateRequest;
  // Amazon puts a failed build's errors on the request, on its failed step, or on both.
  const stepErrors = (request?.buildDetails?.steps ?? []).flatMap((step) => step.errors ?? []);
  const errors = dedupe([...problems(request?.errors), ...problems(stepErrors)]);
  return {
    locale,
    status: request?.status,
    errors,
    warnings: problems(request?.warnings),
    ...(entry?.version !== undefined && { version: entry.version }),
  };
}

function problems(list: readonly v1.skill.StandardizedError[] | undefined): SmapiProblem[] {
  return (list ?? []).map((e) => ({ ...(e.code !== undefined && { code: e.code }), message: e.message }));
}

function dedupe(list: SmapiProblem[]): SmapiProblem[] {
  const seen = new Set<string>();
  return list.filter((p) => {
    const key = `${p.code ?? ""}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
