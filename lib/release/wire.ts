import type { LambdaClient } from "@aws-sdk/client-lambda";
import { loadEnvironment } from "../../config";
import { checkAwsEndpointOverrides, type AwsClientOptions } from "../aws/client-config";
import { createCloudWatchClient } from "../aws/cloudwatch-client";
import { recordedCommitOf } from "../lambda/commit-record";
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
  const lambda = createLambdaClient({ ...options.clients?.aws, region: config.region, onRetry: (m) => output.progress(m) });
  return {
    config,
    lambda,
    cloudwatch: createCloudWatchClient({ ...options.clients?.aws, region: config.region, onRetry: (m) => output.progress(m) }),
    smapi: createSmapiClient({ credentials, endpoints, apiClient: new ResilientApiClient({ ...options.clients?.smapi, onRetry: (m) => output.progress(m) }) }),
    output,
    clock: systemClock,
    resolveCommit: recordedCommitResolver(lambda, config.function.name),
    ...(options.dryRun ? { dryRun: new DryRunPlan() } : {}),
  };
}

/**
 * The skill's commit for the description of the version a release publishes:
 * the record deploy:function keeps on the function, only when it belongs to
 * the code being published. Never a shell variable (it could name any commit)
 * nor this repository's git HEAD (the operator's checkout of the pipeline says
 * nothing about the skill's code). Unknown → the description is the date alone.
 */
export function recordedCommitResolver(lambda: LambdaClient, functionName: string): (codeSha256: string) => Promise<string | undefined> {
  return (codeSha256) => recordedCommitOf(lambda, functionName, codeSha256);
}
