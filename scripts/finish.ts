import { runMain } from "../lib/cli";
import { finish } from "../lib/release/commands/finish";
import { releaseMain, type ReleaseIO, type ReleaseMainOptions } from "../lib/release/command-line";

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

export function main(argv: string[], io: ReleaseIO, options: ReleaseMainOptions = {}): Promise<number> {
  return releaseMain(
    {
      name: "finish",
      help: FINISH_HELP,
      options: { publish: { type: "boolean", default: false } },
      run: async (values, deps) => finish({ publish: values.publish }, deps),
      noteDryRun: true,
    },
    argv,
    io,
    options,
  );
}

if (require.main === module) runMain("finish", (io) => main(process.argv.slice(2), io));
