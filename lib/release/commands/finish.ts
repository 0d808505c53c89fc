import { paginateListAliases } from "@aws-sdk/client-lambda";
import { LEGACY_ALIAS } from "../../alexa/names";
import { InvariantRefusal } from "../../errors";
import { explainSmapiError, smapiCall, statusCodeOf } from "../../smapi/errors";
import type { Confirm } from "../confirm";
import type { ReleaseDeps } from "../deps";
import { candidateColour, describeTarget, liveColour, stageTarget, type Colour, type StageTarget } from "../model";
import { readReleaseState, type ObservedState } from "../read-state";
import { readStageManifest } from "../../smapi/manifest";
import { publishCertified } from "../steps/certify";
import { setDevelopmentEndpoint } from "../steps/manifest";
import { inStep } from "./shared";

/**
 * `npm run finish`: closes a release. After publication live points at the
 * former candidate (the colours have swapped) and development goes back to
 * `$LATEST`; after a failed or withdrawn review development goes back too,
 * and the way to re-submit is printed. It moves no alias (invariant 1): its
 * only change is the development endpoint (and, with --publish, Amazon's
 * publication of a certified version).
 */

export interface FinishOptions {
  /** Publish a version that passed with manual publishing, then finish. */
  publish: boolean;
}

export type FinishDeps = ReleaseDeps & { confirm: Confirm };

export type FinishOutcome =
  | "finished"
  | "already-finished"
  | "failed-certification"
  | "awaiting-publication"
  | "publication-in-progress"
  | "planned"
  | "not-confirmed";

export interface FinishReport {
  outcome: FinishOutcome;
  skillId: string;
  live: string;
  liveColour?: Colour;
  /** Where development points when finish is done (or would, under --dry-run). */
  development: string;
  certification?: { id: string; status: string; submittedAt?: string };
  /** Legacy production-N aliases that no stage uses any more. */
  unusedLegacyAliases?: string[];
  /** After a failed review: what to do, in order. */
  steps?: string[];
  plannedCalls?: string[];
  next: string;
}

export async function finish(options: FinishOptions, deps: FinishDeps): Promise<FinishReport> {
  const state = await inStep("finish", "reading the release state", () => readReleaseState(deps));
  const review = state.certification;
  if (review?.status === "IN_PROGRESS") {
    throw new InvariantRefusal(
      `Refusing to finish: certification ${review.id}${review.submittedAt ? ` (submitted ${review.submittedAt})` : ""} is still in review, ` +
        "and Amazon locks the development stage until it ends. finish runs after publication: wait for the result (npm run status), then run npm run finish.",
    );
  }
  const dev = state.development;
  const failed = review?.status === "FAILED" || review?.status === "CANCELLED";
  if (dev.kind === "latest") {
    if (failed) return afterFailure(deps, state, "unchanged");
    deps.output.info(`Nothing to do: development is on $LATEST and live points at ${describeLive(state)}.`);
    return report(deps, state, "already-finished", dev, { next: "To release: npm run flip." });
  }
  if (state.live && sameTarget(dev, state.live)) return backToLatest(deps, state, "finished");
  if (failed) return afterFailure(deps, state, "move");

  const certified = await smapiCall({ action: "reading the certified manifest", skillId: deps.config.skill.id }, () =>
    readStageManifest(deps.smapi, deps.config.skill.id, "certified"),
  );
  if (certified && sameTarget(stageTarget(certified.manifest, state.names), dev)) {
    if (!options.publish) {
      deps.output.info(
        `Certification ${review?.id ?? ""} passed, and the certified version, on ${describeTarget(dev)}, waits for publication. ` +
          "Publish it in the developer console, or run npm run finish -- --publish; then npm run finish. Nothing was changed.",
      );
      return report(deps, state, "awaiting-publication", dev, { next: "Publish (npm run finish -- --publish), then npm run finish." });
    }
    return publishThenFinish(deps, state);
  }
  if (review?.status === "SUCCEEDED" && (await publicationUnderWay(deps))) {
    deps.output.info(`Certification ${review.id} passed and Amazon is publishing it; run npm run finish again once it is live. Nothing was changed.`);
    return report(deps, state, "publication-in-progress", dev, { next: "Wait for the publication, then npm run finish." });
  }
  throw new InvariantRefusal(
    `Refusing to finish: live points at ${describeLive(state)}, not at ${describeTarget(dev)} where development points, so this release has not been published ` +
      `(latest certification: ${review ? `${review.id}, ${review.status}` : "none"}). Putting development back on $LATEST now would abandon it. ` +
      "If it is not submitted yet: npm run submit. To abandon it on purpose: npm run flip -- --to latest.",
  );
}

async function publishThenFinish(deps: FinishDeps, state: ObservedState): Promise<FinishReport> {
  const dev = state.development;
  if (!deps.dryRun && !(await deps.confirm(`Publish the certified version now (live users move to ${describeTarget(dev)}), then put the development endpoint back on $LATEST?`))) {
    deps.output.info("Not published: not confirmed.");
    return report(deps, state, "not-confirmed", dev, { next: "Publish when ready, then npm run finish." });
  }
  const published = await publishCertified(deps);
  if (published.outcome === "planned") {
    // The plan goes on as if it were published: development back on $LATEST.
    await setDevelopmentEndpoint(deps, { state, uri: state.names.functionArn });
    return report(deps, state, "planned", { kind: "latest" }, { next: "Run without --dry-run to publish and finish." });
  }
  const after = await inStep("finish", "reading the release state after the publication", () => readReleaseState(deps));
  if (after.live && sameTarget(after.development, after.live)) return backToLatest(deps, after, "finished", true);
  throw new InvariantRefusal(
    `The certified version was published, but live points at ${describeLive(after)}, not at ${describeTarget(after.development)}; development was left as it is. Check npm run status.`,
  );
}

/** Live has reached what development points at: put development back on $LATEST. */
async function backToLatest(deps: FinishDeps, state: ObservedState, outcome: "finished", confirmed = false): Promise<FinishReport> {
  const live = state.live as StageTarget;
  const swapped = live.kind === "colour" ? `the colours have swapped (${candidateColour(state)} is the next candidate)` : "";
  const moved = await moveToLatest(deps, state, confirmed);
  if (moved === "not-confirmed") return report(deps, state, "not-confirmed", state.development, { next: "Run npm run finish again when ready." });
  const unused = live.kind === "colour" ? await inStep("finish", "looking for unused legacy aliases", () => unusedLegacyAliases(deps, state)) : [];
  deps.output.info(
    `Live points at ${describeLive(state)}${swapped ? `; ${swapped}` : ""}. ` +
      (moved === "planned" ? "Development would go back on $LATEST." : "Development is back on $LATEST."),
  );
  for (const alias of unused) {
    deps.output.info(`The legacy alias ${alias} is no longer used by any stage (live moved to ${live.kind === "colour" ? live.colour : "blue/green"}); it can be deleted once nothing else invokes it.`);
  }
  return report(deps, state, moved === "planned" ? "planned" : outcome, { kind: "latest" }, {
    ...(unused.length > 0 ? { unusedLegacyAliases: unused } : {}),
    next: moved === "planned" ? "Run without --dry-run to finish." : "Next release: npm run flip. A code-only fix: npm run promote.",
  });
}

/** After a failed or withdrawn review: development back on $LATEST (if it is not), and the way back to review. */
async function afterFailure(deps: FinishDeps, state: ObservedState, action: "move" | "unchanged"): Promise<FinishReport> {
  const review = state.certification!;
  const dev = state.development;
  const candidate = dev.kind === "colour" ? dev.colour : candidateColour(state);
  const alias = candidate ? deps.config.aliases[candidate] : "the candidate alias";
  const steps = [
    review.status === "FAILED"
      ? `Read Amazon's reasons: the e-mail to the developer account, or the Certification tab of the developer console (certification ${review.id}).`
      : `Certification ${review.id} was withdrawn; nothing of it went live.`,
    "Fix the skill: push the code fix (CodeBuild updates $LATEST) and any interaction model change (deploy:model uploads it).",
    `npm run flip: publishes $LATEST, moves the same candidate alias ${alias} to it, smoke-tests it and points development at it again.`,
    "npm run submit: runs Amazon's validations and submits again.",
  ];
  let moved: Awaited<ReturnType<typeof moveToLatest>> | "unchanged" = "unchanged";
  if (action === "move") {
    moved = await moveToLatest(deps, state, false);
    if (moved === "not-confirmed") return report(deps, state, "not-confirmed", dev, { steps, next: "Run npm run finish again when ready." });
  }
  const where = moved === "planned" ? "Development would go back on $LATEST." : "Development is on $LATEST.";
  deps.output.info(
    `Certification ${review.id} ${review.status === "FAILED" ? "failed" : "was withdrawn"}; live still points at ${describeLive(state)}. ${where}\nNext:\n` +
      steps.map((s, i) => `  ${i + 1}. ${s}`).join("\n"),
  );
  return report(deps, state, moved === "planned" ? "planned" : "failed-certification", { kind: "latest" }, { steps, next: steps[2] ?? "" });
}

async function moveToLatest(deps: FinishDeps, state: ObservedState, confirmed: boolean): Promise<"moved" | "planned" | "not-confirmed"> {
  const uri = state.names.functionArn;
  if (!deps.dryRun && !confirmed && !(await deps.confirm(`Put the development endpoint back on $LATEST (${uri}), from ${describeTarget(state.development)}?`))) {
    deps.output.info("Development endpoint not changed: not confirmed.");
    return "not-confirmed";
  }
  const result = await setDevelopmentEndpoint(deps, { state, uri });
  return result.outcome === "planned" ? "planned" : "moved";
}

/** Is Amazon publishing (or about to publish) a certified version? Nothing published yet answers 404. */
async function publicationUnderWay(deps: FinishDeps): Promise<boolean> {
  const skillId = deps.config.skill.id;
  try {
    const publication = await deps.smapi.getSkillPublicationsV1(skillId, deps.config.skill.locales[0] ?? "en-US");
    return publication.status === "IN_PROGRESS" || publication.status === "SCHEDULED";
  } catch (error) {
    if (statusCodeOf(error) === 404) return false;
    throw explainSmapiError(error, { action: "reading the skill's publication", skillId });
  }
}

/** production-N aliases of the function that no stage points at any more. */
async function unusedLegacyAliases(deps: FinishDeps, state: ObservedState): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListAliases({ client: deps.lambda }, { FunctionName: state.names.functionName })) {
    for (const alias of page.Aliases ?? []) if (alias.Name && LEGACY_ALIAS.test(alias.Name)) names.push(alias.Name);
  }
  // Development is going back to $LATEST and live is on a colour, so only the certified stage could still use one.
  const skillId = deps.config.skill.id;
  const certified = await smapiCall({ action: "reading the certified manifest", skillId }, () => readStageManifest(deps.smapi, skillId, "certified"));
  const target = certified ? stageTarget(certified.manifest, state.names) : undefined;
  return names.filter((name) => !(target?.kind === "legacy" && target.alias === name)).sort();
}

function sameTarget(a: StageTarget, b: StageTarget): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describeLive(state: ObservedState): string {
  return state.live ? describeTarget(state.live) : "nothing (the skill has never been published)";
}

function report(
  deps: FinishDeps,
  state: ObservedState,
  outcome: FinishOutcome,
  development: StageTarget,
  extra: Partial<FinishReport> & { next: string },
): FinishReport {
  const live = liveColour(state);
  const review = state.certification;
  return {
    outcome,
    skillId: deps.config.skill.id,
    live: describeLive(state),
    ...(live ? { liveColour: live } : {}),
    development: describeTarget(development),
    ...(review ? { certification: { id: review.id, status: review.status, ...(review.submittedAt ? { submittedAt: review.submittedAt } : {}) } } : {}),
    ...(deps.dryRun ? { plannedCalls: [...deps.dryRun.calls] } : {}),
    ...extra,
  };
}
