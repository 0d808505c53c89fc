import { loadEnvironment } from "../../config";
import { checkAwsEndpointOverrides, type AwsClientOptions } from "../aws/client-config";
import { createCloudWatchClient } from "../aws/cloudwatch-client";
import { createLambdaClient } from "../aws/lambda-client";
import { systemClock } from "../clock";
import { readAskCredentials, readSmapiEndpoints, secretValues } from "../credentials";
import { commandOutput } from "../output";
import { ResilientApiClient, type ResilientApiClientOptions } from "../smapi/api-client";
import { createSmapiClient } from "../smapi/client";
import type { CommandIO } from "../cli";
import { type ReleaseDeps } from "./deps";
import { DryRunPlan } from "../dry-run";

/**
 * Builds a release command's dependencies from the environment: the
 * configuration, the real Lambda and SMAPI clients, console output that
 * redacts the credentials, and the system clock. Configuration and
 * credentials are checked before any call is made.
 */
export function releaseDepsFromEnv(
  io: CommandIO,
  options: { dryRun: boolean; json?: boolean; clients?: { aws?: Partial<AwsClientOptions>; smapi?: ResilientApiClientOptions } },
): ReleaseDeps {
  const config = loadEnvironment({ env: io.env });
  checkAwsEndpointOverrides(io.env);
  const credentials = readAskCredentials(io.env);
  const endpoints = readSmapiEndpoints(io.env);
  const output = commandOutput(io, { json: options.json ?? false, secrets: secretValues(credentials), env: io.env });
  return {
    config,
    lambda: createLambdaClient({ ...options.clients?.aws, region: config.region, onRetry: (m) => output.progress(m) }),
    cloudwatch: createCloudWatchClient({ ...options.clients?.aws, region: config.region, onRetry: (m) => output.progress(m) }),
    smapi: createSmapiClient({ credentials, endpoints, apiClient: new ResilientApiClient({ ...options.clients?.smapi, onRetry: (m) => output.progress(m) }) }),
    output,
    clock: systemClock,
    resolveCommit: skillCommitResolver(io.env),
    ...(options.dryRun ? { dryRun: new DryRunPlan() } : {}),
  };
}

/**
 * The skill's commit that $LATEST holds, for the description of the version
 * a release publishes. Only what is known for sure: SKILL_COMMIT (set it to
 * the skill repository's commit CodeBuild deployed), or CodeBuild's own
 * resolved source version. Never this repository's git HEAD: the operator
 * runs the release from the pipeline's checkout, whose commit says nothing
 * about the skill's code. Unknown → the description is the date alone.
 */
export function skillCommitResolver(env: NodeJS.ProcessEnv): () => Promise<string | undefined> {
  return async () => env.SKILL_COMMIT?.trim() || env.CODEBUILD_RESOLVED_SOURCE_VERSION?.trim() || undefined;
}
