/**
 * Runs a synthesized buildspec the way CodeBuild runs it: the install phase's
 * commands, then the build phase's, in order, each phase in one bash
 * (CodeBuild keeps the shell's state between a phase's commands, and stops
 * at the first failing one), with CodeBuild's variables. Used by the test
 * that executes the buildspec and by the benchmark.
 *
 * What cannot apply on this machine is skipped, and only that: the install
 * phase's `runtime-versions` (CodeBuild's images switch language versions;
 * here the machine's own Node and Python run), and the cache (the caches are
 * the machine's own ~/.npm and ~/.cache/pip).
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, cp, mkdir } from "node:fs/promises";
import * as path from "node:path";
import { parse } from "yaml";

export interface Buildspec {
  version: number;
  env?: { shell?: string; variables?: Record<string, string> };
  phases: Record<string, { "runtime-versions"?: Record<string, string>; commands?: string[] }>;
  cache?: { paths?: string[] };
}

export interface PhaseRun {
  phase: string;
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export function parseBuildspec(text: string): Buildspec {
  return parse(text) as Buildspec;
}

/** Runs `phases` in order, stopping at the first that fails, as CodeBuild does (install, pre_build, build). */
export async function runPhases(spec: Buildspec, phases: readonly string[], env: NodeJS.ProcessEnv, options: { cwd: string }): Promise<PhaseRun[]> {
  const runs: PhaseRun[] = [];
  for (const phase of phases) {
    const commands = spec.phases[phase]?.commands ?? [];
    const run = await runBash(commands, { ...env, ...(spec.env?.variables ?? {}) }, options.cwd);
    runs.push({ phase, ...run });
    if (run.code !== 0) break;
  }
  return runs;
}

function runBash(commands: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Omit<PhaseRun, "phase">> {
  const script = ["set -eo pipefail", ...commands].join("\n");
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr, durationMs: Date.now() - started }));
  });
}

/**
 * What CodeBuild's secondary source holds: this project's files as a clone
 * has them (tracked and not ignored: no node_modules, no dist), copied to
 * `dest`. Works on uncommitted changes too, so a test runs what it tests.
 */
export async function copyTooling(projectDir: string, dest: string): Promise<void> {
  const { stdout } = await execText("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], projectDir);
  const files = stdout.split("\0").filter((f) => f !== "");
  await Promise.all(
    files.map(async (file) => {
      const from = path.join(projectDir, file);
      if (!existsSync(from)) return; // deleted but not yet committed
      await mkdir(path.dirname(path.join(dest, file)), { recursive: true });
      await copyFile(from, path.join(dest, file));
    }),
  );
}

/** A copy of a repository's files at `dest`, committed as a fresh git repository: CodeBuild's primary source. Returns the commit. */
export async function checkoutCopy(sourceDir: string, dest: string, options: { committedAt?: string } = {}): Promise<string> {
  await cp(sourceDir, dest, { recursive: true });
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "Pipeline Test",
    GIT_AUTHOR_EMAIL: "test@example.invalid",
    GIT_COMMITTER_NAME: "Pipeline Test",
    GIT_COMMITTER_EMAIL: "test@example.invalid",
    ...(options.committedAt !== undefined && { GIT_AUTHOR_DATE: options.committedAt, GIT_COMMITTER_DATE: options.committedAt }),
  };
  await execText("git", ["init", "-q", "-b", "master"], dest, env);
  await execText("git", ["add", "-A"], dest, env);
  await execText("git", ["commit", "-q", "-m", "snapshot"], dest, env);
  return (await execText("git", ["rev-parse", "HEAD"], dest, env)).stdout.trim();
}

/** Commits everything in `dir` as a new commit (a later push). Returns the commit. */
export async function commitAll(dir: string, message: string, committedAt?: string): Promise<string> {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "Pipeline Test",
    GIT_AUTHOR_EMAIL: "test@example.invalid",
    GIT_COMMITTER_NAME: "Pipeline Test",
    GIT_COMMITTER_EMAIL: "test@example.invalid",
    ...(committedAt !== undefined && { GIT_AUTHOR_DATE: committedAt, GIT_COMMITTER_DATE: committedAt }),
  };
  await execText("git", ["add", "-A"], dir, env);
  await execText("git", ["commit", "-q", "--allow-empty", "-m", message], dir, env);
  return (await execText("git", ["rev-parse", "HEAD"], dir, env)).stdout.trim();
}

function execText(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed in ${cwd}: ${stderr || error.message}`));
      else resolve({ stdout: String(stdout) });
    });
  });
}
