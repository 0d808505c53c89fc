import { OperationFailed, InvariantRefusal } from "../../errors";
import type { Confirm } from "../confirm";
import type { ReleaseDeps } from "../deps";
import { previousVersionOf, rollbackRecord, rolledBackTo, type AliasView, type Colour } from "../model";
import { readReleaseState } from "../read-state";
import { findLiveAlias, moveAlias } from "../steps/alias";
import { smokeTest } from "../../lambda/smoke-test";
import { checkAfterMove, describeLiveAlias, inStep } from "./shared";
import { canaryOf, describeCanary } from "../canary/record";
import { endCanary } from "./end-canary";

/**
 * npm run rollback (without --release): undo the last promote by moving the
 * live alias back to the version recorded in its description. The new
 * description says it was rolled back, and carries no promotion record, so
 * a second rollback finds nothing to undo instead of swapping back again.
 */

export const ROLLBACK_HELP = `Usage: npm run rollback -- [options]

Moves the live alias (the alias the live skill's endpoint points at: blue,
green or a legacy production-N) back to the version it was on before the last
npm run promote, as recorded in the alias's description. A canary in progress
(npm run promote -- --canary) is ended instead: all traffic back to the
stable version. That version must
answer a LaunchRequest first; after the move the alias must answer too, or it
is moved back. The alias's description then records the rollback, so running
this again changes nothing. The move carries the alias's RevisionId: if
somebody else changed the alias meanwhile, nothing is overwritten (exit 4).

Options:
  --release    instead roll the live skill back to its previous certified
               version through SMAPI's skill rollback (see npm run status)
  -y, --yes    do not ask for confirmation (needed when not on a terminal)
  --dry-run    only read and check: list the calls a real run would make
  --json       print the result as JSON on standard output (messages go to standard error)
  -h, --help   show this help

Environment: PIPELINE_ENV, SKILL_ID, LAMBDA_FUNCTION_NAME, AWS_REGION, AWS credentials,
ASK_LWA_CLIENT_ID / ASK_LWA_CLIENT_SECRET / ASK_REFRESH_TOKEN (or ASK_ACCESS_TOKEN).

Exit status: 0 rolled back, or already rolled back; 1 a step or a check failed
(the alias is where it was); 2 bad usage, or confirmation needed; 3 refused
(nothing recorded to roll back to, or live is not on an alias); 4 conflict
with a concurrent change.
`;

export interface RollbackResult {
  outcome: "rolled-back" | "already-rolled-back" | "dry-run";
  alias: string;
  colour?: Colour;
  fromVersion: string;
  toVersion: string;
  /** The live alias's description after the move. */
  description?: string;
  plannedCalls?: string[];
}

export async function rollback(options: { yes?: boolean }, deps: ReleaseDeps & { confirm: Confirm }): Promise<RollbackResult> {
  const { output } = deps;
  const step = <T>(what: string, run: () => Promise<T>) => inStep("rollback", what, run);
  const state = await step("reading the release state", () => readReleaseState(deps));
  const live = await step("finding the live alias", () => findLiveAlias(deps, state, "roll back"));
  const from: AliasView = live.alias;
  const base = { alias: from.name, ...(live.colour ? { colour: live.colour } : {}), fromVersion: from.version };

  output.info(`Live uses ${describeLiveAlias(live)}, on version ${from.version}.`);

  // A canary in progress is undone by clearing its routing: live goes back to the stable version alone.
  const canary = canaryOf(from);
  if (canary) {
    output.info(`Ending ${describeCanary(from, canary)}.`);
    if (!deps.dryRun && !options.yes) {
      const question = `End the canary on the live alias ${from.name}: all traffic back to version ${canary.stableVersion}, none to version ${canary.version}?`;
      if (!(await deps.confirm(question))) throw new OperationFailed("Not rolled back: not confirmed. Nothing was changed.");
    }
    const ended = await endCanary(deps, { command: "rollback", alias: from, record: canary, outcome: "roll-back", note: "rolled back by hand" });
    if (deps.dryRun) {
      output.info(`Dry run: nothing was changed. A real run would make the ${deps.dryRun.calls.length} call(s) listed above.`);
      return { ...base, outcome: "dry-run", toVersion: ended.toVersion, description: ended.description, plannedCalls: [...deps.dryRun.calls] };
    }
    output.info(`Rolled back the canary: live alias ${from.name} is on version ${canary.stableVersion} alone again; version ${canary.version} gets no traffic.`);
    return { ...base, outcome: "rolled-back", toVersion: ended.toVersion, description: ended.description };
  }

  const previous = previousVersionOf(from.description);
  if (previous === undefined) {
    const done = rolledBackTo(from.description);
    if (done === from.version) {
      output.info(`Already rolled back to version ${done}: alias ${from.name} is there, and its description records the rollback ("${from.description}"). Nothing to do.`);
      return { ...base, outcome: "already-rolled-back", toVersion: from.version };
    }
    throw new InvariantRefusal(
      `Refusing to roll back: the live alias ${from.name} (version ${from.version}) records no previous version in its description ` +
        `(${from.description ? `"${from.description}"` : "it is empty"}), so there is nothing to roll back to. ` +
        "Only a promote records one. To release older code, deploy it and run npm run promote; to roll back a release, npm run rollback -- --release.",
    );
  }
  if (previous === from.version) {
    output.info(`Already rolled back to version ${previous}: alias ${from.name} is on the version its description records as previous. Nothing to do.`);
    return { ...base, outcome: "already-rolled-back", toVersion: previous };
  }

  // The version exists, so it is checked for real even under --dry-run.
  await step(`checking version ${previous}`, () => smokeTest(deps, { qualifier: previous })).catch((error: unknown) => {
    if (!(error instanceof OperationFailed)) throw error;
    throw new OperationFailed(`Not rolled back: ${error.message} Alias ${from.name} stays on version ${from.version}.`);
  });

  if (!deps.dryRun && !options.yes) {
    const question = `Move the live alias ${from.name} of ${state.names.functionName} back from version ${from.version} to version ${previous}? Live users get the old code at once.`;
    if (!(await deps.confirm(question))) throw new OperationFailed("Not rolled back: not confirmed. Nothing was changed.");
  }

  const description = rollbackRecord(previous, from.version, new Date(deps.clock.now()));
  const revisionId = await step(`moving alias ${from.name}`, () => moveAlias(deps, { alias: from, toVersion: previous, description }));
  await checkAfterMove(deps, {
    command: "rollback",
    before: from,
    after: { name: from.name, version: previous, revisionId: revisionId ?? "", description },
  });

  if (deps.dryRun) {
    output.info(`Dry run: nothing was changed. A real run would make the ${deps.dryRun.calls.length} call(s) listed above.`);
    return { ...base, outcome: "dry-run", toVersion: previous, description, plannedCalls: [...deps.dryRun.calls] };
  }
  output.info(`Rolled back: live alias ${from.name} is on version ${previous} again (was ${from.version}).`);
  return { ...base, outcome: "rolled-back", toVersion: previous, description };
}
