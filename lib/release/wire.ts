import type { LambdaClient } from "@aws-sdk/client-lambda";
import { loadEnvironment } from "../../config";
import { recordedCommitOf } from "../lambda/commit-record";
import { createLambdaClient } from "../aws/lambda-client";
import { systemClock } from "../clock";
import { readAskCredentials, readSmapiEndpoints, secretValues } from "../credentials";
import { streamOutput } from "../output";
import { ResilientApiClient } from "../smapi/api-client";
import { createSmapiClient } from "../smapi/client";
import type { CommandIO } from "../cli";
import { DryRunPlan, type ReleaseDeps } from "./deps";

/**
 * Builds a release command's dependencies from the environment: the
 * configuration, the real Lambda and SMAPI clients, console output that
 * redacts the credentials, and the system clock. Configuration and
 * credentials are checked before any call is made.
 */
export function releaseDepsFromEnv(io: CommandIO, options: { dryRun: boolean }): ReleaseDeps {
  const config = loadEnvironment({ env: io.env });
  const credentials = readAskCredentials(io.env);
  const endpoints = readSmapiEndpoints(io.env);
  const lambda = createLambdaClient({ region: config.region });
  const output = streamOutput({ stdout: io.stdout as NodeJS.WritableStream, stderr: io.stderr as NodeJS.WritableStream, secrets: secretValues(credentials) });
  return {
    config,
    lambda,
    smapi: createSmapiClient({ credentials, endpoints, apiClient: new ResilientApiClient({ onRetry: (m) => output.progress(m) }) }),
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
