import { runMain, type CommandIO } from "../lib/cli";
import { rollback, ROLLBACK_HELP } from "../lib/release/commands/rollback";
import { rollbackRelease, ROLLBACK_RELEASE_HELP } from "../lib/release/commands/rollback-release";
import { releaseMain, type ReleaseMainOptions } from "../lib/release/command-line";

const HELP = `${ROLLBACK_HELP}\n${ROLLBACK_RELEASE_HELP}`;

/** npm run rollback: the live alias back to its previous version, or (--release) the live skill back to its previous certification. */
export function main(argv: string[], io: CommandIO, options: ReleaseMainOptions = {}): Promise<number> {
  return releaseMain(
    {
      name: "rollback",
      help: HELP,
      options: { release: { type: "boolean", default: false } },
      run: async (values, deps) => (values.release ? rollbackRelease({}, deps) : rollback({ yes: values.yes === true }, deps)),
    },
    argv,
    io,
    options,
  );
}

if (require.main === module) runMain("rollback", (io) => main(process.argv.slice(2), io));
