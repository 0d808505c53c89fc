import type { CommandIO } from "../cli";
import { redactKnownSecrets } from "../output";
import { commandLine, type CommandName, type Step, type StepContext } from "./steps";
import type { Pauser } from "./terminal";

/** A command's real main, as the sandbox calls it (always with the arguments that need no question). */
export type CommandMain = (argv: string[], io: CommandIO) => Promise<number>;

export interface WalkthroughDeps {
  commands: Record<CommandName, CommandMain>;
  /** What the commands read and where everything is written. */
  io: CommandIO;
  pauser: Pauser;
  /** Headings in bold on a terminal. */
  emphasis?: boolean;
  afterStep?(step: Step): void | Promise<void>;
}

export type WalkthroughResult = { ok: true } | { ok: false; step: Step; number: number; why: string };

/**
 * Runs the steps in order: heading, explanation, the command line, a pause,
 * then the step itself. Stops at the first step that does not succeed,
 * since every later one depends on it.
 */
export async function walkThrough(steps: readonly Step[], context: StepContext, deps: WalkthroughDeps): Promise<WalkthroughResult> {
  const say = (text: string) => deps.io.stdout.write(`${text}\n`);
  for (const [index, step] of steps.entries()) {
    const number = index + 1;
    say("");
    say(heading(`Step ${number} of ${steps.length}: ${step.title}`, deps.emphasis === true));
    for (const paragraph of step.explain(context)) say(wrap(paragraph, 78, "  "));
    const command = step.command?.(context);
    say("");
    say(command ? `  $ ${commandLine(command)}` : "  (emulated: nothing to type)");
    await deps.pauser.pause("\nPress Enter to run it (Ctrl-C stops the sandbox). ");
    say("");
    let why: string | undefined;
    try {
      if (command) {
        const code = await deps.commands[command.name](command.argv, deps.io);
        if (code !== 0) why = `${commandLine(command)} exited with ${code}`;
      } else if (step.emulate) {
        say(await step.emulate(context));
      }
    } catch (error) {
      why = redactKnownSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    if (why !== undefined) return { ok: false, step, number, why };
    await deps.afterStep?.(step);
  }
  return { ok: true };
}

function heading(text: string, bold: boolean): string {
  const line = `── ${text} ${"─".repeat(Math.max(3, 75 - text.length))}`;
  return bold ? `\u001b[1m${line}\u001b[0m` : line;
}

/** Greedy word wrap: the explanations are prose, read in an 80-column terminal. */
export function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(indent + line);
  return lines.join("\n");
}
