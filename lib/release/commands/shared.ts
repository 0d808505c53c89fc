import { ConcurrentChange, OperationFailed, PipelineError, UsageError } from "../../errors";
import { noteStep, translateError } from "../../failures/translate";
import { publishLatest, type PublishedVersion } from "../../lambda/publish";
import type { LatestCode } from "../../lambda/latest";
import { SmokeTestFailed, smokeTest } from "../../lambda/smoke-test";
import type { ReleaseDeps } from "../deps";
import { previousVersionOf, type AliasView, type ReleaseNames } from "../model";
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

/**
 * What promote and promote --canary do alike before the live alias moves:
 * publish `$LATEST` and decide by the version Lambda gives back (the last
 * one when neither code nor configuration changed: then there is nothing to
 * promote, and the live alias itself is checked, since a run that stopped
 * between its move and its check left it unchecked); otherwise the new
 * version must pass its smoke test. Returns that version, or undefined when
 * there is nothing to promote.
 */
export async function publishForLive(
  deps: ReleaseDeps,
  options: { command: string; names: ReleaseNames; latest: LatestCode; from: AliasView; refusal: string },
): Promise<PublishedVersion | undefined> {
  const { from } = options;
  const step = <T>(what: string, run: () => Promise<T>) => inStep(options.command, what, run);
  const version = await step("publishing $LATEST", () => publishLatest(deps, { names: options.names, latest: options.latest }));
  if (version.version === from.version) {
    deps.output.info(`Nothing to promote: Lambda gave back version ${version.version} for $LATEST (neither its code nor its configuration changed since), and alias ${from.name} is on it.`);
    await step(`checking alias ${from.name}`, () => smokeTest(deps, { qualifier: from.name, expectVersion: from.version })).catch((error: unknown) => {
      if (!(error instanceof SmokeTestFailed)) throw error;
      const previous = previousVersionOf(from.description);
      throw new OperationFailed(`${error.message} ${previous ? `npm run rollback moves the live alias back to version ${previous}.` : "Fix the code and deploy it, then promote again."}`);
    });
    return undefined;
  }
  await step(`checking version ${version.version}`, () => smokeTest(deps, { qualifier: version.version })).catch((error: unknown) => {
    if (!(error instanceof OperationFailed)) throw error;
    throw new OperationFailed(`${options.refusal}: ${error.message} The live alias ${from.name} stays on version ${from.version}.`);
  });
  return version;
}
