import { OperationFailed } from "../../errors";
import { requireAnswerable, type Confirm } from "../confirm";
import type { ReleaseDeps } from "../deps";
import { promotionRecord, type AliasView, type Colour } from "../model";
import { readReleaseState } from "../read-state";
import { findLiveAlias, moveAlias } from "../steps/alias";
import { checkAfterMove, describeLiveAlias, inStep, publishForLive } from "./shared";
import { refuseDuringCanary } from "../canary/record";
import { checkAlexaPermission } from "../steps/permission";
import { waitForLatest } from "../../lambda/latest";
import { readVersion, type PublishedVersion } from "../../lambda/publish";

/**
 * npm run promote: the production update without re-certification, for new
 * code or a new function configuration (runtime, memory, timeout,
 * environment, role). `$LATEST` is published first, and the version decides:
 * Lambda gives back the last version when neither code nor configuration
 * changed since, and publishes a new one when either did (as Terraform's
 * `publish = true` does on a configuration change). When that version is not
 * the live alias's, it must answer a LaunchRequest, then the live alias moves
 * to it (remembering the version it leaves, for rollback) and must answer
 * too, or is moved back. The live alias must carry its Alexa permission
 * before anything is done. Everything is read fresh, so a run after a crash
 * at any step picks up where the last one stopped.
 */

export interface PromoteResult {
  outcome: "promoted" | "nothing-to-promote" | "dry-run";
  /** The live alias, and its colour (none for a legacy production-N alias). */
  alias: string;
  colour?: Colour;
  fromVersion: string;
  toVersion: string;
  /** How the version came about: newly published, given back unchanged, or only planned. */
  published?: PublishedVersion["outcome"];
  /** The live alias's description after the move: the promotion record. */
  description?: string;
  /** Under --dry-run: the calls a real run would make. */
  plannedCalls?: string[];
}

export type PromoteDeps = ReleaseDeps & { confirm: Confirm };

export async function promote(options: { yes?: boolean }, deps: PromoteDeps): Promise<PromoteResult> {
  const { output } = deps;
  const step = <T>(what: string, run: () => Promise<T>) => inStep("promote", what, run);
  const state = await step("reading the release state", () => readReleaseState(deps));
  const functionName = state.names.functionName;
  const live = await step("finding the live alias", () => findLiveAlias(deps, state, "promote"));
  const from: AliasView = live.alias;
  refuseDuringCanary(from, "promote");
  const base = { alias: from.name, ...(live.colour ? { colour: live.colour } : {}), fromVersion: from.version };
  output.info(`Live uses ${describeLiveAlias(live)}, on version ${from.version}.`);
  // A live alias Alexa may not invoke means the live skill is down: that is for cdktf deploy to fix, not for a code change to hide.
  await step(`checking the Alexa permission of ${from.name}`, () =>
    checkAlexaPermission(deps, { qualifier: from.name, why: `The live skill cannot be invoked through ${from.name}, so promote moves nothing until the permission is back.` }),
  );

  // Publishing comes before the question (which names the version): a question nobody can answer stops us first.
  if (!deps.dryRun && !options.yes) requireAnswerable(deps.confirm, `Moving the live alias ${from.name}`);
  const latest = await step("waiting for $LATEST", () => waitForLatest(deps, { functionName, current: state.latest }));
  const version = await publishForLive(deps, { command: "promote", names: state.names, latest, from, refusal: "Not promoted" });
  if (!version) return { ...base, outcome: "nothing-to-promote", toVersion: from.version };

  if (!deps.dryRun && !options.yes) {
    const what = `version ${version.version} ("${version.description}", code ${version.codeSha256}${version.codeSha256 === (await codeOf(deps, functionName, from.version)) ? ", the same code: a configuration change" : ""})`;
    const question = `Move the live alias ${from.name} of ${functionName} from version ${from.version} to ${what}? Live users get it at once.`;
    if (!(await deps.confirm(question))) {
      throw new OperationFailed(`Not promoted: not confirmed. The live alias ${from.name} stays on version ${from.version}; version ${version.version} stays published and unused (the next promote gives it back).`);
    }
  }

  const description = promotionRecord(from.version, new Date(deps.clock.now()));
  const revisionId = await step(`moving alias ${from.name}`, () => moveAlias(deps, { alias: from, toVersion: version.version, description }));
  await checkAfterMove(deps, {
    command: "promote",
    before: from,
    after: { name: from.name, version: version.version, revisionId: revisionId ?? "", description },
  });

  if (deps.dryRun) {
    output.info(
      `Dry run: nothing was changed. A real run would make the ${deps.dryRun.calls.length} call(s) listed above ` +
        `(none after the publish if Lambda gives back version ${from.version}: then there is nothing to promote).`,
    );
    return { ...base, outcome: "dry-run", toVersion: version.version, published: version.outcome, description, plannedCalls: [...deps.dryRun.calls] };
  }
  output.info(`Promoted: live alias ${from.name} is now on version ${version.version} ("${version.description}"), was ${from.version}. npm run rollback moves it back.`);
  return { ...base, outcome: "promoted", toVersion: version.version, published: version.outcome, description };
}

/** The code hash of a published version, to tell a person whether a promotion changes code or only configuration. */
async function codeOf(deps: PromoteDeps, functionName: string, version: string): Promise<string> {
  return (await readVersion(deps, { functionName, version })).codeSha256;
}
