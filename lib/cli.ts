import { parseArgs, type ParseArgsConfig } from "node:util";
import { ExitCode, PipelineError, UsageError } from "./errors";

/**
 * The one top-level handler: runs a command's main, maps typed errors to the
 * contract's exit codes and a message; stack traces only for unexpected
 * errors, or with DEBUG set.
 */
export async function runMain(main: () => Promise<void>, stderr: NodeJS.WritableStream = process.stderr): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof PipelineError) {
      stderr.write(`error: ${error.message}\n`);
      if (process.env.DEBUG) stderr.write(`${error.stack}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    stderr.write(`error: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = ExitCode.Failed;
  }
}

/** node:util parseArgs with bad usage turned into a UsageError that shows the help. */
export function parseArguments<T extends ParseArgsConfig["options"]>(argv: string[], options: T, help: string) {
  try {
    return parseArgs({ args: argv, options: options ?? {}, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${help}`);
  }
}
