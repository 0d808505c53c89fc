import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { S3Client } from "@aws-sdk/client-s3";
import { loadEnvironment, overrideNotices } from "../config";
import type { AwsClientOptions } from "../lib/aws/client-config";
import { createLambdaClient } from "../lib/aws/lambda-client";
import { createS3Client } from "../lib/aws/s3-client";
import { buildPackage as realBuildPackage, type BuildOptions, type BuiltPackage } from "../lib/build";
import { parseArguments, requiredRepo, runCommand, runMain, STANDARD_OPTIONS, type CommandIO } from "../lib/cli";
import { commandOutput } from "../lib/output";
import { systemClock, type Clock } from "../lib/clock";
import { readAskCredentials, readSmapiEndpoints } from "../lib/credentials";
import { commitResolver, gitHistory } from "../lib/lambda/commit";
import { deploySkill, type DeploySkillDeps } from "../lib/deploy/skill";
import { packageBucketFromEnv } from "../lib/deploy/upload-plan";
import { ResilientApiClient } from "../lib/smapi/api-client";
import { createSmapiClient } from "../lib/smapi/client";

export const HELP = `Usage: npm run deploy:skill -- --repo <skill checkout> [--dry-run] [--json]

What CodeBuild runs on every push of the skill's branch, and what you can run
on any checkout of the skill:

  1. build the Lambda package (ASK CLI project conventions, or the
     configuration's recipe) and check it locally: handler at the root,
     Lambda's size limits, a LaunchRequest answered by the packaged handler;
  2. deploy it to $LATEST, wait, verify its SHA-256, invoke $LATEST with a
     LaunchRequest, and put the previous code back if it does not answer;
     record the commit $LATEST now holds; refuse (exit 3) to replace code
     built from a newer commit;
  3. upload the interaction models that changed and wait for their builds;
  4. upload skill.json to the development stage when it changed, keeping the
     stage's endpoints (the release commands own them).

A failed step stops the later ones. An unchanged push uploads nothing. While
the skill is in certification review, $LATEST is still updated, and the models
and skill.json wait for the first push after the review (exit 0, a warning).

Options:
  --repo <dir>   the skill's checkout (an ASK CLI v2 project)
  --dry-run      build and check locally, read the remote state, list what a real
                 run would upload; change nothing remote
  --json         print the result as JSON on standard output (messages go to standard error)
  -h, --help     show this help

Environment: PIPELINE_ENV, SKILL_ID, LAMBDA_FUNCTION_NAME, AWS_REGION (the
configuration and its overrides); CODEBUILD_RESOLVED_SOURCE_VERSION (the commit;
else git's HEAD in --repo); PACKAGE_BUCKET (packages too large to send
directly); AWS credentials from the default chain; ASK_LWA_CLIENT_ID,
ASK_LWA_CLIENT_SECRET and ASK_REFRESH_TOKEN, or ASK_ACCESS_TOKEN; pip's own
PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX; AWS_ENDPOINT_URL_LAMBDA,
ASK_SMAPI_SERVER_BASE_URL, ASK_LWA_TOKEN_HOST for a sandbox.

Exit status: 0 deployed, nothing to do, or models and manifest deferred by a
review; 1 a build, check, upload or Amazon's build failed (the new code did not
stay on $LATEST unless the message says so); 2 bad usage, configuration,
credentials or skill package; 3 refused: $LATEST holds a newer commit;
4 conflict with a concurrent change (nothing was overwritten).
`;

export interface DeploySkillCliDeps extends CommandIO {
  lambdaClient?: (options: AwsClientOptions) => LambdaClient;
  s3Client?: (options: AwsClientOptions) => S3Client;
  clock?: Clock;
  buildPackage?: (options: BuildOptions) => Promise<BuiltPackage>;
  poll?: DeploySkillDeps["poll"];
  smapiRetry?: { attempts: number; baseDelayMs: number; maxDelayMs: number };
}

export async function main(argv: readonly string[] = process.argv.slice(2), io: DeploySkillCliDeps = { env: process.env, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  return runCommand("deploy:skill", io, async () => {
    const { values } = parseArguments(
      [...argv],
      {
        repo: { type: "string" },
        ...STANDARD_OPTIONS,
      },
      HELP,
    );
    if (values.help === true) {
      io.stdout.write(HELP);
      return;
    }
    const repo = requiredRepo(values.repo, HELP);
    const json = values.json === true;
    const config = loadEnvironment({ env: io.env });
    // Everything is checked before the first remote call: configuration, credentials, bucket.
    const credentials = readAskCredentials(io.env);
    const endpoints = readSmapiEndpoints(io.env);
    const bucket = packageBucketFromEnv(io.env);
    const output = commandOutput(io, { json, env: io.env });
    for (const notice of overrideNotices({ env: io.env })) output.warn(notice);
    const clock = io.clock ?? systemClock;
    const lambda = (io.lambdaClient ?? createLambdaClient)({ region: config.region });
    let s3: S3Client | undefined;
    try {
      const smapi = createSmapiClient({
        credentials,
        endpoints,
        apiClient: new ResilientApiClient({ clock, ...(io.smapiRetry && { retry: io.smapiRetry }), onRetry: (m) => output.progress(m) }),
      });
      const result = await deploySkill(
        { repo, config, dryRun: values["dry-run"] === true, env: io.env, ...(bucket !== undefined && { bucket }) },
        {
          buildPackage: io.buildPackage ?? realBuildPackage,
          lambda,
          s3: () => (s3 ??= (io.s3Client ?? createS3Client)({ region: config.region })),
          smapi,
          output,
          clock,
          resolveCommit: commitResolver(io.env, repo),
          history: gitHistory(repo),
          ...(io.poll !== undefined && { poll: io.poll }),
        },
      );
      if (json) output.json(result);
    } finally {
      lambda.destroy();
      s3?.destroy();
    }
  });
}

if (require.main === module) runMain("deploy:skill", (io) => main(process.argv.slice(2), io));
