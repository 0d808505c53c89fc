import { randomBytes } from "node:crypto";
import { InvariantRefusal, OperationFailed } from "../../errors";
import type { Confirm } from "../confirm";
import type { ReleaseDeps } from "../deps";
import { aliasArn, describeTarget, refuseLiveColour, refuseWhileInReview, requireCandidate, type Colour } from "../model";
import { readAlias, readReleaseState, type ObservedState } from "../read-state";
import { readStageManifest } from "../../smapi/manifest";
import { refuseDuringCanary } from "../canary/record";
import { moveAlias } from "../steps/alias";
import { setDevelopmentEndpoint } from "../steps/manifest";
import { checkAlexaPermission } from "../steps/permission";
import { publishLatest, type PublishedVersion } from "../../lambda/publish";
import { confirmAlexaReaches } from "../steps/simulate";
import { smokeTest } from "../../lambda/smoke-test";
import { checkAfterMove, inStep } from "./shared";

/**
 * npm run flip: the blue/green endpoint swap. $LATEST becomes a version, the
 * candidate colour's alias (never the live one) moves to it, the version and
 * then the alias must answer a LaunchRequest, the development endpoint moves
 * to the alias, and SMAPI's simulator must reach it; if it does not, the
 * development endpoint goes back. `--to latest` puts development back on
 * $LATEST. Everything is read fresh, so a re-run after a crash converges.
 */
export interface FlipResult {
  outcome: "flipped" | "already-flipped" | "to-latest" | "already-latest" | "dry-run";
  colour?: Colour;
  alias?: string;
  version?: string;
  published?: PublishedVersion["outcome"];
  development: { from: string; to: string };
  plannedCalls?: string[];
}

export type FlipDeps = ReleaseDeps & { confirm: Confirm };

export interface FlipOptions {
  to: "candidate" | "latest";
  yes?: boolean;
}

export async function flip(options: FlipOptions, deps: FlipDeps): Promise<FlipResult> {
  const step = <T>(what: string, run: () => Promise<T>) => inStep("flip", what, run);
  const state = await step("reading the release state", () => readReleaseState(deps));
  // Invariant 2: while a review uses the candidate, neither its alias nor the (locked) development stage moves.
  refuseWhileInReview(state, "flip");
  if (state.development.kind === "none") {
    // Amazon reads a manifest without apis.custom.endpoint as a skill hosted elsewhere (or a broken one): nothing to move, and nothing to guess.
    throw new InvariantRefusal(
      "Refusing to flip: the development manifest has no custom endpoint (apis.custom.endpoint.uri), so there is no endpoint to move. " +
        `Set it to ${state.names.functionArn} in skill.json (deploy:skill keeps it from then on) or in the developer console, then run npm run flip again.`,
    );
  }
  return options.to === "latest" ? toLatest(options, deps, state) : toCandidate(options, deps, state);
}

async function toLatest(options: FlipOptions, deps: FlipDeps, state: ObservedState): Promise<FlipResult> {
  const uri = state.names.functionArn;
  const from = describeTarget(state.development);
  if (state.development.kind === "latest") {
    deps.output.info("Development already points at $LATEST.");
    return { outcome: "already-latest", development: { from, to: uri } };
  }
  await confirmOrStop(options, deps, `Point the development endpoint (now ${from}) back at ${uri} ($LATEST)?`);
  await inStep("flip", "moving the development endpoint", () => setDevelopmentEndpoint(deps, { state, uri }));
  return finish(deps, { outcome: "to-latest", development: { from, to: uri } });
}

async function toCandidate(options: FlipOptions, deps: FlipDeps, state: ObservedState): Promise<FlipResult> {
  const step = <T>(what: string, run: () => Promise<T>) => inStep("flip", what, run);
  const { names, output } = { names: state.names, output: deps.output };
  // Invariant 9: a colour any live endpoint uses is never the candidate; an unexpected live stage is refused.
  const colour = requireCandidate(state, "flip");
  // Invariant 1, by construction and checked: the candidate is never the live colour.
  refuseLiveColour(state, colour, "flip");
  // A release on the candidate while live runs a canary would leave that canary's verdict to nobody.
  const live = state.live;
  const liveAlias =
    live?.kind === "colour" ? state.aliases[live.colour] : live?.kind === "legacy" ? await step("reading the live alias", () => readAlias(deps.lambda, names.functionName, live.alias)) : undefined;
  refuseDuringCanary(liveAlias, "flip");
  const alias = state.aliases[colour];
  if (!alias) {
    throw new InvariantRefusal(`The ${colour} alias (${names.aliases[colour]}) does not exist on ${names.functionName}; create it with npx cdktf deploy.`);
  }
  const uri = aliasArn(names, colour);
  const from = describeTarget(state.development);
  output.info(
    `Live uses ${state.live ? describeTarget(state.live) : "nothing (never published)"}; the candidate is ${colour} (alias ${alias.name}, on version ${alias.version}).`,
  );
  // Invariant 4: Amazon refuses an endpoint without the trigger; check before anything moves.
  await step(`checking the Alexa permission of ${alias.name}`, () => checkAlexaPermission(deps, { qualifier: alias.name }));
  await confirmOrStop(
    options,
    deps,
    `Publish $LATEST (code ${state.latest.codeSha256}), move the candidate alias ${alias.name} to it, and point the development endpoint (now ${from}) at it?`,
  );

  const version = await step("publishing $LATEST", () => publishLatest(deps, { names, latest: state.latest }));
  // Invariant 5: the version answers before anything points at it.
  await step(`checking version ${version.version}`, () => smokeTest(deps, { qualifier: version.version })).catch((error: unknown) => {
    // A credential or configuration error keeps its own exit code and fix (2), as in promote and rollback.
    if (!(error instanceof OperationFailed)) throw error;
    throw new OperationFailed(`Not flipped: ${(error as Error).message} The ${colour} alias stays on version ${alias.version}.`);
  });
  // A description unique to this run: a concurrent flip's move is a conflict (exit 4), our own retried move is not.
  const description = alias.version === version.version ? alias.description : `candidate since ${new Date(deps.clock.now()).toISOString()} (flip ${randomBytes(4).toString("hex")})`;
  const revisionId = await step(`moving alias ${alias.name}`, () => moveAlias(deps, { alias, toVersion: version.version, description }));
  await checkAfterMove(deps, { command: "flip", before: alias, after: { name: alias.name, version: version.version, revisionId: revisionId ?? "", description } });

  const already = state.development.kind === "colour" && state.development.colour === colour;
  const previousUri = (await step("moving the development endpoint", () => setDevelopmentEndpoint(deps, { state, uri }))).previousUri;
  try {
    await step("confirming through SMAPI's simulator that Alexa reaches the candidate", () => confirmAlexaReaches(deps, { uri }));
  } catch (error) {
    if (!already && previousUri && previousUri !== uri) await restoreDevelopment(deps, previousUri, error);
    throw error;
  }
  return finish(deps, {
    outcome: already && alias.version === version.version ? "already-flipped" : "flipped",
    colour,
    alias: alias.name,
    version: version.version,
    published: version.outcome,
    development: { from, to: uri },
  });
}

/** Invariant 5, for the endpoint: a move whose check failed is undone. */
async function restoreDevelopment(deps: FlipDeps, previousUri: string, cause: unknown): Promise<never> {
  const why = cause instanceof Error ? cause.message : String(cause);
  deps.output.warn(`Alexa did not reach the candidate (${why}); putting the development endpoint back on ${previousUri}.`);
  try {
    const development = await readStageManifest(deps.smapi, deps.config.skill.id, "development");
    await setDevelopmentEndpoint(deps, { state: { manifests: { development } }, uri: previousUri });
  } catch (undoError) {
    throw new OperationFailed(
      `${why} Putting the development endpoint back on ${previousUri} failed too (${(undoError as Error).message}); run npm run flip -- --to latest, or fix it in the developer console.`,
    );
  }
  throw new OperationFailed(`Not flipped: ${why} The development endpoint is back on ${previousUri}.`);
}

async function confirmOrStop(options: FlipOptions, deps: FlipDeps, question: string): Promise<void> {
  if (deps.dryRun || options.yes) return;
  if (!(await deps.confirm(question))) throw new OperationFailed("Not flipped: not confirmed. Nothing was changed.");
}

function finish(deps: FlipDeps, result: FlipResult): FlipResult {
  if (deps.dryRun) {
    deps.output.info(`Dry run: nothing was changed. A real run would make the ${deps.dryRun.calls.length} call(s) listed above.`);
    return { ...result, outcome: "dry-run", plannedCalls: [...deps.dryRun.calls] };
  }
  const done: Record<FlipResult["outcome"], string> = {
    flipped: `Flipped: development now uses ${result.colour} (alias ${result.alias}, version ${result.version}); Alexa reaches it. Test it, then npm run submit.`,
    "already-flipped": `Nothing to flip: development already uses ${result.colour} (alias ${result.alias}) on $LATEST's code, version ${result.version}; Alexa reaches it.`,
    "to-latest": "Development now points at $LATEST.",
    "already-latest": "Development already points at $LATEST.",
    "dry-run": "",
  };
  deps.output.info(done[result.outcome]);
  return result;
}
