/**
 * The ASK CLI v2's build flows, as alexa/ask-cli does them (read from
 * lib/controllers/skill-code-controller/code-builder.js and
 * lib/builtins/build-flows/*.js). The first flow that can handle the code
 * builds it, in this order:
 *
 * 1. custom: `hooks/build.sh` (`build.ps1` on Windows) in the project root,
 *    run as `<absolute hook path> "<build folder>/build.zip" false`
 *    (the second argument is the ASK CLI's debug flag), working directory
 *    the build folder (a copy of the code directory), with the process's
 *    environment; the hook writes the zip.
 * 2. nodejs-npm: package.json in the code directory: `npm ci` when there is
 *    a package-lock.json or npm-shrinkwrap.json, else `npm install`, with
 *    `--quiet` and NODE_ENV=production, then the whole build folder is zipped.
 * 3. java-mvn (newer ASK CLIs): pom.xml. Not supported here: the function
 *    runs Python (refused with the fix).
 * 4. python-pip: requirements.txt in the code directory: the ASK CLI makes a
 *    venv with the machine's python3 and runs `pip install -r
 *    requirements.txt -t ./`, then zips the folder without __pycache__.
 * 5. zip-only: the folder as it is.
 *
 * Deviations, and why:
 * - The build folder is made under a temporary directory, not in the
 *   checkout's .ask (stage.ts), so a build changes nothing in the checkout.
 * - python-pip installs for the function's runtime and architecture (pip.ts)
 *   instead of for whatever Python the build machine has: the ASK CLI's way
 *   packages compiled wheels for the wrong Python when they differ. No venv
 *   is needed for that, so none is made.
 * - Every flow's output, the hook's zip included, is re-packed
 *   deterministically (repack.ts).
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { UsageError } from "../errors";
import { extractZip, ZipFormatError } from "../package";
import type { FlowContext, FlowName, FlowResult } from "./context";
import { BuildFailed } from "./errors";
import { installRequirements } from "./install";
import { describeExit, lastLines, runProcess } from "./process";
import { zipPackage } from "./repack";
import { askBuildFolder, exists } from "./stage";

export function hookPath(repo: string, platform: NodeJS.Platform = process.platform): string {
  return path.join(repo, "hooks", platform === "win32" ? "build.ps1" : "build.sh");
}

/** Which flow the ASK CLI would pick for this project. */
export async function selectFlow(repo: string, codeSrc: string): Promise<Exclude<FlowName, "recipe"> | "java-mvn"> {
  if (await exists(hookPath(repo))) return "hook";
  if (await exists(path.join(codeSrc, "package.json"))) return "nodejs-npm";
  if (await exists(path.join(codeSrc, "pom.xml"))) return "java-mvn";
  if (await exists(path.join(codeSrc, "requirements.txt"))) return "python-pip";
  return "zip-only";
}

export async function buildByConventions(context: FlowContext, codeSrc: string): Promise<FlowResult> {
  const flow = await selectFlow(context.repo, codeSrc);
  if (flow === "java-mvn") {
    throw new UsageError(
      `${path.join(codeSrc, "pom.xml")} makes the ASK CLI build the code with Maven, but the function runs ${context.config.function.runtime}; ` +
        "remove pom.xml from the code directory, or declare the build in source.build (config/environments.ts).",
    );
  }
  context.output.progress(`Building ${path.relative(context.repo, codeSrc) || "."} with the ASK CLI's ${flow} flow…`);
  const build = await askBuildFolder(context.workspace, context.repo, codeSrc);
  switch (flow) {
    case "hook":
      return { flow, zip: await runHook(context, build.folder, build.file) };
    case "nodejs-npm":
      await runNpm(context, build.folder, codeSrc);
      return { flow, zip: await zipPackage(build.folder, { keepNodeModules: true }) };
    case "python-pip":
      await installRequirements(context, [{ file: path.join(build.folder, "requirements.txt"), noDeps: false, label: `${path.relative(context.repo, codeSrc) || "."}/requirements.txt` }], [], build.folder);
      return { flow, zip: await zipPackage(build.folder) };
    case "zip-only":
      return { flow, zip: await zipPackage(build.folder) };
  }
}

async function runHook(context: FlowContext, folder: string, file: string): Promise<Buffer> {
  const hook = hookPath(context.repo);
  const windows = process.platform === "win32";
  const result = await runProcess({
    command: windows ? "PowerShell.exe" : hook,
    args: windows ? ["-Command", `& {& '${hook}' '${file}' $False }`] : [file, "false"],
    cwd: folder,
    env: context.env,
    timeoutMs: context.installTimeoutMs,
    onLine: (line) => context.output.progress(`  hook: ${line}`),
  });
  const tail = lastLines(result.stderr || result.stdout);
  if (result.code !== 0 || result.timedOut) {
    const notExecutable = result.spawnError !== undefined && /EACCES/.test(result.spawnError) ? ` Make it executable: chmod +x hooks/${path.basename(hook)} (and commit the mode).` : "";
    throw new BuildFailed("hook", `${hook} failed: ${describeExit(result, context.installTimeoutMs)}.${notExecutable}`, tail);
  }
  let zip: Buffer;
  try {
    zip = await readFile(file);
  } catch {
    throw new BuildFailed("hook", `${hook} succeeded but wrote no ${file}; the ASK CLI passes that path as the hook's first argument, and the hook must write the zip there`, tail);
  }
  const unpacked = await context.workspace.dir("hook-output");
  try {
    await extractZip(zip, unpacked);
  } catch (error) {
    if (error instanceof ZipFormatError) throw new BuildFailed("hook", `the zip ${hook} wrote cannot be used: ${error.message}`);
    throw error;
  }
  return zipPackage(unpacked);
}

async function runNpm(context: FlowContext, folder: string, codeSrc: string): Promise<void> {
  const lock = (await exists(path.join(codeSrc, "package-lock.json"))) || (await exists(path.join(codeSrc, "npm-shrinkwrap.json")));
  const args = [lock ? "ci" : "install", "--quiet"];
  const result = await runProcess({
    command: process.platform === "win32" ? "npm.cmd" : "npm",
    args,
    cwd: folder,
    env: { ...context.env, NODE_ENV: "production" },
    timeoutMs: context.installTimeoutMs,
  });
  if (result.code !== 0 || result.timedOut) {
    throw new BuildFailed("npm", `npm ${args.join(" ")} failed in a copy of ${codeSrc}: ${describeExit(result, context.installTimeoutMs)}`, lastLines(result.stderr || result.stdout));
  }
}
