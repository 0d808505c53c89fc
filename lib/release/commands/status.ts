import type { ReleaseDeps } from "../deps";
import { manifestEndpoints } from "../endpoints";
import { candidateColour, describeTarget, isInReview, liveColour, nextStep, stageTarget, type Colour, type StageTarget } from "../model";
import { readAlias, readReleaseState, readStageManifest } from "../read-state";
import { readVersion } from "../../lambda/publish";
import { smapiCall } from "../../smapi/errors";
import { inStep } from "./shared";

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
    stageReport("development", state.manifests.development.manifest, state.development),
    ...(certified ? [stageReport("certified", certified.manifest, stageTarget(certified.manifest, state.names))] : []),
    ...(state.manifests.live && state.live ? [stageReport("live", state.manifests.live.manifest, state.live)] : []),
  ];
  const live = liveColour(state);
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
    next: nextStep(state),
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
