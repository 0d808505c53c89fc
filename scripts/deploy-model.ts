import { parseArguments, parseSeconds, runCommand, runMain, STANDARD_OPTIONS, type CommandIO } from "../lib/cli";
import { loadEnvironment, overrideNotices } from "../config";
import { systemClock, type Clock } from "../lib/clock";
import { readAskCredentials, readSmapiEndpoints, secretValues } from "../lib/credentials";
import { DEFAULT_BUILD_TIMEOUT_MS, deployModel, type DeployModelOptions } from "../lib/deploy/model";
import { UsageError } from "../lib/errors";
import { commandOutput } from "../lib/output";
import type { RetryPolicy } from "../lib/retry";
import { ResilientApiClient } from "../lib/smapi/api-client";
import { createSmapiClient } from "../lib/smapi/client";

/** Model builds take minutes; an hour means something is stuck. */
const MAX_BUILD_TIMEOUT_SECONDS = 3600;

export const HELP = `Usage: npm run deploy:model -- --skill-package <dir> [options]

Validates the interaction models of a skill package, uploads to the skill's
development stage those that differ from what it has, all at once, and waits
for Amazon to build them. CodeBuild runs it on every push.

The package is in the ASK CLI layout: <dir>/skill.json and
<dir>/interactionModels/custom/<locale>.json. Any validation error stops the
command before anything is uploaded.

While the skill is in certification review Amazon locks the development
stage: nothing is uploaded, a warning names the certification, and the
command exits 0; the first push after the review uploads the models.

Options:
  --skill-package <dir>  the skill package directory (required)
  --locale <locale>      only this locale's model (repeatable; default: every model in the package)
  --timeout <seconds>    how long to wait for the builds (default ${DEFAULT_BUILD_TIMEOUT_MS / 1000})
  --dry-run              read and compare only: list the uploads it would make, change nothing
  --json                 print the result as JSON on standard output (messages go to standard error)
  -h, --help             show this help

Environment: SKILL_ID (overrides the configured skill; PIPELINE_ENV selects the
environment), ASK_LWA_CLIENT_ID, ASK_LWA_CLIENT_SECRET (or
ASK_LWA_CLIENT_CONFIRMATION) and ASK_REFRESH_TOKEN, or ASK_ACCESS_TOKEN alone;
ASK_SMAPI_SERVER_BASE_URL and ASK_LWA_TOKEN_HOST (default: Amazon's).

Exit status: 0 deployed, nothing to do, or not uploaded because the skill is in
review; 1 a build failed or did not finish in time; 2 bad usage, configuration,
credentials or skill package (nothing uploaded); 4 somebody else changed a
model after it was read (it was not overwritten).
`;

export interface DeployModelArgs {
  help: boolean;
  packageDir: string;
  locales: string[];
  timeoutMs: number;
  dryRun: boolean;
  json: boolean;
}

export function parseDeployModelArgs(argv: readonly string[]): DeployModelArgs {
  const { values } = parseArguments(
    [...argv],
    {
      "skill-package": { type: "string" },
      locale: { type: "string", multiple: true },
      timeout: { type: "string" },
      ...STANDARD_OPTIONS,
    },
    HELP,
  );
  const help = values.help === true;
  const packageDir = values["skill-package"] ?? "";
  if (!help && packageDir === "") throw new UsageError(`--skill-package <dir> is required.\n\n${HELP}`);
  return {
    help,
    packageDir,
    locales: values.locale ?? [],
    timeoutMs: values.timeout === undefined ? DEFAULT_BUILD_TIMEOUT_MS : parseSeconds("--timeout", values.timeout, MAX_BUILD_TIMEOUT_SECONDS),
    dryRun: values["dry-run"] === true,
    json: values.json === true,
  };
}


/** What tests and the benchmark replace; everything else comes from the environment. */
export interface DeployModelWiring {
  clock?: Clock;
  retry?: RetryPolicy;
  random?: () => number;
  poll?: DeployModelOptions["poll"];
}

export async function main(
  argv: readonly string[] = process.argv.slice(2),
  io: CommandIO = { env: process.env, stdout: process.stdout, stderr: process.stderr },
  wiring: DeployModelWiring = {},
): Promise<number> {
  return runCommand("deploy:model", io, async () => {
    const args = parseDeployModelArgs(argv);
    if (args.help) {
      io.stdout.write(HELP);
      return;
    }
    const config = loadEnvironment({ env: io.env });
    const credentials = readAskCredentials(io.env);
    const endpoints = readSmapiEndpoints(io.env);
    const output = commandOutput(io, { json: args.json, secrets: secretValues(credentials), env: io.env });
    for (const notice of overrideNotices({ env: io.env })) output.progress(notice);
    const clock = wiring.clock ?? systemClock;
    const apiClient = new ResilientApiClient({
      clock,
      ...(wiring.retry && { retry: wiring.retry }),
      ...(wiring.random && { random: wiring.random }),
      onRetry: (message) => output.progress(message),
    });
    await deployModel(
      {
        skillId: config.skill.id,
        packageDir: args.packageDir,
        locales: args.locales,
        configuredLocales: config.skill.locales,
        dryRun: args.dryRun,
        json: args.json,
        timeoutMs: args.timeoutMs,
        ...(wiring.poll && { poll: wiring.poll }),
      },
      { smapi: createSmapiClient({ credentials, endpoints, apiClient }), clock, output },
    );
  });
}



if (require.main === module) runMain("deploy:model", (io) => main(process.argv.slice(2), io));
