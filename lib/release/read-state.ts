import { GetAliasCommand, GetFunctionConfigurationCommand, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { UsageError } from "../errors";
import { getValueFromHeader } from "ask-smapi-sdk";
import type { EnvironmentConfig } from "../../config";
import { latestCertification } from "../smapi/certification";
import { smapiCall, statusCodeOf } from "../smapi/errors";
import type { SmapiClient } from "../smapi/client";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { LatestCode } from "../lambda/latest";
import type { Clock } from "../clock";
import type { Output } from "../output";
import {
  stageTarget, type AliasView, type Certification, type CertificationStatus, type Colour, type ReleaseNames, type ReleaseState,
} from "./model";

/** A stage's manifest as read, with the ETag that an update must send back (If-Match). */
export interface StageManifest {
  manifest: unknown;
  etag: string | undefined;
}

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

/** How long a manifest read waits while Amazon applies somebody's update (303), in all. */
const BUSY_READ_LIMIT_MS = 60_000;

/**
 * A stage's manifest and ETag. While an update of it is being applied (by
 * us a moment ago, or by another operator's flip) SMAPI answers 303 instead:
 * with `wait`, the read waits for it, showing progress, up to a limit.
 */
export async function readStageManifest(
  smapi: SmapiClient,
  skillId: string,
  stage: "development" | "certified" | "live",
  wait?: { clock: Clock; output?: Output },
): Promise<StageManifest | undefined> {
  const started = wait?.clock.now() ?? 0;
  for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 5_000)) {
    try {
      const response = await smapi.callGetSkillManifestV1(skillId, stage);
      return { manifest: response.body, etag: getValueFromHeader(response.headers, "etag")[0] ?? getValueFromHeader(response.headers, "ETag")[0] };
    } catch (error) {
      // A skill that was never published has no live stage; certified exists only until publication.
      if (stage !== "development" && statusCodeOf(error) === 404) return undefined;
      if (!wait || statusCodeOf(error) !== 303 || wait.clock.now() - started >= BUSY_READ_LIMIT_MS) throw error;
      wait.output?.progress(`the ${stage} manifest is being updated (303); reading it again in ${delayMs} ms`);
      await wait.clock.sleep(delayMs);
    }
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
  const { config } = deps;
  const skillId = config.skill.id;
  const context = { skillId, action: "reading the skill's release state" };
  const wait = deps.clock ? { clock: deps.clock, ...(deps.output ? { output: deps.output } : {}) } : undefined;
  const [fn, blue, green, development, live, certification] = await Promise.all([
    readFunction(deps.lambda, config),
    readAlias(deps.lambda, config.function.name, config.aliases.blue),
    readAlias(deps.lambda, config.function.name, config.aliases.green),
    smapiCall({ ...context, action: "reading the development manifest" }, () => readStageManifest(deps.smapi, skillId, "development", wait)),
    smapiCall({ ...context, action: "reading the live manifest" }, () => readStageManifest(deps.smapi, skillId, "live", wait)),
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
