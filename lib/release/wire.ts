import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { loadEnvironment } from "../../config";
import { createLambdaClient } from "../aws/lambda-client";
import { systemClock } from "../clock";
import { readAskCredentials, readSmapiEndpoints, secretValues } from "../credentials";
import { streamOutput } from "../output";
import { ResilientApiClient } from "../smapi/api-client";
import { createSmapiClient } from "../smapi/client";
import type { CommandIO } from "../cli";
import { DryRunPlan, type ReleaseDeps } from "./deps";

/** The commit to describe a version by: CodeBuild's resolved source version, else git in the working directory. */
export function commitResolver(env: NodeJS.ProcessEnv, cwd = process.cwd()): () => Promise<string | undefined> {
  return async () => {
    if (env.CODEBUILD_RESOLVED_SOURCE_VERSION) return env.CODEBUILD_RESOLVED_SOURCE_VERSION;
    try {
      const { stdout } = await promisify(execFile)("git", ["rev-parse", "HEAD"], { cwd, timeout: 5000 });
      return stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  };
}

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
  const output = streamOutput({ stdout: io.stdout as NodeJS.WritableStream, stderr: io.stderr as NodeJS.WritableStream, secrets: secretValues(credentials) });
  return {
    config,
    lambda: createLambdaClient({ region: config.region }),
    smapi: createSmapiClient({ credentials, endpoints, apiClient: new ResilientApiClient({ onRetry: (m) => output.progress(m) }) }),
    output,
    clock: systemClock,
    resolveCommit: commitResolver(io.env),
    ...(options.dryRun ? { dryRun: new DryRunPlan() } : {}),
  };
}
