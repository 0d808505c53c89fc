import { CREDENTIAL_VARIABLES, redactor } from "../../lib/output";
import type { ReleaseIO } from "../../lib/release/command-line";

export type Main = (argv: string[], io: ReleaseIO) => Promise<number>;

/**
 * A script's main as its process behaves. The shared entry point reports
 * every failure itself; should a main still throw, the process would print
 * it as an unexpected failure and exit 1, which is what the proofs then see.
 */
export function asProcess(name: string, main: Main): Main {
  return async (argv, io) => {
    try {
      return await main(argv, io);
    } catch (error) {
      const redact = redactor(CREDENTIAL_VARIABLES.map((variable) => io.env[variable]));
      io.stderr.write(redact(`${name}: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`));
      return 1;
    }
  };
}

/** What a failure looks like that no typed error explains: a bug, not a message a person can act on. */
export const UNTYPED_FAILURE = /unexpected failure|internal error \(a bug|\n\s+at \S+ \(/;
