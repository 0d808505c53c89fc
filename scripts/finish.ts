import { parseArguments, runCommand, runMain, type CommandIO } from "../lib/cli";
import type { Output } from "../lib/output";
import { finish } from "../lib/release/commands/finish";
import { confirmer } from "../lib/release/confirm";
import { releaseDepsFromEnv } from "../lib/release/wire";

export const FINISH_HELP = `Usage: npm run finish -- [--publish] [--dry-run] [--json] [--yes]

Closes a release, read fresh from Lambda and SMAPI:
  - published: live now points at the former candidate (the colours have
    swapped). The development endpoint goes back to $LATEST, and a legacy
    production-N alias that no stage uses any more is named.
  - passed with manual publishing, not yet published: says so and changes
    nothing; with --publish it publishes the certified version, waits until
    it is live, then finishes.
  - failed or withdrawn review: the development endpoint goes back to
    $LATEST, and the steps to re-submit are printed (fix, npm run flip moves
    the same candidate alias to the new code, npm run submit).
  - still in review: refuses (exit 3), naming the certification.
No alias is moved. Running it again after it finished changes nothing.

Options:
  --publish   publish a version that passed with manual publishing, then finish
  --dry-run   list the calls that would change anything, and change nothing
  --json      machine-readable result on stdout
  --yes       do not ask for confirmation (required when not on a terminal)
  --help      this text

Exit codes: 0 done, nothing to do, or waiting for publication; 1 a call failed;
2 bad usage or configuration; 3 refused (in review, or the release was not
published); 4 a concurrent change.`;

export async function main(argv: string[], io: CommandIO & { stdin?: NodeJS.ReadableStream & { isTTY?: boolean } }): Promise<number> {
  return runCommand("finish", io, async () => {
    const { values } = parseArguments(
      argv,
      {
        publish: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        yes: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      FINISH_HELP,
    );
    if (values.help) {
      io.stdout.write(`${FINISH_HELP}\n`);
      return;
    }
    const deps = releaseDepsFromEnv(io, { dryRun: values["dry-run"] });
    const output = values.json ? humanToStderr(deps.output) : deps.output;
    const report = await finish({ publish: values.publish }, { ...deps, output, confirm: confirmer({ yes: values.yes, ...(io.stdin ? { input: io.stdin } : {}) }) });
    if (values.json) deps.output.json(report);
    else if (deps.dryRun) output.info("Dry run: nothing was changed.");
  });
}

/** With --json, stdout carries the JSON alone; what people read goes to stderr. */
function humanToStderr(output: Output): Output {
  return { ...output, info: (m) => output.progress(m) };
}

if (require.main === module) runMain("finish", (io) => main(process.argv.slice(2), io));
