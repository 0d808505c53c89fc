import type { ReleaseDeps } from "../deps";
import { manifestEndpoints } from "../endpoints";
import { candidateColour, describeTarget, isInReview, liveColour, nextStep, stageTarget, type Colour, type StageTarget } from "../model";
import { readAlias, readReleaseState, readStageManifest } from "../read-state";
import { readVersion } from "../../lambda/publish";
import { smapiCall } from "../../smapi/errors";
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
}

export interface AliasReport extends VersionReport {
  alias: string;
  colour?: Colour;
  legacy?: boolean;
}

export interface StageReport {
  stage: "development" | "certified" | "live";
  endpoints: Array<{ path: string; uri: string }>;
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
  candidateColour: Colour;
  certification?: { id: string; status: string; submittedAt?: string };
  inReview: boolean;
  canary?: CanaryReport;
  next: string;
}

const COMMIT = /commit ([0-9a-f]{7,40})/;

/**
 * Everything a person needs before a release step, read fresh: no state is
 * kept anywhere but Lambda and SMAPI. Read only.
 */
export async function status(deps: ReleaseDeps): Promise<StatusReport> {
  const { config } = deps;
  const skillId = config.skill.id;
  const [state, certified] = await Promise.all([
    readReleaseState(deps),
    // The certified stage exists only between certification and a manual publication.
    smapiCall({ skillId, action: "reading the certified manifest" }, () => readStageManifest(deps.smapi, skillId, "certified")),
  ]);
  const legacy = state.live?.kind === "legacy" ? await readAlias(deps.lambda, config.function.name, state.live.alias) : undefined;
  const aliases = [
    ...(["blue", "green"] as const).flatMap((colour) => {
      const alias = state.aliases[colour];
      return alias ? [{ alias, colour }] : [];
    }),
    ...(legacy ? [{ alias: legacy, colour: undefined }] : []),
  ];
  const versions = [...new Set(aliases.map((a) => a.alias.version))];
  const details = new Map(
    await Promise.all(versions.map(async (version) => [version, await describeVersion(deps, version)] as const)),
  );
  const stages: StageReport[] = [
    stageReport("development", state.manifests.development.manifest, state.development),
    ...(certified ? [stageReport("certified", certified.manifest, stageTarget(certified.manifest, state.names))] : []),
    ...(state.manifests.live && state.live ? [stageReport("live", state.manifests.live.manifest, state.live)] : []),
  ];
  const live = liveColour(state);
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
    candidateColour: candidateColour(state),
    ...(state.certification ? { certification: state.certification } : {}),
    inReview: isInReview(state),
    ...(canary ? { canary } : {}),
    next: canary ? `A canary is in progress on the live alias ${canary.alias}: ${canaryChoices()}` : nextStep(state),
  };

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
  return { ...read, ...(commit ? { commit } : {}) };
}

function stageReport(stage: StageReport["stage"], manifest: unknown, target: StageTarget): StageReport {
  return {
    stage,
    endpoints: manifestEndpoints(manifest),
    target: describeTarget(target),
    ...(target.kind === "colour" ? { colour: target.colour } : {}),
  };
}
