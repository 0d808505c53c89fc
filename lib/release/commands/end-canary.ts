import { OperationFailed } from "../../errors";
import { smokeTest } from "../../lambda/smoke-test";
import type { CanaryRecord } from "../canary/record";
import type { ReleaseDeps } from "../deps";
import { promotionRecord, rollbackRecord, type AliasView } from "../model";
import { moveAlias } from "../steps/alias";
import { checkAfterMove, inStep } from "./shared";

/**
 * Ending a canary, the one step that promote --canary, promote --complete
 * and rollback share (a command helper like shared.ts, not a command).
 * Either way the alias's routing is cleared with its RevisionId as the
 * condition, and its description becomes an ordinary record: a completed
 * canary is a promote (previous-version=, so rollback can undo it), a
 * rolled-back one a rollback (so a second rollback finds nothing to undo).
 */
export async function endCanary(
  deps: ReleaseDeps,
  options: { command: string; alias: AliasView; record: CanaryRecord; outcome: "complete" | "roll-back"; note: string },
): Promise<{ toVersion: string; description: string; revisionId: string | undefined }> {
  const { alias, record, command } = options;
  const step = <T>(what: string, run: () => Promise<T>) => inStep(command, what, run);
  const at = new Date(deps.clock.now());
  const note = `canary: ${options.note}`;

  if (options.outcome === "roll-back") {
    // No check first: the stable version already serves the rest of the traffic, and moving traffic off the canary only reduces harm.
    const description = rollbackRecord(record.stableVersion, record.version, at, note);
    const revisionId = await step(`moving alias ${alias.name} back`, () => moveAlias(deps, { alias, toVersion: record.stableVersion, description }));
    await smokeTest(deps, { qualifier: alias.name, expectVersion: record.stableVersion, planned: deps.dryRun !== undefined }).catch((error: unknown) => {
      // Moving back to the canary would be worse: say so, and leave it.
      deps.output.warn(`Alias ${alias.name} is back on version ${record.stableVersion}, but it failed its check: ${error instanceof Error ? error.message : String(error)}`);
    });
    return { toVersion: record.stableVersion, description, revisionId };
  }

  // Invariant 5: the version answers a LaunchRequest before all of live moves to it.
  await step(`checking version ${record.version}`, () => smokeTest(deps, { qualifier: record.version })).catch((error: unknown) => {
    if (!(error instanceof OperationFailed)) throw error;
    throw new OperationFailed(`Canary not completed: ${error.message} Alias ${alias.name} keeps its canary; npm run rollback undoes it.`);
  });
  const description = promotionRecord(record.stableVersion, at, note);
  const revisionId = await step(`moving alias ${alias.name}`, () => moveAlias(deps, { alias, toVersion: record.version, description }));
  await checkAfterMove(deps, { command, before: alias, after: { name: alias.name, version: record.version, revisionId: revisionId ?? "", description } });
  return { toVersion: record.version, description, revisionId };
}
