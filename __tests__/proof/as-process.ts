import { redactEnvironment } from "../../lib/cli";
import type { ReleaseIO } from "../../lib/release/command-line";

export type Main = (argv: string[], io: ReleaseIO) => Promise<number>;

/**
 * A script's main as its process behaves: runMain reports an error that is
 * not typed as an unexpected failure, with its stack, through the same
 * redaction, and exits 1.
 */
export function asProcess(name: string, main: Main): Main {
  return async (argv, io) => {
    try {
      return await main(argv, io);
    } catch (error) {
      io.stderr.write(redactEnvironment(io.env)(`${name}: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`));
      return 1;
    }
  };
}
