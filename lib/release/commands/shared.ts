import { ConcurrentChange, OperationFailed, PipelineError, UsageError } from "../../errors";
import { noteStep, translateError } from "../../errors/translate";
import { smokeTest } from "../../lambda/smoke-test";
import type { ReleaseDeps } from "../deps";
import type { AliasView } from "../model";
import { moveAlias, type LiveAlias } from "../steps/alias";

/** What more than one release command does the same way. */

/**
 * Runs one step of a command. An AWS, SMAPI or network failure is
 * translated (lib/errors/translate.ts) and names the step, so a person knows
 * how far the run got; a configuration or credential problem is left for the
 * entry point, which has the environment to say what to fix. Typed errors
 * pass through; anything else is a bug and keeps its stack.
 */
export async function inStep<T>(command: string, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    noteStep(error, { command, what });
    const translated = translateError(error);
    if (translated === undefined || translated instanceof UsageError) throw error;
    throw translated;
  }
}

/** "the blue alias", "the green alias (green-prod)", "the legacy alias production-3". */
export function describeLiveAlias(live: LiveAlias): string {
  if (!live.colour) return `the legacy alias ${live.alias.name}`;
  return `the ${live.colour} alias${live.alias.name !== live.colour ? ` (${live.alias.name})` : ""}`;
}

/**
 * Invariant 5, after the move: the alias itself must answer. If it does
 * not (or cannot be checked), the alias goes back to where it was, with its
 * old description and routing, on the condition that nobody moved it meanwhile.
 * Under --dry-run the check is only listed.
 */
export async function checkAfterMove(
  deps: ReleaseDeps,
  options: { command: string; before: AliasView; after: AliasView },
): Promise<void> {
  const { before, after } = options;
  try {
    await smokeTest(deps, { qualifier: after.name, expectVersion: after.version, planned: deps.dryRun !== undefined });
    return;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    deps.output.warn(`Alias ${after.name} failed its check after the move (${why}); moving it back to version ${before.version}.`);
    try {
      await moveAlias(deps, { alias: after, toVersion: before.version, description: before.description, ...(before.weights ? { weights: before.weights } : {}) });
    } catch (undoError) {
      const undo = undoError instanceof Error ? undoError.message : String(undoError);
      const message = `Alias ${after.name} was moved to version ${after.version}, but then: ${why} Moving it back to version ${before.version} failed: ${undo}`;
      if (undoError instanceof ConcurrentChange) throw new ConcurrentChange(message);
      throw new OperationFailed(`${message} Move it back by hand (aws lambda update-alias) or run npm run ${options.command} again.`);
    }
    throw new OperationFailed(
      `Alias ${after.name} was moved to version ${after.version}, but then: ${why} It was moved back to version ${before.version}, so live is as it was.`,
    );
  }
}
