import { parseArgs, type ParseArgsConfig } from "node:util";
import { ExitCode, UsageError } from "./errors";
import { translateError } from "./failures/translate";
import { CREDENTIAL_VARIABLES, redactor } from "./output";

export interface CommandIO {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * Runs a command and turns what it throws into the contract's exit code and
 * one message a person can act on: typed errors as they are, AWS, SMAPI and
 * network errors through the one translator (lib/errors/translate.ts).
 * Anything else is a bug: exit 1 with its message, and its stack only with
 * DEBUG set. Every line is redacted. Returns the exit code, so tests need no
 * process.
 */
export async function runCommand(name: string, io: CommandIO, command: () => Promise<void>): Promise<number> {
  try {
    await command();
    return ExitCode.Ok;
  } catch (error) {
    return reportFailure(name, io, error);
  }
}

function reportFailure(name: string, io: CommandIO, error: unknown): number {
  const redact = redactor(CREDENTIAL_VARIABLES.map((variable) => io.env[variable]));
  const translated = translateError(error, io.env);
  if (translated) {
    io.stderr.write(redact(`${name}: ${translated.message}\n`));
    if (io.env.DEBUG) io.stderr.write(redact(`${describeForDebug(error)}\n`));
    return translated.exitCode;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  io.stderr.write(redact(`${name}: internal error (a bug in the pipeline, please report it): ${message}${io.env.DEBUG ? "" : " (set DEBUG=1 for the stack trace)"}\n`));
  if (io.env.DEBUG) io.stderr.write(redact(`${describeForDebug(error)}\n`));
  return ExitCode.Failed;
}

function describeForDebug(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * The process entry point of every script: sets `process.exitCode` (never
 * `process.exit()`, so output is flushed). A main's own failure goes
 * through the same report as a command's.
 */
export function runMain(name: string, main: (io: CommandIO) => Promise<number>): void {
  const io: CommandIO = { env: process.env, stdout: process.stdout, stderr: process.stderr };
  main(io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = reportFailure(name, io, error);
    },
  );
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

/** `--repo <dir>`, the checkout of the skill's repository that package and deploy:skill build from. */
export function requiredRepo(value: string | undefined, help: string): string {
  const repo = value?.trim();
  if (repo === undefined || repo === "") throw new UsageError(`--repo is required: the path of a checkout of the skill's repository.\n\n${help}`);
  return repo;
}
