import { runMain, type CommandIO } from "../lib/cli";
import { promote } from "../lib/release/commands/promote";
import { releaseMain, type ReleaseMainOptions } from "../lib/release/command-line";

export const PROMOTE_HELP = `Usage: npm run promote -- [options]

The production update without re-certification, for new code or a new
function configuration (runtime, memory, timeout, environment, role):
publishes $LATEST as a version once its update has finished (Lambda gives
back the last version when neither code nor configuration changed since),
and when that version is not the live alias's, checks that it answers a
LaunchRequest and moves the live alias (the alias the live skill's endpoint
points at: blue, green or a legacy production-N) to it, recording the version
it leaves in the alias's description for npm run rollback. After the move the
alias must answer too, or it is moved back. The live alias must carry the
skill's Alexa permission first (npx cdktf deploy restores it). The move carries
the alias's RevisionId: if somebody else changed the alias meanwhile, nothing
is overwritten (exit 4). Running it again after a failure continues where it
stopped. The confirmation names the version, so it is asked after the publish;
a version left unused is given back by the next run.

Options:
  -y, --yes    do not ask for confirmation (needed when not on a terminal)
  --dry-run    only read and check: list the calls a real run would make
  --json       print the result as JSON on standard output (messages go to standard error)
  -h, --help   show this help

Environment: PIPELINE_ENV, SKILL_ID, LAMBDA_FUNCTION_NAME, AWS_REGION, AWS credentials,
ASK_LWA_CLIENT_ID / ASK_LWA_CLIENT_SECRET / ASK_REFRESH_TOKEN (or ASK_ACCESS_TOKEN),
SKILL_COMMIT (the skill's commit on $LATEST, to describe the new version by; else the date alone).

Exit status: 0 promoted, or nothing to promote; 1 a step or a check failed (live
is as it was); 2 bad usage, or confirmation needed; 3 refused (live is not on an
alias, a review uses the live alias, or Alexa may not invoke it); 4 conflict with a concurrent change.
`;

/** The options of main: how the dependencies are wired, where the confirmation is read. */
export type PromoteMainOptions = ReleaseMainOptions;

export function main(argv: string[], io: CommandIO, options: PromoteMainOptions = {}): Promise<number> {
  return releaseMain({ name: "promote", help: PROMOTE_HELP, run: async (values, deps) => promote({ yes: values.yes }, deps) }, argv, io, options);
}

if (require.main === module) runMain("promote", (io) => main(process.argv.slice(2), io));
