/**
 * pip, aimed at the function's runtime and architecture rather than at the
 * machine that builds: `--platform manylinux2014_<arch> --python-version
 * <3.x> --implementation cp --only-binary=:all:` into a `--target`
 * directory. pip then takes only wheels Lambda can load (pure-Python ones,
 * and manylinux2014-or-older binary ones for that Python), and never
 * compiles anything with the build machine's compiler.
 *
 * pip's own configuration is honoured: the environment is passed through
 * untouched (PIP_INDEX_URL, PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS,
 * PIP_NO_INDEX, PIP_CONFIG_FILE, pip.conf), and no index option is given
 * here. `--find-links` from a recipe adds to PIP_FIND_LINKS (pip merges
 * the two; tested), it does not replace it.
 *
 * `--no-compile`: no .pyc files, which would be left out of the zip anyway
 * (they vary between runs) and would only make RECORD list them.
 */
import type { EnvironmentConfig } from "../../config";
import { BuildFailed } from "./errors";
import { describeExit, lastLines, runProcess } from "./process";
import { runtimeVersion } from "./python";

export interface PipInstall {
  python: string;
  requirementsFile: string;
  noDeps: boolean;
  findLinks: readonly string[];
  target: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** For messages: the file as the person wrote it. */
  label: string;
}

export function lambdaPlatform(architecture: EnvironmentConfig["function"]["architecture"]): string {
  return `manylinux2014_${architecture === "arm64" ? "aarch64" : "x86_64"}`;
}

export function pipArguments(install: Omit<PipInstall, "python" | "cwd" | "env" | "timeoutMs" | "label">, fn: Pick<EnvironmentConfig["function"], "runtime" | "architecture">): string[] {
  return [
    "-m", "pip", "--disable-pip-version-check", "--no-input",
    "install",
    "--no-compile",
    "--target", install.target,
    "--platform", lambdaPlatform(fn.architecture),
    "--python-version", runtimeVersion(fn.runtime),
    "--implementation", "cp",
    "--only-binary=:all:",
    ...(install.noDeps ? ["--no-deps"] : []),
    ...install.findLinks.flatMap((dir) => ["--find-links", dir]),
    "-r", install.requirementsFile,
  ];
}

export async function pipInstall(install: PipInstall, fn: Pick<EnvironmentConfig["function"], "runtime" | "architecture">, onLine?: (line: string) => void): Promise<void> {
  const result = await runProcess({
    command: install.python,
    args: pipArguments(install, fn),
    cwd: install.cwd,
    env: install.env,
    timeoutMs: install.timeoutMs,
    ...(onLine !== undefined && { onLine }),
  });
  if (result.code === 0 && !result.timedOut) return;
  const hint = /No matching distribution|Could not find a version/.test(result.stderr)
    ? ` No wheel for ${lambdaPlatform(fn.architecture)} / Python ${runtimeVersion(fn.runtime)} was found: check the index (PIP_INDEX_URL) or the find-links directories, and that the package publishes wheels for Lambda's platform.`
    : "";
  throw new BuildFailed("pip", `pip install${install.noDeps ? " --no-deps" : ""} -r ${install.label} failed: ${describeExit(result, install.timeoutMs)}.${hint}`, lastLines(result.stderr || result.stdout));
}
