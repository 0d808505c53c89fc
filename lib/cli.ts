import { parseArgs, type ParseArgsConfig } from "node:util";
import { ExitCode, PipelineError, UsageError } from "./errors";
import { redactKnownSecrets, redactor, rememberSecrets, type Output } from "./output";

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
    io.stderr.write(redactKnownSecrets(`${name}: ${error.message}\n`));
    if (io.env.DEBUG) io.stderr.write(redactKnownSecrets(`${error.stack}\n`));
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
      process.stderr.write(redactKnownSecrets(`${name}: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`));
      process.exitCode = ExitCode.Failed;
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

/** The variables of a build's environment that hold credentials: never echoed, whatever prints them. */
export const SECRET_VARIABLES = [
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "ASK_LWA_CLIENT_SECRET",
  "ASK_LWA_CLIENT_CONFIRMATION",
  "ASK_REFRESH_TOKEN",
  "ASK_ACCESS_TOKEN",
] as const;

/**
 * A command's Output on its CommandIO: messages for people on standard
 * output (standard error with --json, so that standard output carries the
 * JSON alone), warnings and progress on standard error, every line redacted
 * of the environment's credentials.
 */
export function commandOutput(io: CommandIO, json: boolean): Output {
  const secrets = SECRET_VARIABLES.map((n) => io.env[n]);
  // Also for the error message runCommand prints, which may quote a tool's output (a hook's stderr).
  rememberSecrets(secrets);
  const redact = redactor(secrets);
  const human = json ? io.stderr : io.stdout;
  return {
    info: (m) => void human.write(`${redact(m)}\n`),
    warn: (m) => void io.stderr.write(`warning: ${redact(m)}\n`),
    progress: (m) => void io.stderr.write(`${redact(m)}\n`),
    json: (v) => void io.stdout.write(`${redact(JSON.stringify(v, null, 2))}\n`),
  };
}
