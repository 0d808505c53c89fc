import { OperationFailed } from "../../errors";
import type { Confirm } from "../confirm";
import type { ReleaseDeps } from "../deps";
import { previousVersionOf, promotionRecord, type AliasView, type Colour } from "../model";
import { readReleaseState } from "../read-state";
import { findLiveAlias, moveAlias } from "../steps/alias";
import { checkAfterMove, describeLiveAlias, inStep } from "./shared";
import { refuseDuringCanary } from "../canary/record";
import { waitForLatest } from "../../lambda/latest";
import { publishLatest, readVersion, type PublishedVersion } from "../../lambda/publish";
import { SmokeTestFailed, smokeTest } from "../../lambda/smoke-test";

/**
 * npm run promote: the code-only production update. `$LATEST` becomes a
 * version, the version answers a LaunchRequest, and the live alias moves to
 * it (remembering the version it leaves, for rollback), then answers too,
 * or is moved back. Everything is read fresh, so a run after a crash at any
 * step picks up where the last one stopped: an unchanged `$LATEST` publishes
 * as the same version, and an alias already there is "nothing to promote".
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

  const latest = await step("waiting for $LATEST", () => waitForLatest(deps, { functionName, current: state.latest }));
  const current = await step(`reading version ${from.version}`, () => readVersion(deps, { functionName, version: from.version }));
  if (current.codeSha256 === latest.codeSha256) {
    output.info(`Nothing to promote: alias ${from.name} is on version ${from.version}, which already has $LATEST's code (${latest.codeSha256}).`);
    // A run that stopped between its move and its check left this alias unchecked: check it now (Invoke changes nothing).
    await step(`checking alias ${from.name}`, () => smokeTest(deps, { qualifier: from.name, expectVersion: from.version })).catch((error: unknown) => {
      if (!(error instanceof SmokeTestFailed)) throw error;
      const previous = previousVersionOf(from.description);
      throw new OperationFailed(`${error.message} ${previous ? `npm run rollback moves the live alias back to version ${previous}.` : "Fix the code and deploy it, then promote again."}`);
    });
    return { ...base, outcome: "nothing-to-promote", toVersion: from.version };
  }

  if (!deps.dryRun && !options.yes) {
    const question = `Publish ${functionName}'s $LATEST (code ${latest.codeSha256}, updated ${latest.lastModified}) and move the live alias ${from.name} from version ${from.version} to it? Live users get the new code at once.`;
    if (!(await deps.confirm(question))) throw new OperationFailed("Not promoted: not confirmed. Nothing was changed.");
  }

  const version = await step("publishing $LATEST", () => publishLatest(deps, { names: state.names, latest }));
  await step(`checking version ${version.version}`, () => smokeTest(deps, { qualifier: version.version })).catch((error: unknown) => {
    if (!(error instanceof OperationFailed)) throw error;
    throw new OperationFailed(`Not promoted: ${error.message} The live alias ${from.name} stays on version ${from.version}.`);
  });

  const description = promotionRecord(from.version, new Date(deps.clock.now()));
  const revisionId = await step(`moving alias ${from.name}`, () => moveAlias(deps, { alias: from, toVersion: version.version, description }));
  await checkAfterMove(deps, {
    command: "promote",
    before: from,
    after: { name: from.name, version: version.version, revisionId: revisionId ?? "", description },
  });

  if (deps.dryRun) {
    output.info(`Dry run: nothing was changed. A real run would make the ${deps.dryRun.calls.length} call(s) listed above.`);
    return { ...base, outcome: "dry-run", toVersion: version.version, published: version.outcome, description, plannedCalls: [...deps.dryRun.calls] };
  }
  output.info(`Promoted: live alias ${from.name} is now on version ${version.version} ("${version.description}"), was ${from.version}. npm run rollback moves it back.`);
  return { ...base, outcome: "promoted", toVersion: version.version, published: version.outcome, description };
}
