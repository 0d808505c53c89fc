import { parseArguments, runCommand, runMain, type CommandIO } from "../lib/cli";
import { UsageError } from "../lib/errors";
import type { Output } from "../lib/output";
import { submit, type SubmitOptions } from "../lib/release/commands/submit";
import { confirmer } from "../lib/release/confirm";
import { releaseDepsFromEnv } from "../lib/release/wire";

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

export async function main(argv: string[], io: CommandIO & { stdin?: NodeJS.ReadableStream & { isTTY?: boolean } }): Promise<number> {
  return runCommand("submit", io, async () => {
    const { values } = parseArguments(
      argv,
      {
        "publication-method": { type: "string", default: "manual" },
        message: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        yes: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      SUBMIT_HELP,
    );
    if (values.help) {
      io.stdout.write(`${SUBMIT_HELP}\n`);
      return;
    }
    const method = values["publication-method"];
    if (method !== "manual" && method !== "auto") throw new UsageError(`--publication-method must be manual or auto, not "${method}".\n\n${SUBMIT_HELP}`);
    const options: SubmitOptions = { publicationMethod: method, ...(values.message !== undefined ? { message: values.message } : {}) };
    const deps = releaseDepsFromEnv(io, { dryRun: values["dry-run"] });
    const output = values.json ? humanToStderr(deps.output) : deps.output;
    const report = await submit(options, { ...deps, output, confirm: confirmer({ yes: values.yes, ...(io.stdin ? { input: io.stdin } : {}) }) });
    if (values.json) deps.output.json(report);
    else if (deps.dryRun) output.info("Dry run: nothing was changed.");
  });
}

/** With --json, stdout carries the JSON alone; what people read goes to stderr. */
function humanToStderr(output: Output): Output {
  return { ...output, info: (m) => output.progress(m) };
}

if (require.main === module) runMain("submit", (io) => main(process.argv.slice(2), io));
