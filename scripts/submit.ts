import { runMain } from "../lib/cli";
import { UsageError } from "../lib/errors";
import { submit } from "../lib/release/commands/submit";
import { releaseMain, type ReleaseIO, type ReleaseMainOptions } from "../lib/release/command-line";

export const SUBMIT_HELP = `Usage: npm run submit -- [--publication-method manual|auto] [--message <text>] [--dry-run] [--json] [--yes]

Submits the skill for certification once the development endpoint points at
the candidate colour (npm run flip put it there). First it checks, read fresh:
  - no certification is in review (a re-run after a submission says
    "already submitted" and changes nothing);
  - development points at the candidate alias (blue or green, the one live
    does not use), not at $LATEST or the live colour;
  - the candidate alias answers a LaunchRequest with a well-formed Alexa
    response, from the version it points at now (smoke test).
Then it asks for confirmation, runs Amazon's skill validations and waits for
them, and submits. No alias is moved. While the review runs, Amazon locks the
development stage and flip refuses to move the candidate.

Options:
  --publication-method manual|auto
              manual (default): a passed review waits in the certified stage
              until someone publishes it (developer console, or
              npm run finish -- --publish); auto: Amazon publishes it as soon
              as it passes
  --message <text>
              the version message (1 to 300 characters); default: the
              candidate alias, its version and that version's description
  --dry-run   list the calls that would change anything, and change nothing
  --json      machine-readable result on stdout
  --yes       do not ask for confirmation (required when not on a terminal)
  --help      this text

Exit codes: 0 submitted, already submitted, or not confirmed; 1 a validation or
call failed; 2 bad usage or configuration; 3 refused (not on a smoke-tested
candidate, or another review in progress); 4 a concurrent change.`;

export function main(argv: string[], io: ReleaseIO, options: ReleaseMainOptions = {}): Promise<number> {
  return releaseMain(
    {
      name: "submit",
      help: SUBMIT_HELP,
      options: { "publication-method": { type: "string", default: "manual" }, message: { type: "string" } },
      check: (values) => void publicationMethod(values["publication-method"]),
      run: async (values, deps) =>
        submit({ publicationMethod: publicationMethod(values["publication-method"]), ...(values.message !== undefined ? { message: values.message } : {}) }, deps),
      noteDryRun: true,
    },
    argv,
    io,
    options,
  );
}

function publicationMethod(method: string): "manual" | "auto" {
  if (method !== "manual" && method !== "auto") throw new UsageError(`--publication-method must be manual or auto, not "${method}".\n\n${SUBMIT_HELP}`);
  return method;
}

if (require.main === module) runMain("submit", (io) => main(process.argv.slice(2), io));
