import { parseArgs, type ParseArgsConfig } from "node:util";
import { ExitCode, PipelineError, UsageError } from "./errors";
import { CREDENTIAL_VARIABLES, redactor } from "./output";

export interface CommandIO {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * Runs a command and turns its typed errors into the contract's exit code
 * and one message a person can act on. Anything else is a bug and keeps its
 * stack trace (rethrown). Returns the exit code, so tests need no process.
 */
export async function runCommand(name: string, io: CommandIO, command: () => Promise<void>): Promise<number> {
  try {
    await command();
    return ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    const redact = redactEnvironment(io.env);
    io.stderr.write(redact(`${name}: ${error.message}\n`));
    if (io.env.DEBUG) io.stderr.write(redact(`${error.stack}\n`));
    return error.exitCode;
  }
}

/**
 * The process entry point of every script: sets `process.exitCode` (never
 * `process.exit()`, so output is flushed) and reports unexpected errors as
 * failures with their stack.
 */
export function runMain(name: string, main: (io: CommandIO) => Promise<number>): void {
  const io: CommandIO = { env: process.env, stdout: process.stdout, stderr: process.stderr };
  main(io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(redactEnvironment(process.env)(`${name}: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`));
      process.exitCode = ExitCode.Failed;
    },
  );
}

/**
 * Redacts every secret this process has read and every credential variable
 * of its environment: a server may echo what it received (an AWS session
 * token in X-Amz-Security-Token) into an error message that ends up here.
 */
export function redactEnvironment(env: NodeJS.ProcessEnv): (text: string) => string {
  return redactor(CREDENTIAL_VARIABLES.map((name) => env[name]));
}

/** node:util parseArgs, with bad usage turned into a UsageError that shows the help. */
export function parseArguments<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T, help: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${help}`);
  }
}

/** The options every command has, with the same meaning everywhere. */
export const STANDARD_OPTIONS = {
  "dry-run": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

/** A `--timeout`-like option in seconds (a positive number, at most `max`), as milliseconds. */
export function parseSeconds(flag: string, text: string, max: number): number {
  const n = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
  if (!(n > 0 && n <= max)) throw new UsageError(`${flag} takes a number of seconds from 1 to ${max}, got ${JSON.stringify(text)}.`);
  return Math.round(n * 1000);
}
