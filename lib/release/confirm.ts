import { createInterface } from "node:readline/promises";
import { UsageError } from "../errors";

/** Asks a yes/no question; resolves true only on an explicit yes. */
export type Confirm = (question: string) => Promise<boolean>;

/**
 * The confirmation a release command asks for before it changes anything:
 * --yes answers it; a person at a terminal is asked; anything else (CI, a
 * pipe) must say --yes, because silence is not consent.
 */
export function confirmer(options: { yes: boolean; input?: NodeJS.ReadableStream & { isTTY?: boolean }; output?: NodeJS.WritableStream }): Confirm {
  if (options.yes) return async () => true;
  const input = options.input ?? process.stdin;
  if (!input.isTTY) {
    return async (question) => {
      throw new UsageError(`${question} Standard input is not a terminal, so nobody can answer: pass --yes to confirm.`);
    };
  }
  return async (question) => {
    const rl = createInterface({ input, output: options.output ?? process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  };
}
