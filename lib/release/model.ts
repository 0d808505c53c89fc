import { LEGACY_ALIAS } from "../alexa/names";
import { InvariantRefusal } from "../errors";
import { manifestEndpoints } from "./endpoints";

/**
 * The release model of DESIGN.md as pure functions over state read from
 * Lambda and SMAPI. Commands are thin: they read state, ask this module what
 * is allowed and what to do, and call the steps.
 */
export type Colour = "blue" | "green";
export const COLOURS: readonly Colour[] = ["blue", "green"];

export interface ReleaseNames {
  functionName: string;
  /** Unqualified ARN: arn:aws:lambda:<region>:<account>:function:<name>. */
  functionArn: string;
  /** The configured alias name of each colour. */
  aliases: Record<Colour, string>;
}

/** What one endpoint URI points at, relative to our function. */
export type EndpointTarget =
  | { kind: "latest" }
  | { kind: "colour"; colour: Colour; alias: string }
  | { kind: "legacy"; alias: string }
  | { kind: "version"; version: string }
  | { kind: "other-alias"; alias: string }
  | { kind: "foreign"; uri: string };

/** One endpoint of a stage: the default ("default") or a regional override ("NA", "EU", "FE"), and its target. */
export interface RegionalTarget {
  region: string;
  target: EndpointTarget;
}

/** What a whole stage points at: one target, several (regional overrides disagree), or nothing. */
export type StageTarget = EndpointTarget | { kind: "mixed"; targets: EndpointTarget[]; endpoints: RegionalTarget[] } | { kind: "none" };

export function classifyEndpoint(uri: string, names: ReleaseNames): EndpointTarget {
  if (uri === names.functionArn || uri === `${names.functionArn}:$LATEST`) return { kind: "latest" };
  if (!uri.startsWith(`${names.functionArn}:`)) return { kind: "foreign", uri };
  const qualifier = uri.slice(names.functionArn.length + 1);
  if (/^\d+$/.test(qualifier)) return { kind: "version", version: qualifier };
  const colour = COLOURS.find((c) => names.aliases[c] === qualifier);
  if (colour) return { kind: "colour", colour, alias: qualifier };
  if (LEGACY_ALIAS.test(qualifier)) return { kind: "legacy", alias: qualifier };
  return { kind: "other-alias", alias: qualifier };
}

export function stageTarget(manifest: unknown, names: ReleaseNames): StageTarget {
  const endpoints = manifestEndpoints(manifest).map((e) => ({ region: endpointRegion(e.path), target: classifyEndpoint(e.uri, names) }));
  const targets = endpoints.map((e) => e.target);
  const first = targets[0];
  if (!first) return { kind: "none" };
  const same = targets.every((t) => JSON.stringify(t) === JSON.stringify(first));
  return same ? first : { kind: "mixed", targets, endpoints };
}

/** "default" for apis.custom.endpoint.uri, the region ("EU") for a regional override. */
function endpointRegion(path: string): string {
  return /\.regions\.([A-Z]+)\./.exec(path)?.[1] ?? "default";
}

/** The colours any endpoint of a stage uses, default or regional. */
export function coloursUsedBy(target: StageTarget | undefined): Colour[] {
  if (!target) return [];
  const targets = target.kind === "mixed" ? target.targets : [target];
  return COLOURS.filter((colour) => targets.some((t) => t.kind === "colour" && t.colour === colour));
}

export function aliasArn(names: ReleaseNames, colour: Colour): string {
  return `${names.functionArn}:${names.aliases[colour]}`;
}

export function describeTarget(target: StageTarget): string {
  switch (target.kind) {
    case "latest": return "$LATEST (unqualified)";
    case "colour": return `${target.colour} (alias ${target.alias})`;
    case "legacy": return `legacy alias ${target.alias}`;
    case "version": return `version ${target.version} (not an alias)`;
    case "other-alias": return `alias ${target.alias} (not blue or green)`;
    case "foreign": return `another endpoint: ${target.uri}`;
    case "mixed": return `different endpoints per region: ${target.endpoints.map((e) => `${e.region} → ${describeTarget(e.target)}`).join("; ")}`;
    case "none": return "no endpoint";
  }
}

export type CertificationStatus = "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "CANCELLED";

export interface Certification {
  id: string;
  status: CertificationStatus;
  submittedAt?: string;
}

export interface AliasView {
  name: string;
  version: string;
  revisionId: string;
  description: string;
  /** RoutingConfig.AdditionalVersionWeights (version → fraction of traffic), when the alias splits its traffic. */
  weights?: Record<string, number>;
}

export interface ReleaseState {
  names: ReleaseNames;
  aliases: Record<Colour, AliasView | undefined>;
  development: StageTarget;
  /** undefined when the skill has never been published. */
  live: StageTarget | undefined;
  /** The most recent certification, if any. */
  certification: Certification | undefined;
}

/** The colour Alexa's live stage uses: read from SMAPI, never stored on the side. */
export function liveColour(state: ReleaseState): Colour | undefined {
  return state.live?.kind === "colour" ? state.live.colour : undefined;
}

/**
 * What is unexpected about the live stage, or undefined when it is one of
 * the shapes a release knows: never published, every endpoint on one colour,
 * or every endpoint on one legacy production-N alias (invariant 9).
 */
export function liveStageProblem(state: ReleaseState): string | undefined {
  const live = state.live;
  if (!live || live.kind === "colour" || live.kind === "legacy") return undefined;
  if (live.kind === "mixed") {
    const used = coloursUsedBy(live);
    return (
      `the live stage's endpoints point at different targets: ${live.endpoints.map((e) => `${e.region} → ${describeTarget(e.target)}`).join("; ")}` +
      (used.length > 0 ? `, so live users in some regions run the ${used.join(" and ")} alias${used.length > 1 ? "es" : ""}` : "")
    );
  }
  return `the live stage points at ${describeTarget(live)}, not at the blue or green alias or a legacy production-N alias`;
}

/**
 * The colour a release may use: one that no live endpoint uses. With live
 * on a legacy production-N alias (or not published), blue, as DESIGN.md
 * says. Undefined when the live stage is anything else (invariant 9: a
 * refusal, not a guess).
 */
export function candidateColour(state: ReleaseState): Colour | undefined {
  if (liveStageProblem(state)) return undefined;
  const used = coloursUsedBy(state.live);
  return COLOURS.find((colour) => !used.includes(colour));
}

/** Invariant 9: the candidate of a command that moves it, or a refusal naming what live points at, region by region. */
export function requireCandidate(state: ReleaseState, command: string): Colour {
  const problem = liveStageProblem(state);
  const candidate = candidateColour(state);
  if (!problem && candidate) return candidate;
  throw new InvariantRefusal(
    `Refusing to ${command}: ${problem ?? "no colour is free of live users"}. A candidate must be a colour that no live endpoint uses, ` +
      "and moving either alias now could change the code behind the live skill. Nothing was changed. See docs/runbook.md, \"The live stage is split or unexpected\".",
  );
}

export function isInReview(state: ReleaseState): boolean {
  return state.certification?.status === "IN_PROGRESS";
}

/** Invariant 2: an alias referenced by a submission under review is never moved. */
export function refuseWhileInReview(state: ReleaseState, action: string): void {
  const certification = state.certification;
  if (certification?.status !== "IN_PROGRESS") return;
  throw new InvariantRefusal(
    `Refusing to ${action}: certification ${certification.id}${certification.submittedAt ? ` (submitted ${certification.submittedAt})` : ""} is in progress, ` +
      `and the submission uses the ${describeTarget(state.development)} endpoint, whose code must not change under review. ` +
      "Wait for the result (npm run status), or withdraw the submission in the developer console.",
  );
}

/** Invariant 1: flip, submit and finish never move the live alias. */
export function refuseLiveColour(state: ReleaseState, colour: Colour, command: string): void {
  if (!coloursUsedBy(state.live).includes(colour)) return;
  throw new InvariantRefusal(
    `Refusing: ${command} would move the ${colour} alias, which the live skill uses. Only promote and rollback move the live alias.`,
  );
}

/** One line: what a person would sensibly do next. */
export function nextStep(state: ReleaseState): string {
  const candidate = candidateColour(state);
  if (isInReview(state)) return `Wait for certification ${state.certification?.id} to finish (npm run status); then npm run finish.`;
  const problem = liveStageProblem(state);
  if (problem || !candidate) {
    return `Fix the live stage first: ${problem ?? "no colour is free"}. flip and submit refuse until live points at one colour (docs/runbook.md, "The live stage is split or unexpected").`;
  }
  if (state.live?.kind === "legacy") {
    return `Live uses the legacy alias ${state.live.alias}. Run npm run flip to release on ${candidate}; after publication that alias is no longer used.`;
  }
  const dev = state.development;
  if (dev.kind === "colour" && dev.colour === candidate) {
    // The candidate is never a colour live uses, so a success here is the candidate's own.
    if (state.certification?.status === "SUCCEEDED") {
      return "Certification passed: npm run finish -- --publish publishes it (manual publishing) and finishes; with automatic publishing, npm run finish once it is live.";
    }
    if (state.certification?.status === "FAILED") {
      return `The last certification failed. Fix the skill, then npm run flip (moves ${candidate} to the new code) and npm run submit again.`;
    }
    return `Development points at the candidate (${candidate}). Test it, then npm run submit.`;
  }
  if (dev.kind === "colour" && dev.colour === liveColour(state)) {
    return "Development points at the live colour: run npm run finish to put it back on $LATEST.";
  }
  return `Development is on ${describeTarget(dev)}. To release: npm run flip. For a code-only fix: npm run promote.`;
}

const PROMOTION_RECORD = /previous-version=(\d+)/;

/**
 * promote records the live alias's previous version in the alias
 * description, so rollback needs no other state.
 */
export function promotionRecord(previousVersion: string, at: Date, note = ""): string {
  return `previous-version=${previousVersion} promoted=${at.toISOString()}${note ? ` ${note}` : ""}`.slice(0, 256);
}

export function previousVersionOf(description: string): string | undefined {
  return PROMOTION_RECORD.exec(description)?.[1];
}

const ROLLBACK_RECORD = /rolled-back-to=(\d+)/;

/** Deliberately not a promotion record (no previous-version=), so it cannot be rolled back again. */
export function rollbackRecord(toVersion: string, fromVersion: string, at: Date, note = ""): string {
  return `rolled-back-to=${toVersion} from-version=${fromVersion} at=${at.toISOString()}${note ? ` ${note}` : ""}`.slice(0, 256);
}

export function rolledBackTo(description: string): string | undefined {
  return ROLLBACK_RECORD.exec(description)?.[1];
}
