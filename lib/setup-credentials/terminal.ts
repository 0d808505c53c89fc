/**
 * The person at the terminal, when there is one: questions with visible or
 * hidden answers (a secret is never echoed), and standard input read whole
 * (a refresh token piped in).
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { UsageError } from "../errors";

export interface Terminal {
  /** Whether somebody can answer (standard input is a terminal). */
  readonly interactive: boolean;
  ask(question: string, options?: { hidden?: boolean }): Promise<string>;
}

export type TerminalInput = NodeJS.ReadableStream & { isTTY?: boolean };

export function terminal(input: TerminalInput, output: NodeJS.WritableStream): Terminal {
  const interactive = input.isTTY === true;
  return {
    interactive,
    ask(question, { hidden = false } = {}) {
      if (!interactive) return Promise.reject(new UsageError(`${question.trim()} Standard input is not a terminal, so nobody can answer.`));
      // readline echoes what is typed through its output: muted after the question, the answer never shows.
      let muted = false;
      const sink = new Writable({
        write(chunk, _encoding, done) {
          if (!muted) output.write(chunk);
          done();
        },
      });
      const rl = createInterface({ input, output: sink, terminal: true });
      return new Promise<string>((resolve) => {
        rl.question(question, (answer) => {
          rl.close();
          if (hidden) output.write("\n");
          resolve(answer.trim());
        });
        muted = hidden;
      });
    },
  };
}

/** All of a stream, as text (standard input piped in). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
