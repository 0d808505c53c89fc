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

/** What a whole stage points at: one target, several (regional overrides disagree), or nothing. */
export type StageTarget = EndpointTarget | { kind: "mixed"; targets: EndpointTarget[] } | { kind: "none" };

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
  const targets = manifestEndpoints(manifest).map((e) => classifyEndpoint(e.uri, names));
  const first = targets[0];
  if (!first) return { kind: "none" };
  const same = targets.every((t) => JSON.stringify(t) === JSON.stringify(first));
  return same ? first : { kind: "mixed", targets };
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
    case "mixed": return `different endpoints per region: ${target.targets.map(describeTarget).join(", ")}`;
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
 * The colour a release may use. With live on a legacy production-N alias
 * (or not published), blue is the candidate, as DESIGN.md says.
 */
export function candidateColour(state: ReleaseState): Colour {
  const live = liveColour(state);
  return live === "blue" ? "green" : "blue";
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
  if (liveColour(state) !== colour) return;
  throw new InvariantRefusal(
    `Refusing: ${command} would move the ${colour} alias, which the live skill uses. Only promote and rollback move the live alias.`,
  );
}

/** One line: what a person would sensibly do next. */
export function nextStep(state: ReleaseState): string {
  const candidate = candidateColour(state);
  if (isInReview(state)) return `Wait for certification ${state.certification?.id} to finish (npm run status); then npm run finish.`;
  if (state.live?.kind === "legacy") {
    return `Live uses the legacy alias ${state.live.alias}. Run npm run flip to release on ${candidate}; after publication that alias is no longer used.`;
  }
  const dev = state.development;
  if (dev.kind === "colour" && dev.colour === candidate) {
    if (state.certification?.status === "SUCCEEDED" && liveColour(state) !== candidate) {
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
