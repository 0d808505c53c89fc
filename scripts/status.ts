import { parseArguments, runCommand, runMain, type CommandIO } from "../lib/cli";
import type { ReleaseDeps } from "../lib/release/deps";
import { status } from "../lib/release/commands/status";
import { renderStatus } from "../lib/release/render-status";
import { releaseDepsFromEnv } from "../lib/release/wire";

export const STATUS_HELP = `Usage: npm run status -- [--json]

Shows where the release stands, read fresh from Lambda and SMAPI: the blue and
green aliases (version, date, commit, code SHA-256), where each skill stage's
endpoint points and its colour, the latest certification, and the next step.
Changes nothing.

Options:
  --json    machine-readable output
  -h, --help  this text

Environment: PIPELINE_ENV, SKILL_ID, LAMBDA_FUNCTION_NAME, AWS_REGION, AWS credentials,
ASK_LWA_CLIENT_ID / ASK_LWA_CLIENT_SECRET / ASK_REFRESH_TOKEN (or ASK_ACCESS_TOKEN).`;

export async function main(argv: string[], io: CommandIO, options: { wire?: (io: CommandIO, options: { dryRun: boolean }) => ReleaseDeps } = {}): Promise<number> {
  return runCommand("status", io, async () => {
    const { values } = parseArguments(argv, { json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } }, STATUS_HELP);
    if (values.help) {
      io.stdout.write(`${STATUS_HELP}\n`);
      return;
    }
    const deps = (options.wire ?? releaseDepsFromEnv)(io, { dryRun: false });
    const report = await status(deps);
    if (values.json) deps.output.json(report);
    else deps.output.info(renderStatus(report));
  });
}

if (require.main === module) runMain("status", (io) => main(process.argv.slice(2), io));
