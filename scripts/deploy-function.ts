import { dirname } from "node:path";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { S3Client } from "@aws-sdk/client-s3";
import { loadEnvironment, overrideNotices } from "../config";
import { createLambdaClient } from "../lib/aws/lambda-client";
import { createS3Client } from "../lib/aws/s3-client";
import { checkAwsEndpointOverrides, type AwsClientOptions } from "../lib/aws/client-config";
import { parseArguments, parseSeconds, runCommand, runMain, STANDARD_OPTIONS, type CommandIO } from "../lib/cli";
import { systemClock, type Clock } from "../lib/clock";
import { commitResolver, gitHistory, type CommitHistory, type ResolveCommit } from "../lib/lambda/commit";
import { deployFunction } from "../lib/deploy/function";
import type { PackageSource } from "../lib/deploy/package-input";
import { bucketName, packageBucketFromEnv, type PackageBucket } from "../lib/deploy/upload-plan";
import { UsageError } from "../lib/errors";
import { commandOutput } from "../lib/output";

export const HELP = `Usage: npm run deploy:function -- (--source <dir> | --zip <file>) [options]

Uploads a package to $LATEST of the skill's Lambda function, waits until
Lambda has applied it, and checks that $LATEST then has the package's SHA-256
and answers a LaunchRequest; if it does not answer, the code $LATEST had
before (saved first) is put back and the command fails. It records the
commit $LATEST holds (function tags), and refuses to replace code built from
a newer commit.
When $LATEST already has it, nothing is uploaded, so running this again after
a failure is safe. A directory is zipped deterministically: the same files
give the same SHA-256.

Package (exactly one):
  --source <dir>        zip this directory and upload it
  --zip <file>          upload this ready-made .zip

Options:
  --function <name>     the function (default: from the configuration, or LAMBDA_FUNCTION_NAME)
  --s3-bucket <bucket>  upload through this S3 bucket, in the function's region (default:
                        PACKAGE_BUCKET, used only for packages too large to send directly)
  --publish             then publish a version described by the date and the commit,
                        e.g. "2026-11-25 commit 3f9c2a1"
  --timeout <seconds>   how long to wait for an update to finish (default: 300)
  --dry-run             only read: list the calls a real run would make
  --json                print the result as JSON on standard output (messages go to standard error)
  -h, --help            show this help

Environment: PIPELINE_ENV (the configured environment), LAMBDA_FUNCTION_NAME and
AWS_REGION (override the configuration), PACKAGE_BUCKET, CODEBUILD_RESOLVED_SOURCE_VERSION
(the commit; else git's HEAD where the package is); AWS credentials from the default
chain; AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL_S3 for a sandbox.

Exit status: 0 deployed, or already in place; 1 failed (the previous code is back
on $LATEST unless the message says otherwise); 2 bad usage or configuration;
3 refused: $LATEST holds code of a newer commit; 4 conflict with a concurrent
change (nothing was overwritten).
`;

const DEFAULT_TIMEOUT_SECONDS = 300;
const MAX_TIMEOUT_SECONDS = 3600;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export interface DeployFunctionArgs {
  help: boolean;
  source?: PackageSource;
  functionName?: string;
  s3Bucket?: string;
  publish: boolean;
  dryRun: boolean;
  json: boolean;
  timeoutMs: number;
}

export function parseDeployFunctionArgs(argv: readonly string[]): DeployFunctionArgs {
  const { values } = parseArguments(
    [...argv],
    {
      source: { type: "string" },
      zip: { type: "string" },
      function: { type: "string" },
      "s3-bucket": { type: "string" },
      publish: { type: "boolean", default: false },
      timeout: { type: "string" },
      ...STANDARD_OPTIONS,
    },
    HELP,
  );
  const flags = { publish: values.publish === true, dryRun: values["dry-run"] === true, json: values.json === true };
  if (values.help === true) return { help: true, ...flags, timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000 };
  const given = (value: string | undefined) => (value === undefined || value === "" ? undefined : value);
  const dir = given(values.source);
  const file = given(values.zip);
  if ((dir === undefined) === (file === undefined)) {
    throw new UsageError(`Give the package with exactly one of --source <dir> or --zip <file>${dir !== undefined ? ", not both" : ""}.\n\n${HELP}`);
  }
  const functionName = given(values.function);
  if (functionName !== undefined && !FUNCTION_NAME.test(functionName)) {
    throw new UsageError(`--function takes a Lambda function name (1-64 letters, digits, - or _), got ${JSON.stringify(functionName)}.`);
  }
  const s3Bucket = given(values["s3-bucket"]);
  if (s3Bucket !== undefined) bucketName(s3Bucket, "--s3-bucket");
  return {
    help: false,
    source: dir !== undefined ? { kind: "source", dir } : { kind: "zip", file: file as string },
    ...(functionName !== undefined && { functionName }),
    ...(s3Bucket !== undefined && { s3Bucket }),
    ...flags,
    timeoutMs: values.timeout === undefined ? DEFAULT_TIMEOUT_SECONDS * 1000 : parseSeconds("--timeout", values.timeout, MAX_TIMEOUT_SECONDS),
  };
}


/** --s3-bucket always goes through S3; PACKAGE_BUCKET only when the package needs it. */
function packageBucket(args: DeployFunctionArgs, env: NodeJS.ProcessEnv): PackageBucket | undefined {
  if (args.s3Bucket !== undefined) return { name: args.s3Bucket, from: "--s3-bucket" };
  return packageBucketFromEnv(env);
}


export interface DeployFunctionCliDeps extends CommandIO {
  /** Client factories; tests point the real SDK clients at the emulators. */
  lambdaClient?: (options: AwsClientOptions) => LambdaClient;
  s3Client?: (options: AwsClientOptions) => S3Client;
  clock?: Clock;
  resolveCommit?: ResolveCommit;
  history?: CommitHistory;
  needsS3Upload?: (size: number) => boolean;
}

export async function main(
  argv: readonly string[] = process.argv.slice(2),
  io: DeployFunctionCliDeps = { env: process.env, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  return runCommand("deploy:function", io, async () => {
    const args = parseDeployFunctionArgs(argv);
    if (args.help || args.source === undefined) {
      io.stdout.write(HELP);
      return;
    }
    const config = loadEnvironment({ env: io.env });
    checkAwsEndpointOverrides(io.env);
    const output = commandOutput(io, { json: args.json, env: io.env });
    for (const notice of overrideNotices({ env: io.env })) output.warn(notice);
    const region = config.region;
    const bucket = packageBucket(args, io.env);
    const onRetry = (message: string) => output.progress(message);
    const lambda = (io.lambdaClient ?? createLambdaClient)({ region, onRetry });
    const packageDir = args.source.kind === "source" ? args.source.dir : dirname(args.source.file);
    let s3: S3Client | undefined;
    try {
      const result = await deployFunction(
        {
          functionName: args.functionName ?? config.function.name,
          region,
          source: args.source,
          ...(bucket !== undefined && { bucket }),
          publish: args.publish,
          dryRun: args.dryRun,
          timeoutMs: args.timeoutMs,
          launch: config,
        },
        {
          lambda,
          s3: () => (s3 ??= (io.s3Client ?? createS3Client)({ region, onRetry })),
          output,
          clock: io.clock ?? systemClock,
          resolveCommit: io.resolveCommit ?? commitResolver(io.env, packageDir),
          history: io.history ?? gitHistory(packageDir),
          ...(io.needsS3Upload !== undefined && { needsS3Upload: io.needsS3Upload }),
        },
      );
      if (args.json) output.json(result);
    } finally {
      lambda.destroy();
      s3?.destroy();
    }
  });
}

if (require.main === module) runMain("deploy:function", (io) => main(process.argv.slice(2), io));
