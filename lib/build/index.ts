/**
 * Builds the skill's Lambda package from a checkout of its repository and
 * checks it before anything is uploaded: the API of `npm run package` and of
 * `deploy:skill`.
 *
 * How: the configuration's recipe (`source.build`) when it has one, else the
 * ASK CLI v2 project conventions (ask-resources.json, hooks/build.sh, the
 * built-in flows: conventions.ts). Either way the zip is deterministic (the
 * same sources give the same SHA-256), and it is written to `out` only after
 * every check has passed, so a failed build leaves nothing behind.
 */
import { mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { EnvironmentConfig } from "../../config";
import { UsageError } from "../errors";
import type { Output } from "../output";
import { codeSha256, listZipEntries } from "../package";
import { readAskProject, type AskProject } from "./ask-resources";
import { checkAnswers, checkLayout, checkSize } from "./check";
import type { FlowContext, FlowName, FlowResult } from "./context";
import { buildByConventions, hookPath } from "./conventions";
import { BuildFailed, type BuildStep } from "./errors";
import { findPython, type LocalPython } from "./python";
import { buildRecipe } from "./recipe";
import { createWorkspace, exists } from "./stage";

export { BuildFailed, type BuildStep } from "./errors";

export interface BuildOptions {
  repo: string; // skill checkout
  config: EnvironmentConfig; // from config/
  output: Output; // lib/output.ts
  env?: NodeJS.ProcessEnv; // pip and hook environment (default process.env)
  out?: string; // where to write the zip (default: a temp file)
  /** Limit for each hook, pip or npm run (default 15 minutes). */
  installTimeoutMs?: number;
  /** Limit for the local LaunchRequest (default: function.timeoutSeconds). */
  answerTimeoutMs?: number;
  /** The LaunchRequest's timestamp (default: now). */
  now?: Date;
}

export interface BuiltPackage {
  zipPath: string;
  sha256: string /* Lambda's CodeSha256: base64 */;
  bytes: number;
  flow: FlowName;
  handler: string;
  skillPackageDir: string /* absolute, from ask-resources.json or config */;
}

const DEFAULT_INSTALL_TIMEOUT_MS = 15 * 60_000;

/** Builds AND checks; throws UsageError (exit 2) for bad input, BuildFailed (exit 1) for a failed build or check. */
export async function buildPackage(options: BuildOptions): Promise<BuiltPackage> {
  const { config, output } = options;
  const env = options.env ?? process.env;
  const repo = await checkoutDir(options.repo);
  const out = options.out !== undefined ? await outputFile(options.out) : undefined;
  const project = await readAskProject(repo, env);
  if (project !== undefined) compareWithConfig(project, config, output);
  const recipe = config.source.build;
  if (recipe === undefined && project === undefined) {
    throw new UsageError(
      `${repo} has no ask-resources.json, and the configuration declares no build (source.build); ` +
        "point --repo at the skill's ASK CLI project, or declare the build in config/environments.ts (see the README's \"Building the skill's package\").",
    );
  }
  if (recipe === undefined && project !== undefined) await requireCodeSrc(project);
  const skillPackageDir = project?.skillPackageDir ?? path.resolve(repo, config.source.skillPackagePath);

  const workspace = await createWorkspace();
  try {
    let python: LocalPython | undefined;
    const requirePython = async (step: BuildStep): Promise<LocalPython> => {
      python ??= await findPython(config.function.runtime, env, repo);
      if (python === undefined) throw new BuildFailed(step, `no Python found: neither ${config.function.runtime} nor python3 runs on this machine; install Python 3`);
      return python;
    };
    const context: FlowContext = {
      repo,
      config,
      output,
      env,
      workspace,
      python: () => requirePython("pip"),
      installTimeoutMs: options.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS,
    };
    if (recipe !== undefined) {
      output.progress(`Building with the recipe in the configuration (source.build, code directory ${recipe.codeDir})…`);
      if (await exists(hookPath(repo))) output.info(`${path.relative(repo, hookPath(repo))} is not run: the configuration declares the build (source.build), which replaces the ASK CLI's conventions.`);
    }
    const built: FlowResult = recipe !== undefined ? await buildRecipe(context, recipe) : await buildByConventions(context, (project as AskProject).codeSrc);

    const entries = listZipEntries(built.zip);
    checkLayout(entries, config.function.handler);
    checkSize(entries, built.zip.length, config, output);
    const checker = await requirePython("import");
    if (!checker.matchesRuntime) {
      output.warn(`The handler is checked with Python ${checker.version} (${checker.executable}), but the function runs ${config.function.runtime}, which is not installed here; code that depends on the difference is not checked.`);
    }
    await checkAnswers({
      zip: built.zip,
      config,
      python: checker,
      timeoutMs: options.answerTimeoutMs ?? config.function.timeoutSeconds * 1000,
      output,
      now: options.now ?? new Date(),
    });

    const zipPath = out ?? path.join(await mkdtemp(path.join(tmpdir(), "skill-package-")), "package.zip");
    await writeAtomically(zipPath, built.zip);
    const result: BuiltPackage = {
      zipPath,
      sha256: codeSha256(built.zip),
      bytes: built.zip.length,
      flow: built.flow,
      handler: config.function.handler,
      skillPackageDir,
    };
    output.info(`Built ${zipPath} (${built.flow}, ${entries.filter((e) => !e.isDirectory).length} files, ${result.bytes} bytes, SHA-256 ${result.sha256}).`);
    return result;
  } finally {
    await workspace.remove();
  }
}

async function checkoutDir(repo: string): Promise<string> {
  const absolute = path.resolve(repo);
  let isDir = false;
  try {
    isDir = (await stat(absolute)).isDirectory();
  } catch {
    throw new UsageError(`--repo ${repo}: ${absolute} does not exist; give the path of a checkout of the skill's repository (e.g. git clone https://github.com/codeforboston/voiceapp311).`);
  }
  if (!isDir) throw new UsageError(`--repo ${repo}: ${absolute} is a file, not a directory; give the path of a checkout of the skill's repository.`);
  return absolute;
}

async function outputFile(out: string): Promise<string> {
  const absolute = path.resolve(out);
  const parent = path.dirname(absolute);
  const isDir = await stat(parent).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new UsageError(`--out ${out}: the directory ${parent} does not exist; create it or choose another path.`);
  const existing = await stat(absolute).then((s) => s, () => undefined);
  if (existing?.isDirectory()) throw new UsageError(`--out ${out} is a directory; give a file name, e.g. ${path.join(out, "package.zip")}.`);
  return absolute;
}

async function requireCodeSrc(project: AskProject): Promise<void> {
  const found = await stat(project.codeSrc).then(() => true, () => false);
  if (!found) {
    throw new UsageError(`${project.file}: profiles.${project.profile}.code.${project.codeRegion}.src is ${project.codeSrc}, which does not exist; fix the file, or declare the build in source.build.`);
  }
}

/** The configuration is what Terraform deploys, so it wins; say where the project file disagrees. */
function compareWithConfig(project: AskProject, config: EnvironmentConfig, output: Output): void {
  const where = `${path.basename(project.file)} (profile ${project.profile})`;
  const differs = (name: string, theirs: string | undefined, ours: string, field: string) => {
    if (theirs !== undefined && theirs !== ours) output.warn(`${where} says ${name} ${theirs}; the configuration's ${field} (${ours}) is what is deployed and checked.`);
  };
  differs("runtime", project.userConfig.runtime, config.function.runtime, "function.runtime");
  differs("handler", project.userConfig.handler, config.function.handler, "function.handler");
  differs("awsRegion", project.userConfig.awsRegion, config.region, "region");
  if (project.skippedRegions.length > 0) {
    output.warn(`${where} has other code for ${project.skippedRegions.join(", ")}; this pipeline deploys one function and builds code.${project.codeRegion} only.`);
  }
}

async function writeAtomically(file: string, data: Buffer): Promise<void> {
  const partial = `${file}.partial-${process.pid}`;
  try {
    await writeFile(partial, data);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
