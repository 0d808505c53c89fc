import { GetAliasCommand, GetFunctionConfigurationCommand, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { UsageError } from "../errors";
import type { EnvironmentConfig } from "../../config";
import { latestCertification } from "../smapi/certification";
import { readSettledDevelopmentManifest, readStageManifest, type StageManifest } from "../smapi/manifest";
import type { Clock } from "../clock";
import type { Output } from "../output";
import { smapiCall } from "../smapi/errors";
import type { SmapiClient } from "../smapi/client";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { LatestCode } from "../lambda/latest";
import {
  stageTarget, type AliasView, type Certification, type CertificationStatus, type Colour, type ReleaseNames, type ReleaseState,
} from "./model";


export interface ObservedState extends ReleaseState {
  latest: LatestCode;
  manifests: { development: StageManifest; live: StageManifest | undefined };
}

/** The function's unqualified ARN (account included) and $LATEST; a missing function says how to create it. */
export async function readFunction(lambda: LambdaClient, config: EnvironmentConfig): Promise<{ names: ReleaseNames; latest: LatestCode }> {
  try {
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: config.function.name }));
    const functionArn = (fn.FunctionArn ?? "").replace(/:\$LATEST$/, "");
    return {
      names: { functionName: config.function.name, functionArn, aliases: { blue: config.aliases.blue, green: config.aliases.green } },
      latest: {
        codeSha256: fn.CodeSha256 ?? "",
        revisionId: fn.RevisionId ?? "",
        lastUpdateStatus: fn.LastUpdateStatus ?? "Successful",
        lastModified: fn.LastModified ?? "",
      },
    };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new UsageError(
        `Lambda function ${config.function.name} does not exist in ${config.region} (environment "${config.name}"). ` +
          "Provision it with `npx cdktf deploy`, or check LAMBDA_FUNCTION_NAME, AWS_REGION and PIPELINE_ENV.",
      );
    }
    throw error;
  }
}

export async function readAlias(lambda: LambdaClient, functionName: string, name: string): Promise<AliasView | undefined> {
  try {
    const alias = await lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: name }));
    const weights = alias.RoutingConfig?.AdditionalVersionWeights;
    return {
      name,
      version: alias.FunctionVersion ?? "",
      revisionId: alias.RevisionId ?? "",
      description: alias.Description ?? "",
      ...(weights && Object.keys(weights).length > 0 ? { weights } : {}),
    };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

export async function readLatestCertification(smapi: SmapiClient, skillId: string): Promise<Certification | undefined> {
  const latest = await latestCertification(smapi, skillId);
  if (!latest?.id) return undefined;
  return {
    id: latest.id,
    status: (latest.status ?? "IN_PROGRESS") as CertificationStatus,
    ...(latest.skillSubmissionTimestamp ? { submittedAt: latest.skillSubmissionTimestamp } : {}),
  };
}

/**
 * Reads everything the release model needs, with the independent reads in
 * parallel: both aliases, both stages' manifests and the latest
 * certification. Nothing is stored on the side: colours come from here on
 * every run.
 */
export async function readReleaseState(deps: { lambda: LambdaClient; smapi: SmapiClient; config: EnvironmentConfig; clock?: Clock; output?: Output }): Promise<ObservedState> {
  const { config, clock, output } = deps;
  const skillId = config.skill.id;
  const context = { skillId, action: "reading the skill's release state" };
  // While another operator's manifest update is applied SMAPI answers 303: with a clock, wait for it (found by the concurrency proof).
  const readDevelopment = () =>
    clock && output ? readSettledDevelopmentManifest({ smapi: deps.smapi, clock, output }, skillId).then((r) => r.manifest) : readStageManifest(deps.smapi, skillId, "development");
  const [fn, blue, green, development, live, certification] = await Promise.all([
    readFunction(deps.lambda, config),
    readAlias(deps.lambda, config.function.name, config.aliases.blue),
    readAlias(deps.lambda, config.function.name, config.aliases.green),
    smapiCall({ ...context, action: "reading the development manifest" }, readDevelopment),
    smapiCall({ ...context, action: "reading the live manifest" }, () => readStageManifest(deps.smapi, skillId, "live")),
    smapiCall({ ...context, action: "listing certifications" }, () => readLatestCertification(deps.smapi, skillId)),
  ]);
  const aliases: Record<Colour, AliasView | undefined> = { blue, green };
  const { names, latest } = fn;
  return {
    names,
    latest,
    aliases,
    development: stageTarget(development?.manifest, names),
    live: live ? stageTarget(live.manifest, names) : undefined,
    certification,
    manifests: { development: development ?? { manifest: undefined, etag: undefined }, live },
  };
}
