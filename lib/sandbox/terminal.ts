import { createInterface, type Interface } from "node:readline";

export interface Pauser {
  /** Shows the prompt and waits for Enter; resolves at once once the input has ended. */
  pause(prompt: string): Promise<void>;
  close(): void;
}

/** Never waits: off a terminal, or with --no-pause. */
export const noPause: Pauser = { pause: async () => {}, close: () => {} };

/**
 * Waits for Enter on a terminal. The line reader is not in terminal mode on
 * purpose: raw mode would turn Ctrl-C into a readline event instead of the
 * SIGINT that stops the sandbox, emulators and all.
 */
export function enterPauser(input: NodeJS.ReadableStream, output: { write(text: string): unknown }): Pauser {
  let reader: Interface | undefined;
  let ended = false;
  const waiting: Array<() => void> = [];
  const release = () => waiting.splice(0).forEach((resolve) => resolve());
  const open = (): Interface => {
    if (reader) return reader;
    reader = createInterface({ input, terminal: false });
    reader.on("line", () => waiting.shift()?.());
    reader.on("close", () => {
      ended = true;
      release();
    });
    return reader;
  };
  return {
    pause(prompt) {
      if (ended) return Promise.resolve();
      output.write(prompt);
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        open();
      });
    },
    close() {
      const current = reader;
      reader = undefined;
      ended = true;
      current?.close();
      release();
    },
  };
}

/** Resolves with the signal's name on Ctrl-C (SIGINT) or SIGTERM. */
export function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
