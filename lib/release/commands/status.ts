import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import type { ReleaseDeps } from "../deps";
import { manifestEndpoints } from "../endpoints";
import { candidateColour, describeTarget, isInReview, liveColour, nextStep, stageTarget, type Colour, type StageTarget } from "../model";
import { readAlias, readReleaseState, readStageManifest } from "../read-state";
import { smapiCall } from "../../smapi/errors";

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
    await Promise.all(versions.map(async (version) => [version, await readVersion(deps, version)] as const)),
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

async function readVersion(deps: ReleaseDeps, version: string): Promise<VersionReport> {
  const fn = await deps.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: deps.config.function.name, Qualifier: version }));
  const description = fn.Description ?? "";
  const commit = COMMIT.exec(description)?.[1];
  return { version, description, lastModified: fn.LastModified ?? "", codeSha256: fn.CodeSha256 ?? "", ...(commit ? { commit } : {}) };
}

function stageReport(stage: StageReport["stage"], manifest: unknown, target: StageTarget): StageReport {
  return {
    stage,
    endpoints: manifestEndpoints(manifest),
    target: describeTarget(target),
    ...(target.kind === "colour" ? { colour: target.colour } : {}),
  };
}
