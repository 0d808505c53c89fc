import { runMain, type CommandIO } from "../lib/cli";
import { UsageError } from "../lib/errors";
import { promote } from "../lib/release/commands/promote";
import { completeCanary, promoteCanary, type CanaryOptions } from "../lib/release/commands/canary";
import { releaseMain, type ReleaseMainOptions } from "../lib/release/command-line";
import { DEFAULT_MAX_ERRORS, DEFAULT_MIN_INVOCATIONS, PERCENT_LIMITS, parseBake, parseCount, parsePercent } from "../lib/release/canary/settings";

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

With --canary, gradually: after the smoke test the live alias sends <percent>
of its traffic to the new version (the rest stays on the version it had),
CloudWatch's Invocations and Errors of both versions (and the alias's alarm,
when canary.alarm is configured) are read once a minute, and the canary ends
by itself: errors roll it back at once; after the bake, with enough
invocations of the new version, it completes. With too few it is left in
place and the command exits 1: --complete finishes it, npm run rollback
undoes it. The canary is recorded in the alias's description: running
--canary again after a crash resumes it (with --bake etc. if given, else the
recorded values). Plain promote and flip refuse while a canary is in progress.

Options:
  --canary <percent>        send this share of live traffic (${PERCENT_LIMITS.min}-${PERCENT_LIMITS.max}, whole percent) to the new version first
  --bake <duration>         with --canary: how long to watch before a verdict, 10m to 24h (default 2h)
  --min-invocations <n>     with --canary: invocations of the new version a verdict needs (default ${DEFAULT_MIN_INVOCATIONS})
  --max-errors <n>          with --canary: errors of the new version that roll it back, when its
                            error rate is also above the old version's (default ${DEFAULT_MAX_ERRORS})
  --complete                finish the canary in progress now: all traffic to the new version
  -y, --yes    do not ask for confirmation (needed when not on a terminal)
  --dry-run    only read and check: list the calls a real run would make
  --json       print the result as JSON on standard output (messages go to standard error)
  -h, --help   show this help

Environment: PIPELINE_ENV, SKILL_ID, LAMBDA_FUNCTION_NAME, AWS_REGION, AWS credentials,
ASK_LWA_CLIENT_ID / ASK_LWA_CLIENT_SECRET / ASK_REFRESH_TOKEN (or ASK_ACCESS_TOKEN).
The new version is described by the date and the skill commit that deploy:function
recorded on the function, when that record belongs to $LATEST's code; else the date alone.

Exit status: 0 promoted (a canary completed), or nothing to promote; 1 a step or
a check failed (live is as it was), a canary rolled back, or a canary was left
in place without a verdict (the message says what to do); 2 bad usage, or
confirmation needed; 3 refused (live is not on an alias, a review uses the live
alias, Alexa may not invoke it, a canary is in progress, or the alias's alarm is
already in ALARM); 4 conflict with a concurrent change.
`;

/** The options of main: how the dependencies are wired, where the confirmation is read. */
export type PromoteMainOptions = ReleaseMainOptions;

const CANARY_OPTIONS = {
  canary: { type: "string" },
  bake: { type: "string" },
  "min-invocations": { type: "string" },
  "max-errors": { type: "string" },
  complete: { type: "boolean", default: false },
} as const;

type CanaryValues = { canary?: string | undefined; bake?: string | undefined; "min-invocations"?: string | undefined; "max-errors"?: string | undefined; complete?: boolean | undefined };

/** The canary's options, checked before anything is read: undefined for a plain promote. */
export function canaryOptions(values: CanaryValues): Omit<CanaryOptions, "yes"> | undefined {
  const tuning = (["bake", "min-invocations", "max-errors"] as const).filter((flag) => values[flag] !== undefined);
  if (values.complete && (values.canary !== undefined || tuning.length > 0)) {
    throw new UsageError(`--complete finishes the canary in progress and takes no ${values.canary !== undefined ? "--canary" : `--${tuning[0]}`}.\n\n${PROMOTE_HELP}`);
  }
  if (values.canary === undefined) {
    if (tuning.length > 0) throw new UsageError(`--${tuning[0]} goes with --canary <percent>.\n\n${PROMOTE_HELP}`);
    return undefined;
  }
  return {
    weight: parsePercent(values.canary),
    ...(values.bake !== undefined ? { bakeMs: parseBake(values.bake) } : {}),
    ...(values["min-invocations"] !== undefined ? { minInvocations: parseCount("--min-invocations", values["min-invocations"], 10_000) } : {}),
    ...(values["max-errors"] !== undefined ? { maxErrors: parseCount("--max-errors", values["max-errors"], 1_000) } : {}),
  };
}

export function main(argv: string[], io: CommandIO, options: PromoteMainOptions = {}): Promise<number> {
  return releaseMain(
    {
      name: "promote",
      help: PROMOTE_HELP,
      options: CANARY_OPTIONS,
      check: (values) => void canaryOptions(values),
      run: async (values, deps) => {
        if (values.complete) return completeCanary({ yes: values.yes }, deps);
        const canary = canaryOptions(values);
        return canary ? promoteCanary({ yes: values.yes, ...canary }, deps) : promote({ yes: values.yes }, deps);
      },
    },
    argv,
    io,
    options,
  );
}

if (require.main === module) runMain("promote", (io) => main(process.argv.slice(2), io));
