/**
 * The deterministic zip every flow ends with (lib/package/zip-directory.ts:
 * sorted entries, the zip epoch as every timestamp, 0644/0755), and what is
 * left out because it differs from one build of the same sources to the
 * next, or has no place in a Lambda package:
 *
 * - the default excludes (.git, __pycache__, *.pyc, .DS_Store): the ASK CLI
 *   itself filters __pycache__ in its python-pip flow "to allow consistent
 *   hashing"; .pyc files embed the source's modification time;
 * - `*.dist-info/direct_url.json`: pip writes it for a wheel installed from
 *   a path (voiceapp311's hook installs its cp37 wheel so), and it holds
 *   that absolute path, which is a temporary directory;
 * - `*.dist-info/RECORD`: pip's list of installed files with their hashes,
 *   which lists direct_url.json and, when pip compiled, every .pyc; it is
 *   read only to uninstall, which never happens inside Lambda. Two builds
 *   of the same hook project give different RECORDs (tested), so it goes;
 * - the ASK CLI's own build.zip at the root (its createZip leaves out the
 *   zip it writes).
 *
 * Deviation from the ASK CLI: its zips keep each file's permissions and use
 * adm-zip's timestamp of 1990-02-01 (`new Date(1990, 1, 1)`); here the
 * shared deterministic zipper is used, so a package's SHA-256 does not
 * depend on the flow's tool or the build machine's umask.
 */
import { DEFAULT_EXCLUDES, zipDirectory } from "../package";
import { BUILD_FILE } from "./stage";

export const VARYING_BUILD_OUTPUT: readonly string[] = ["*.dist-info/direct_url.json", "*.dist-info/RECORD", `/${BUILD_FILE}`];

export interface RepackOptions {
  /** More patterns (a recipe's exclude). */
  exclude?: readonly string[];
  /** Keep node_modules (the nodejs-npm flow, whose dependencies live there). */
  keepNodeModules?: boolean;
}

export function packageExcludes(options: RepackOptions = {}): string[] {
  const defaults = DEFAULT_EXCLUDES.filter((p) => !(options.keepNodeModules === true && p === "node_modules"));
  return [...defaults, ...VARYING_BUILD_OUTPUT, ...(options.exclude ?? [])];
}

export function zipPackage(dir: string, options: RepackOptions = {}): Promise<Buffer> {
  return zipDirectory(dir, { defaultExcludes: false, exclude: packageExcludes(options) });
}
