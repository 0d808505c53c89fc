import type { v1 } from "ask-smapi-model";
import { InvariantRefusal, OperationFailed } from "../../errors";
import { smapiCall } from "../../smapi/errors";
import type { Confirm } from "../confirm";
import { type ReleaseDeps } from "../deps";
import { mutate } from "../../dry-run";
import { describeTarget, liveColour, stageTarget, type AliasView, type Colour } from "../model";
import { readReleaseState, type ObservedState } from "../read-state";
import { readStageManifest } from "../../smapi/manifest";
import { smokeTest, SmokeTestFailed } from "../../lambda/smoke-test";
import { waitForSmapiStatus } from "../steps/wait-smapi";
import { inStep } from "./shared";

/**
 * `npm run rollback -- --release`: the live skill goes back to the version
 * that was live before the last publication, through SMAPI's skill rollback.
 * That version's manifest points at the previous colour, so live users reach
 * that alias again: which is only right if the alias still holds the code it
 * held then. No alias is moved here.
 *
 * How "the previous colour's alias has moved since" is known. SMAPI's version
 * list gives no manifest, so neither the previous version's endpoint nor the
 * version its alias pointed at can be read, and Lambda keeps no history of an
 * alias. The rules below use what can be read; each one is what a move by
 * this pipeline leaves behind:
 *   - The previous colour is the other colour than live's: releases alternate.
 *   - A skill version newer than the live one (in review, failed, withdrawn,
 *     or certified and waiting for publication) means a later release, whose
 *     candidate was the previous colour: flip moved it.
 *   - Development pointing at the previous colour means a flip moved it.
 *   - The previous colour's alias on a version not older than the live
 *     alias's means a flip moved it: flip publishes the newest code, and the
 *     live alias's version only grows (promote publishes newer code too).
 * Limitations: a flip abandoned (flip --to latest) and then followed by a
 * promote leaves no trace and is not detected; a promote of the previous
 * colour while the live release was in review is refused although it would
 * be safe. If the previous live version was on a legacy production-N alias
 * (the first blue/green release), the check is made on the other colour and
 * the result then says where live really went.
 */

export interface RollbackReleaseOptions {
  /** How long to wait for Amazon's rollback; default 30 minutes. */
  timeoutMs?: number;
}

export type RollbackReleaseDeps = ReleaseDeps & { confirm: Confirm };

export interface RollbackReleaseReport {
  outcome: "rolled-back" | "already-rolled-back" | "planned" | "not-confirmed";
  skillId: string;
  /** The skill version that was live. */
  from?: { skillVersion: string; colour: Colour };
  /** The skill version live goes back to, and the alias it uses. */
  to?: { skillVersion: string; colour: Colour; alias: string; aliasVersion: string };
  rollbackId?: string;
  /** Where live points at the end. */
  live: string;
  plannedCalls?: string[];
  next: string;
}

export const ROLLBACK_RELEASE_HELP = `Usage: npm run rollback -- --release [--dry-run] [--json] [--yes]

Rolls the live skill back to the version that was live before the last
publication, through Amazon's skill rollback (SMAPI), so live users reach the
previous colour's alias again. No alias is moved. Amazon allows a rollback to
the previous certified version only.

Refuses (exit 3) when the previous colour's alias has moved since that version
was live, because live users would then reach new, uncertified code: when a
later release was submitted (its candidate was that colour), when development
points at it, or when its version is not older than the live alias's (a flip
moved it) or is $LATEST. It also refuses when SMAPI's list of the skill's
versions does not end within 20 pages. Before the rollback the previous
colour's alias must answer a LaunchRequest (smoke test). Waits for Amazon's
rollback, then reports where live points.

For a code-only rollback of the live alias (undoing a promote), use
npm run rollback without --release.

Options:
  --release   roll back the live skill version (this command)
  --dry-run   list the calls that would change anything, and change nothing
  --json      machine-readable result on stdout
  --yes       do not ask for confirmation (required when not on a terminal)
  --help      this text

Exit codes: 0 done or nothing to do; 1 the rollback failed; 2 bad usage or
configuration; 3 refused; 4 a concurrent change.`;

// Amazon's rollbacks take minutes.
export const ROLLBACK_TIMEOUT_MS = 30 * 60_000;
const MAX_PAGES = 20;

export async function rollbackRelease(options: RollbackReleaseOptions, deps: RollbackReleaseDeps): Promise<RollbackReleaseReport> {
  const skillId = deps.config.skill.id;
  const step = <T>(what: string, run: () => Promise<T>) => inStep("rollback -- --release", what, run);
  const state = await step("reading the release state", () => readReleaseState(deps));
  const versions = await step("listing the skill's versions", () => listSkillVersions(deps));
  const live = versions.find((v) => statusOf(v) === "LIVE");
  const liveNumber = Number(live?.version);
  const liveColourNow = liveColour(state);
  if (!state.live || !live) throw refuse("the skill has never been published, so there is nothing to roll back to.");
  if (!liveColourNow) {
    throw refuse(
      `live points at ${describeTarget(state.live)}, not at the blue or green alias, so the alias of the previous version cannot be known or checked. ` +
        "Roll back in the developer console if you must.",
    );
  }
  const previousColour: Colour = liveColourNow === "blue" ? "green" : "blue";
  const base = { skillId, from: { skillVersion: String(live.version), colour: liveColourNow } };

  const newer = versions.filter((v) => Number(v.version) > liveNumber);
  if (newer.length > 0) {
    const certifiedStage = await smapiCall({ action: "reading the certified manifest", skillId }, () => readStageManifest(deps.smapi, skillId, "certified"));
    if (!certifiedStage && newer.every((v) => statusOf(v) === "CERTIFIED")) {
      const from = newer.map((v) => v.version).join(", ");
      deps.output.info(`Nothing to do: live is version ${live.version} on ${describeTarget(state.live)}, and the newer certified version ${from} is not live: it was already rolled back (or its publication is still under way).`);
      return { skillId, outcome: "already-rolled-back", live: describeTarget(state.live), next: "npm run status" };
    }
    const later = newer.map((v) => `${v.version} (${statusOf(v) ?? "no status"}${v.submissions?.[0]?.submissionTime ? `, submitted ${v.submissions[0].submissionTime}` : ""})`).join(", ");
    throw refuse(
      `skill version ${later} was submitted after the live version ${live.version}; that release used the ${previousColour} alias as its candidate, ` +
        `so ${previousColour} no longer holds the code that was live before. Rolling back would send live users to code that was never certified there.`,
    );
  }
  if (state.development.kind === "colour" && state.development.colour === previousColour) {
    throw refuse(`development points at the ${previousColour} alias: a flip has moved it for the next release, so it no longer holds the code that was live before.`);
  }
  const previous = state.aliases[previousColour];
  const current = state.aliases[liveColourNow];
  if (!previous || !current) throw refuse(`the ${previous ? liveColourNow : previousColour} alias does not exist on ${state.names.functionName}; run npx cdktf deploy.`);
  // Written as "not older" so that an alias on $LATEST (which aliases may point at; it is no number) is refused too: its code changes with every push.
  if (!(Number(previous.version) < Number(current.version))) {
    throw refuse(
      `the ${previousColour} alias points at version ${previous.version}, not older than the live ${liveColourNow} alias's version ${current.version}: ` +
        `a flip has moved ${previousColour} to newer code since it was live, so rolling back would send live users to code that was never certified there.`,
    );
  }
  const target = versions
    .filter((v) => statusOf(v) === "CERTIFIED" && Number(v.version) < liveNumber)
    .sort((a, b) => Number(b.version) - Number(a.version))[0];
  if (!target?.version) throw refuse(`Amazon lists no certified version before the live version ${live.version} to roll back to.`);
  const to = { skillVersion: target.version, colour: previousColour, alias: previous.name, aliasVersion: previous.version };

  await step(`checking alias ${previous.name}`, () => smokeTestPrevious(deps, previous));
  const question = `Roll the live skill back from version ${live.version} (${liveColourNow}) to version ${target.version} (${previousColour}: alias ${previous.name} → ${state.names.functionName} version ${previous.version})?`;
  if (!deps.dryRun && !(await deps.confirm(question))) {
    deps.output.info("Not rolled back: not confirmed.");
    return { ...base, to, outcome: "not-confirmed", live: describeTarget(state.live), next: "Run the command again when ready." };
  }
  const rollbackId = await mutate(deps, `roll the live skill back to version ${target.version} (SMAPI skill rollback) and wait for it`, () =>
    rollBack(deps, target.version as string, options.timeoutMs),
  );
  if (rollbackId === undefined) {
    return { ...base, to, outcome: "planned", live: describeTarget(state.live), plannedCalls: [...(deps.dryRun?.calls ?? [])], next: "Run without --dry-run to roll back." };
  }
  const now = await step("reading the live stage after the rollback", () => readLive(deps, state));
  if (now === undefined || now.kind !== "colour" || now.colour !== previousColour) {
    deps.output.warn(`Amazon rolled back to version ${target.version}, and live now points at ${now ? describeTarget(now) : "nothing"}, not at ${previousColour}.`);
  } else {
    deps.output.info(`Live skill rolled back to version ${target.version}: live points at ${previousColour} again (alias ${previous.name} → version ${previous.version}).`);
  }
  return {
    ...base,
    to,
    outcome: "rolled-back",
    rollbackId,
    live: now ? describeTarget(now) : "nothing",
    next: `${liveColourNow} now holds the release that was rolled back: the next flip uses it as the candidate. Fix, then npm run flip and npm run submit.`,
  };
}

function refuse(reason: string): InvariantRefusal {
  return new InvariantRefusal(`Refusing to roll back the release: ${reason}`);
}

function statusOf(version: v1.skill.SkillVersion): v1.skill.VersionSubmissionStatus | undefined {
  return version.submissions?.[0]?.status;
}

async function listSkillVersions(deps: RollbackReleaseDeps): Promise<v1.skill.SkillVersion[]> {
  const skillId = deps.config.skill.id;
  const all: v1.skill.SkillVersion[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const list = await smapiCall({ action: "listing the skill's versions", skillId }, () => deps.smapi.listVersionsForSkillV1(skillId, nextToken));
    all.push(...(list.skillVersions ?? []));
    if (!list.isTruncated || !list.nextToken) return all;
    nextToken = list.nextToken;
  }
  // Amazon does not document the list's order: the versions not read could be the later releases that make a rollback unsafe.
  throw refuse(`SMAPI lists more than ${MAX_PAGES} pages of the skill's versions, so the later releases cannot all be seen. Roll back in the developer console if you must.`);
}

/** Invariant 5: before live moves to the previous colour, its alias answers a LaunchRequest. */
async function smokeTestPrevious(deps: RollbackReleaseDeps, alias: AliasView): Promise<void> {
  try {
    await smokeTest(deps, { qualifier: alias.name, expectVersion: alias.version });
  } catch (error) {
    if (!(error instanceof SmokeTestFailed)) throw error;
    throw refuse(`${error.message} Live users must not be sent there.`);
  }
}

async function rollBack(deps: RollbackReleaseDeps, targetVersion: string, timeoutMs = ROLLBACK_TIMEOUT_MS): Promise<string> {
  const skillId = deps.config.skill.id;
  const created = await smapiCall({ action: `starting the rollback to version ${targetVersion}`, skillId }, () => deps.smapi.rollbackSkillV1(skillId, { targetVersion }));
  const id = created.rollbackRequestId;
  if (!id) throw new OperationFailed("SMAPI accepted the rollback without giving its id; check the developer console.");
  const done = await waitForSmapiStatus(deps, {
    what: `the rollback to version ${targetVersion}`,
    action: "reading the rollback's status",
    skillId,
    read: () => deps.smapi.getRollbackForSkillV1(skillId, id),
    timeoutMs,
  });
  const errors = (done?.errors ?? []).map((e) => e.message).join("; ");
  if (done?.status === "INELIGIBLE") throw refuse(`Amazon found version ${targetVersion} ineligible${errors ? `: ${errors}` : ""}.`);
  if (done?.status !== "SUCCEEDED") throw new OperationFailed(`Amazon's rollback to version ${targetVersion} ended ${done?.status ?? "without a status"}${errors ? `: ${errors}` : ""}. Live is unchanged.`);
  return id;
}

async function readLive(deps: RollbackReleaseDeps, state: ObservedState) {
  const skillId = deps.config.skill.id;
  const live = await smapiCall({ action: "reading the live manifest", skillId }, () => readStageManifest(deps.smapi, skillId, "live"));
  return live ? stageTarget(live.manifest, state.names) : undefined;
}
