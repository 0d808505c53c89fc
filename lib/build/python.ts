/**
 * The local Python that checks a package (and runs pip): the runtime's own
 * interpreter (`python3.12` for python3.12) when it runs, else `python3`.
 *
 * A name on PATH is not proof: pyenv puts shims for every version it knows
 * on PATH, and a shim for a version that is not selected fails when run. So
 * each candidate is run once, and what it reports (`sys.executable`, the
 * version) is what is used; the real executable then runs without the
 * shim's environment.
 */
import { runProcess } from "./process";

export interface LocalPython {
  /** The interpreter's own path (sys.executable), not a shim. */
  executable: string;
  /** "3.12.1" */
  version: string;
  /** Whether its major.minor is the function runtime's. */
  matchesRuntime: boolean;
}

const PROBE = "import json, sys; print(json.dumps([sys.executable, '%d.%d.%d' % sys.version_info[:3]]))";
const PROBE_TIMEOUT_MS = 15_000;

export async function findPython(runtime: string, env: NodeJS.ProcessEnv, cwd: string): Promise<LocalPython | undefined> {
  const wanted = runtime.replace(/^python/, "");
  for (const command of [`python${wanted}`, "python3"]) {
    const result = await runProcess({ command, args: ["-c", PROBE], cwd, env, timeoutMs: PROBE_TIMEOUT_MS });
    if (result.code !== 0) continue;
    try {
      const [executable, version] = JSON.parse(result.stdout.trim()) as [string, string];
      if (typeof executable !== "string" || executable === "" || typeof version !== "string") continue;
      return { executable, version, matchesRuntime: version.split(".").slice(0, 2).join(".") === wanted };
    } catch {
      continue;
    }
  }
  return undefined;
}

/** "3.12" of "python3.12". */
export function runtimeVersion(runtime: string): string {
  return runtime.replace(/^python/, "");
}
