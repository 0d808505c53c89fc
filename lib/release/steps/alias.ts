import { PreconditionFailedException, ResourceNotFoundException, UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { ConcurrentChange, InvariantRefusal } from "../../errors";
import { type ReleaseDeps } from "../deps";
import { mutate } from "../../dry-run";
import { describeTarget, isInReview, type AliasView, type Colour, type ReleaseState } from "../model";
import { readAlias } from "../read-state";

/**
 * Moving an alias, the one operation that changes what Alexa runs without
 * re-certification; and finding the alias the live skill uses.
 */

export interface LiveAlias {
  alias: AliasView;
  /** The colour, or undefined for a legacy production-N alias. */
  colour: Colour | undefined;
}

/**
 * The alias the live stage's endpoint points at (blue, green, or a legacy
 * production-N), read fresh. Anything else has no alias that a code-only
 * update could move, and is refused with what to do instead.
 */
export async function findLiveAlias(deps: Pick<ReleaseDeps, "lambda" | "config">, state: ReleaseState, command: string): Promise<LiveAlias> {
  const live = state.live;
  const functionName = state.names.functionName;
  const release = "Release through npm run flip and npm run submit, which put live on the blue or green alias.";
  if (!live) throw new InvariantRefusal(`Refusing to ${command}: the skill has never been published, so there is no live alias. ${release}`);
  let found: LiveAlias | undefined;
  switch (live.kind) {
    case "colour": {
      const alias = state.aliases[live.colour];
      if (!alias) {
        throw new InvariantRefusal(
          `Refusing to ${command}: the live stage points at the ${live.colour} alias (${live.alias}), which does not exist on ${functionName}. ` +
            "Create it with npx cdktf deploy (Terraform owns the aliases).",
        );
      }
      found = { alias, colour: live.colour };
      break;
    }
    case "legacy": {
      const alias = await readAlias(deps.lambda, functionName, live.alias);
      if (!alias) throw new InvariantRefusal(`Refusing to ${command}: the live stage points at the legacy alias ${live.alias}, which does not exist on ${functionName}. ${release}`);
      found = { alias, colour: undefined };
      break;
    }
    case "latest":
      throw new InvariantRefusal(`Refusing to ${command}: the live stage points at ${functionName} unqualified ($LATEST), so every deploy already reaches live users and there is no alias to move. ${release}`);
    default:
      throw new InvariantRefusal(
        `Refusing to ${command}: the live stage points at ${describeTarget(live)}, not at the blue or green alias or a legacy production-N alias, so there is no live alias to move. ${release}`,
      );
  }
  if (found.alias.version === "$LATEST") {
    throw new InvariantRefusal(
      `Refusing to ${command}: the live alias ${found.alias.name} points at $LATEST, so every deploy reaches live users at once and there is no version to go back to. ` +
        `Point it at a published version first (aws lambda update-alias --function-name ${functionName} --name ${found.alias.name} --function-version <n>; npm run status lists them), then run the command again.`,
    );
  }
  // Invariant 2: a submission under review that uses this very alias must not see its code change.
  const dev = state.development;
  const devAlias = dev.kind === "colour" || dev.kind === "legacy" ? dev.alias : undefined;
  if (isInReview(state) && devAlias === found.alias.name) {
    throw new InvariantRefusal(
      `Refusing to ${command}: certification ${state.certification?.id} is in progress and the submission uses the ${found.alias.name} alias, ` +
        "whose code must not change under review. Wait for the result (npm run status), or withdraw the submission in the developer console.",
    );
  }
  return found;
}

/**
 * Points `alias` at `toVersion` (and sets its description, if given), on the
 * condition that nobody has changed the alias since `alias` was read
 * (RevisionId): a conflict is reported with what the alias points at now,
 * never overwritten. The alias's weighted routing becomes `weights` (a
 * canary: version → fraction of the traffic), or is cleared, so the alias
 * runs exactly the versions that were checked. Returns the alias's new
 * RevisionId (the current one when it already was there; undefined under
 * --dry-run).
 */
export async function moveAlias(
  deps: Pick<ReleaseDeps, "lambda" | "config" | "output" | "clock" | "dryRun">,
  options: { alias: AliasView; toVersion: string; description?: string; weights?: Record<string, number> },
): Promise<string | undefined> {
  const { alias, toVersion, description } = options;
  const weights = options.weights ?? {};
  const functionName = deps.config.function.name;
  const arrived = (now: AliasView) =>
    now.version === toVersion && (description === undefined || now.description === description) && sameWeights(now.weights, weights);
  if (arrived(alias)) {
    deps.output.info(`Alias ${alias.name} already points at ${describeRouting(toVersion, weights)}.`);
    return alias.revisionId;
  }
  const what = `move alias ${alias.name} of ${functionName} from ${describeRouting(alias.version, alias.weights ?? {})} to ${describeRouting(toVersion, weights)}` +
    `${description !== undefined ? `, described "${description}"` : ""} (if its RevisionId is still ${alias.revisionId})`;
  const moved = await mutate(deps, what, async () => {
    try {
      return await deps.lambda.send(
        new UpdateAliasCommand({
          FunctionName: functionName,
          Name: alias.name,
          FunctionVersion: toVersion,
          RevisionId: alias.revisionId,
          RoutingConfig: { AdditionalVersionWeights: weights },
          ...(description !== undefined ? { Description: description } : {}),
        }),
      );
    } catch (error) {
      // Deleted between our read and this update (by hand, or a `cdktf destroy`): Lambda answers 404, not 412.
      if (error instanceof ResourceNotFoundException) {
        throw new ConcurrentChange(
          `Alias ${alias.name} of ${functionName} no longer exists: it was deleted after it was read (at version ${alias.version}), so it was not moved. ` +
            "Run cdktf deploy to create it again, then run the command again.",
        );
      }
      if (!(error instanceof PreconditionFailedException)) throw error;
      const now = await readAfterConflict(deps, alias);
      // The SDK retries a call whose answer was lost; if the first attempt went through, the retry meets our own change.
      if (now && arrived(now)) return { FunctionVersion: now.version, RevisionId: now.revisionId };
      throw concurrentChange(alias, now);
    }
  });
  if (!moved) return undefined;
  deps.output.info(`Moved alias ${alias.name} from ${describeRouting(alias.version, alias.weights ?? {})} to ${describeRouting(moved.FunctionVersion ?? toVersion, weights)}.`);
  return moved.RevisionId;
}

/** "version 7", or "version 6 with 25% of its traffic on version 7". */
export function describeRouting(version: string, weights: Record<string, number>): string {
  const extra = Object.entries(weights).map(([v, w]) => `${percentOf(w)} of its traffic on version ${v}`);
  return `version ${version}${extra.length > 0 ? ` with ${extra.join(" and ")}` : ""}`;
}

/** 0.25 → "25%", 0.125 → "12.5%". */
export function percentOf(weight: number): string {
  return `${Math.round(weight * 10_000) / 100}%`;
}

function sameWeights(a: Record<string, number> | undefined, b: Record<string, number>): boolean {
  const left = Object.entries(a ?? {}).filter(([, w]) => w > 0);
  const right = Object.entries(b).filter(([, w]) => w > 0);
  return left.length === right.length && left.every(([v, w]) => b[v] === w);
}

// Reads of an alias that may still show the RevisionId a 412 just refused (GetAlias is eventually consistent).
const STALE_ALIAS_READS = 5;

/**
 * The alias after Lambda refused our RevisionId (412). That refusal proves
 * the RevisionId is no longer current, so a read that still shows it is stale
 * and is made again (a few times) before anything is concluded from it.
 */
async function readAfterConflict(deps: Pick<ReleaseDeps, "lambda" | "config" | "output" | "clock">, sent: AliasView): Promise<AliasView | undefined> {
  let delay = 200;
  for (let read = 1; ; read++) {
    const now = await readAlias(deps.lambda, deps.config.function.name, sent.name).catch(() => undefined);
    if (!now || now.revisionId !== sent.revisionId || read >= STALE_ALIAS_READS) return now;
    deps.output.progress(`alias ${sent.name} still reads as before the conflict (a stale read); reading it again`);
    await deps.clock.sleep(delay);
    delay *= 2;
  }
}

function concurrentChange(read: AliasView, now: AliasView | undefined): ConcurrentChange {
  const where = now
    ? `it now points at ${describeRouting(now.version, now.weights ?? {})}${now.description ? ` (description "${now.description}")` : ""}`
    : "it has been deleted or cannot be read now";
  return new ConcurrentChange(
    `Alias ${read.name} was changed by someone else after it was read at version ${read.version}: ${where}. ` +
      "Their change was kept; nothing was overwritten. Check with npm run status, then run the command again if it is still needed.",
  );
}
