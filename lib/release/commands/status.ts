import type { ReleaseDeps } from "../deps";
import { manifestEndpoints } from "../endpoints";
import {
  candidateColour, classifyEndpoint, describeTarget, isInReview, liveColour, liveStageProblem, nextStep, stageTarget,
  type Colour, type EndpointTarget, type ReleaseNames, type StageTarget,
} from "../model";
import { readAlexaPermission } from "../steps/permission";
import { readAlias, readReleaseState } from "../read-state";
import { readStageManifest } from "../../smapi/manifest";
import { readVersion } from "../../lambda/publish";
import { smapiCall } from "../../smapi/errors";
import { inStep } from "./shared";
import { readCanaryCounts, type CanaryCounts } from "../canary/metrics";
import { canaryChoices, canaryOf, routingMatches } from "../canary/record";
import { verdictAt } from "../canary/verdict";
import type { AliasView } from "../model";

export interface VersionReport {
  version: string;
  description: string;
  lastModified: string;
  commit?: string;
  codeSha256: string;
  /**
   * Set when the description is not a release's (date and commit): Terraform
   * publishes a version on every configuration change (publish = true), and
   * such a version is known only by its number, date and code hash.
   */
  publishedOutsideRelease?: true;
}

export interface AliasReport extends VersionReport {
  alias: string;
  colour?: Colour;
  legacy?: boolean;
}

export interface StageReport {
  stage: "development" | "certified" | "live";
  /** Every endpoint, default and regional, with what it points at. */
  endpoints: Array<{ path: string; uri: string; target: string }>;
  target: string;
  colour?: Colour;
}

/** A canary in progress on the live alias (npm run promote -- --canary). */
export interface CanaryReport {
  alias: string;
  version: string;
  stableVersion: string;
  /** The new version's share of the traffic (0.25 for 25%). */
  weight: number;
  startedAt: string;
  bakeMinutes: number;
  minInvocations: number;
  maxErrors: number;
  /** When promote --canary takes its verdict without errors: the bake's end plus CloudWatch's delay. */
  verdictAt: string;
  /** So far, from CloudWatch (absent when it could not be read). */
  counts?: CanaryCounts;
  /** False when the alias's routing no longer matches the record: someone changed it. */
  routingMatches: boolean;
}

export interface StatusReport {
  skillId: string;
  functionName: string;
  latest: { codeSha256: string; lastUpdateStatus: string; lastModified: string };
  aliases: AliasReport[];
  stages: StageReport[];
  liveColour?: Colour;
  /** Undefined when the live stage is split or unexpected (no colour may be released on). */
  candidateColour?: Colour;
  certification?: { id: string; status: string; submittedAt?: string };
  inReview: boolean;
  /** What stops a release or breaks the live skill: a split live stage, a live alias Alexa may not invoke. */
  warnings: string[];
  canary?: CanaryReport;
  next: string;
}

const COMMIT = /commit ([0-9a-f]{7,40})/;
/** What releases describe their versions by (lib/lambda/commit.ts): the date, then the commit if known. */
const RELEASE_DESCRIPTION = /^\d{4}-\d\d-\d\d(?: commit \S+)?$/;

/**
 * Everything a person needs before a release step, read fresh: no state is
 * kept anywhere but Lambda and SMAPI. Read only.
 */
export async function status(deps: ReleaseDeps): Promise<StatusReport> {
  const { config } = deps;
  const skillId = config.skill.id;
  const [state, certified] = await inStep("status", "reading the release state", () => Promise.all([
    readReleaseState(deps),
    // The certified stage exists only between certification and a manual publication.
    smapiCall({ skillId, action: "reading the certified manifest" }, () => readStageManifest(deps.smapi, skillId, "certified")),
  ]));
  const legacy = state.live?.kind === "legacy" ? await inStep("status", `reading the alias ${state.live.alias}`, () => readAlias(deps.lambda, config.function.name, (state.live as { alias: string }).alias)) : undefined;
  const aliases = [
    ...(["blue", "green"] as const).flatMap((colour) => {
      const alias = state.aliases[colour];
      return alias ? [{ alias, colour }] : [];
    }),
    ...(legacy ? [{ alias: legacy, colour: undefined }] : []),
  ];
  const versions = [...new Set(aliases.map((a) => a.alias.version))];
  const details = new Map(
    await inStep("status", "reading the aliases' versions", () => Promise.all(versions.map(async (version) => [version, await describeVersion(deps, version)] as const))),
  );
  const stages: StageReport[] = [
    stageReport("development", state.manifests.development.manifest, state.development, state.names),
    ...(certified ? [stageReport("certified", certified.manifest, stageTarget(certified.manifest, state.names), state.names)] : []),
    ...(state.manifests.live && state.live ? [stageReport("live", state.manifests.live.manifest, state.live, state.names)] : []),
  ];
  const live = liveColour(state);
  const candidate = candidateColour(state);
  const problem = liveStageProblem(state);
  const warnings = [
    ...(problem ? [`The live stage is not on one colour: ${problem}. flip and submit refuse until it is (docs/runbook.md).`] : []),
    ...(await livePermissionWarnings(deps, state.live)),
  ];
  const liveAlias = state.live?.kind === "colour" ? state.aliases[state.live.colour] : legacy;
  const canary = liveAlias ? await canaryReport(deps, liveAlias) : undefined;
  return {
    skillId,
    functionName: config.function.name,
    latest: { codeSha256: state.latest.codeSha256, lastUpdateStatus: state.latest.lastUpdateStatus, lastModified: state.latest.lastModified },
    aliases: aliases.map(({ alias, colour }) => ({
      alias: alias.name,
      ...(colour ? { colour } : { legacy: true }),
      ...(details.get(alias.version) as VersionReport),
    })),
    stages,
    ...(live ? { liveColour: live } : {}),
    ...(candidate ? { candidateColour: candidate } : {}),
    ...(state.certification ? { certification: state.certification } : {}),
    inReview: isInReview(state),
    warnings,
    ...(canary ? { canary } : {}),
    next: canary ? `A canary is in progress on the live alias ${canary.alias}: ${canaryChoices()}` : nextStep(state),
  };
}

/** The Lambda qualifier an endpoint target of our function invokes ("" for the unqualified function), if any. */
function qualifierOf(target: EndpointTarget): string | undefined {
  switch (target.kind) {
    case "latest": return "";
    case "colour":
    case "legacy":
    case "other-alias": return target.alias;
    case "version": return target.version;
    case "foreign": return undefined;
  }
}

/** One warning per qualifier the live stage invokes that lacks this skill's Alexa permission: the live skill cannot be invoked there. */
async function livePermissionWarnings(deps: ReleaseDeps, live: StageTarget | undefined): Promise<string[]> {
  if (!live || live.kind === "none") return [];
  const targets = live.kind === "mixed" ? live.targets : [live];
  const qualifiers = [...new Set(targets.map(qualifierOf).filter((q): q is string => q !== undefined))];
  const checked = await Promise.all(qualifiers.map(async (qualifier) => ({ qualifier, found: await readAlexaPermission(deps, qualifier ? { qualifier } : {}) })));
  return checked.flatMap(({ qualifier, found }) =>
    "problem" in found
      ? [
          `The live skill cannot be invoked: Alexa may not invoke ${deps.config.function.name}${qualifier ? `:${qualifier}` : " (unqualified)"}, where the live endpoint points (${found.problem}). ` +
            "Run npx cdktf deploy to restore the permission; promote refuses until then.",
        ]
      : [],
  );
}

/** The live alias's canary, with CloudWatch's counts so far (a failed read is a warning: status still shows the rest). */
async function canaryReport(deps: ReleaseDeps, alias: AliasView): Promise<CanaryReport | undefined> {
  const record = canaryOf(alias);
  if (!record) return undefined;
  let counts: CanaryCounts | undefined;
  if (deps.cloudwatch) {
    counts = await readCanaryCounts(deps.cloudwatch, { functionName: deps.config.function.name, alias: alias.name, record, now: deps.clock.now() }).catch((error: unknown) => {
      deps.output.warn(`Could not read the canary's metrics from CloudWatch: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
  }
  return {
    alias: alias.name,
    version: record.version,
    stableVersion: record.stableVersion,
    weight: record.weight,
    startedAt: new Date(record.startedAt).toISOString(),
    bakeMinutes: Math.round(record.bakeMs / 60_000),
    minInvocations: record.minInvocations,
    maxErrors: record.maxErrors,
    verdictAt: new Date(verdictAt(record)).toISOString(),
    ...(counts ? { counts } : {}),
    routingMatches: routingMatches(alias, record),
  };
}

async function describeVersion(deps: ReleaseDeps, version: string): Promise<VersionReport> {
  const read = await readVersion(deps, { functionName: deps.config.function.name, version });
  const commit = COMMIT.exec(read.description)?.[1];
  return { ...read, ...(commit ? { commit } : {}), ...(RELEASE_DESCRIPTION.test(read.description) ? {} : { publishedOutsideRelease: true as const }) };
}

function stageReport(stage: StageReport["stage"], manifest: unknown, target: StageTarget, names: ReleaseNames): StageReport {
  return {
    stage,
    endpoints: manifestEndpoints(manifest).map((e) => ({ ...e, target: describeTarget(classifyEndpoint(e.uri, names)) })),
    target: describeTarget(target),
    ...(target.kind === "colour" ? { colour: target.colour } : {}),
  };
}
