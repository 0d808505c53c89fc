import { runMain, type CommandIO } from "../lib/cli";
import { UsageError } from "../lib/errors";
import { flip } from "../lib/release/commands/flip";
import { releaseMain, type ReleaseMainOptions } from "../lib/release/command-line";

export const FLIP_HELP = `Usage: npm run flip -- [--to latest] [options]

The blue/green endpoint swap. Publishes $LATEST as a version (once its update
has finished), moves the candidate colour's alias (the one the live skill does
not use) to it after the version answers a LaunchRequest, checks the alias's
Alexa permission and answer, points every development endpoint (including
regional overrides) at the alias, waits for Amazon to apply the manifest, and
confirms through SMAPI's simulator ("open <invocation name>") that Alexa
reaches it. If Alexa does not, the development endpoint goes back where it was.

Never moves the live alias. Refuses while a certification is in progress (the
review uses the candidate). Running it again after a failure continues where
it stopped. Alias and manifest updates carry RevisionId and If-Match: a
concurrent change is reported (exit 4), never overwritten.

Options:
  --to latest   instead, point the development endpoint back at $LATEST
  -y, --yes     do not ask for confirmation (needed when not on a terminal)
  --dry-run     only read and check: list the calls a real run would make
  --json        print the result as JSON on standard output (messages go to standard error)
  -h, --help    show this help

Environment: PIPELINE_ENV, SKILL_ID, LAMBDA_FUNCTION_NAME, AWS_REGION, AWS credentials,
ASK_LWA_CLIENT_ID / ASK_LWA_CLIENT_SECRET / ASK_REFRESH_TOKEN (or ASK_ACCESS_TOKEN).
The new version is described by the date and the skill commit that deploy:function
recorded on the function, when that record belongs to $LATEST's code; else the date alone.

Exit status: 0 flipped, or nothing to do; 1 a step or a check failed (what moved
was moved back); 2 bad usage, or confirmation needed; 3 refused by an invariant
(a review in progress, a missing permission); 4 conflict with a concurrent change.
`;

export function main(argv: string[], io: CommandIO, options: ReleaseMainOptions = {}): Promise<number> {
  return releaseMain(
    {
      name: "flip",
      help: FLIP_HELP,
      options: { to: { type: "string" } },
      check: (values) => {
        if (values.to !== undefined && values.to !== "latest") throw new UsageError(`--to ${String(values.to)} is not understood; the only value is "latest".\n\n${FLIP_HELP}`);
      },
      run: async (values, deps) => flip({ to: values.to === "latest" ? "latest" : "candidate", yes: values.yes === true }, deps),
    },
    argv,
    io,
    options,
  );
}

if (require.main === module) runMain("flip", (io) => main(process.argv.slice(2), io));
