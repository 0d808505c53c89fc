import { createInterface } from "node:readline/promises";
import { UsageError } from "../errors";

/**
 * Asks a yes/no question; resolves true only on an explicit yes. `noAnswer`
 * is set when nobody can answer (no terminal, no --yes): every question fails.
 */
export type Confirm = ((question: string) => Promise<boolean>) & { noAnswer?: string };

/**
 * The confirmation a release command asks for before it changes anything:
 * --yes answers it; a person at a terminal is asked; anything else (CI, a
 * pipe) must say --yes, because silence is not consent.
 */
export function confirmer(options: { yes: boolean; input?: NodeJS.ReadableStream & { isTTY?: boolean }; output?: NodeJS.WritableStream }): Confirm {
  if (options.yes) return async () => true;
  const input = options.input ?? process.stdin;
  if (!input.isTTY) {
    const noAnswer = "Standard input is not a terminal, so nobody can answer: pass --yes to confirm.";
    return Object.assign(
      async (question: string): Promise<boolean> => {
        throw new UsageError(`${question} ${noAnswer}`);
      },
      { noAnswer },
    );
  }
  return async (question: string) => {
    const rl = createInterface({ input, output: options.output ?? process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  };
}

/**
 * For a command that makes a change before it can ask its question (promote
 * publishes first, to name the version it asks about): fails at once, having
 * changed nothing, when the question could not be answered anyway.
 */
export function requireAnswerable(confirm: Confirm, what: string): void {
  if (confirm.noAnswer) throw new UsageError(`${what} needs a confirmation. ${confirm.noAnswer} Nothing was changed.`);
}
