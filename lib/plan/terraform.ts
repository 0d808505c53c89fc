import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { OperationFailed, UsageError } from "../errors";

/**
 * Running child processes (cdktf, terraform) behind a small interface, so
 * that `npm run plan` is tested with a fake and the real thing alike.
 */

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Write the child's standard output to this file instead of the log (for `show -json`). */
  stdoutFile?: string;
}

export type Runner = (command: string, args: readonly string[], options: RunOptions) => Promise<{ exitCode: number }>;

/**
 * Runs a command for real. Its output goes to `log` (standard error for a
 * person), so that standard output carries only the summary.
 */
export function spawnRunner(log: { write(chunk: string | Uint8Array): unknown }): Runner {
  return async (command, args, options) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => resolve(code ?? (signal !== null ? 128 : 1)));
    });
    const file = options.stdoutFile !== undefined ? createWriteStream(options.stdoutFile) : undefined;
    if (file !== undefined) child.stdout.pipe(file);
    else child.stdout.on("data", (chunk: Buffer) => log.write(chunk));
    child.stderr.on("data", (chunk: Buffer) => log.write(chunk));
    const exitCode = await exited.catch((error: NodeJS.ErrnoException) => {
      file?.destroy();
      if (error.code === "ENOENT") throw new UsageError(`${command} is not on the PATH: install it (Terraform 1.11 or later) and try again.`);
      throw error;
    });
    if (file !== undefined) await finished(file);
    return { exitCode };
  };
}

/** The environment Terraform runs in: no version check calls home, no prompts. */
export function terraformEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
}

export const PLAN_FILE = "plan.tfplan";
export const PLAN_JSON = "plan.json";

/**
 * `init`, `plan -lock=false` (a review must not take the state lock that a
 * deploy may be holding) and `show -json`, in a synthesized stack's
 * directory. Returns the path of the JSON plan.
 */
export async function planStack(run: Runner, stackDir: string, stack: string, env: NodeJS.ProcessEnv): Promise<string> {
  const options = { cwd: stackDir, env: terraformEnv(env) };
  const jsonPath = join(stackDir, PLAN_JSON);
  await step(run, stack, ["init", "-input=false"], options);
  await step(run, stack, ["plan", "-lock=false", "-input=false", `-out=${PLAN_FILE}`], options);
  await step(run, stack, ["show", "-json", PLAN_FILE], { ...options, stdoutFile: jsonPath });
  return jsonPath;
}

async function step(run: Runner, stack: string, args: string[], options: RunOptions): Promise<void> {
  const { exitCode } = await run("terraform", args, options);
  if (exitCode !== 0) {
    throw new OperationFailed(`terraform ${args[0] ?? ""} failed for stack ${stack} (exit ${exitCode}); Terraform's output is above.`);
  }
}
