/**
 * Runs one build tool (a hook, pip, npm, the handler harness) as a child
 * process with a time limit, and keeps the end of what it printed: enough to
 * show a person why it failed without holding a whole pip log in memory.
 */
import { spawn } from "node:child_process";

export interface RunOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  input?: string;
  /** Called with each line the process writes (for progress). */
  onLine?: (line: string) => void;
}

export interface RunResult {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The process could not be started (ENOENT, EACCES): the error's message. */
  spawnError?: string;
  stdout: string;
  stderr: string;
}

const KEEP_BYTES = 64 * 1024;

export function runProcess(options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let spawnError: string | undefined;
    // Its own process group, so that a timeout ends the tool and whatever it started (pip's builds, a hook's children).
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: process.platform !== "win32",
      stdio: ["pipe", "pipe", "pipe"],
    });
    const keep = (text: string, chunk: Buffer) => {
      const next = text + chunk.toString("utf8");
      return next.length > KEEP_BYTES ? next.slice(next.length - KEEP_BYTES) : next;
    };
    const lines = (chunk: Buffer) => {
      if (options.onLine) for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") options.onLine(line);
    };
    child.stdout.on("data", (chunk: Buffer) => {
      stdout = keep(stdout, chunk);
      lines(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = keep(stderr, chunk);
      lines(chunk);
    });
    child.on("error", (error) => {
      spawnError = error.message;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      kill(child.pid);
    }, options.timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout, stderr, ...(spawnError !== undefined && { spawnError }) });
    });
    child.stdin.on("error", () => {
      // A process that exits without reading its input closes the pipe: not our failure to report.
    });
    child.stdin.end(options.input ?? "");
  });
}

function kill(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    if (process.platform === "win32") process.kill(pid, "SIGKILL");
    else process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** The last `count` non-empty lines of a process's output. */
export function lastLines(text: string, count = 20): string {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(-count)
    .join("\n");
}

/** Why a process failed, in words: exit code, signal, time limit, or could not start. */
export function describeExit(result: RunResult, timeoutMs: number): string {
  if (result.spawnError !== undefined) return `it could not be started (${result.spawnError})`;
  if (result.timedOut) return `it did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`;
  if (result.signal !== null) return `it was ended by ${result.signal}`;
  return `it exited with status ${result.code}`;
}
