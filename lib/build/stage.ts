/**
 * Working directories of a build, all under one temporary root that is
 * removed afterwards: nothing is written into the skill's checkout.
 *
 * The ASK CLI builds in `<project>/.ask/<code src relative to the project>`
 * (alexa/ask-cli: lib/model/resources-config/ask-states.js
 * getCodeBuildByRegion), a copy of the code directory, with the zip at
 * `build.zip` inside it, and runs the hook there. Hooks rely on that place:
 * voiceapp311's reaches `../mycity/mycity/deploy_tools/linux_wheels` from it.
 * Here the same layout is made under the temporary root, whose other
 * top-level entries link back to the checkout's, so that paths relative to
 * the build folder ("..", "../..") reach what they would under the ASK CLI,
 * while the checkout itself gets no `.ask` folder.
 */
import { cp, mkdir, mkdtemp, readdir, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";

export const HIDDEN_ASK_FOLDER = ".ask";
export const BUILD_FILE = "build.zip";

export interface Workspace {
  root: string;
  /** A fresh directory under the root. */
  dir(name: string): Promise<string>;
  remove(): Promise<void>;
}

export async function createWorkspace(): Promise<Workspace> {
  const root = await mkdtemp(path.join(tmpdir(), "skill-package-build-"));
  return {
    root,
    dir: async (name) => {
      const dir = path.join(root, name);
      await mkdir(dir, { recursive: true });
      return dir;
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

export interface BuildFolder {
  /** The hook's working directory: a copy of the code directory. */
  folder: string;
  /** The zip the hook must write (absolute). */
  file: string;
}

/** The ASK CLI's build folder for `codeSrc`, mirrored under the workspace. */
export async function askBuildFolder(workspace: Workspace, repo: string, codeSrc: string): Promise<BuildFolder> {
  const project = path.join(workspace.root, "project");
  await mkdir(project, { recursive: true });
  for (const entry of await readdir(repo)) {
    if (entry !== HIDDEN_ASK_FOLDER) await symlink(path.join(repo, entry), path.join(project, entry));
  }
  const isDir = (await stat(codeSrc)).isDirectory();
  const base = isDir ? codeSrc : path.dirname(codeSrc);
  const folder = path.join(project, HIDDEN_ASK_FOLDER, path.relative(repo, base));
  await mkdir(folder, { recursive: true });
  await cp(codeSrc, isDir ? folder : path.join(folder, path.basename(codeSrc)), { recursive: true, verbatimSymlinks: true });
  return { folder, file: path.join(folder, BUILD_FILE) };
}

/**
 * Moves what pip installed into the package. A name the code already has
 * stays the code's (pip --target into the code directory, as the ASK CLI
 * does, would skip it the same way); `bin/` is left out: console scripts
 * whose first line names the build machine's Python, useless in Lambda.
 */
export async function mergeDependencies(deps: string, into: string): Promise<string[]> {
  const shadowed: string[] = [];
  let entries: string[];
  try {
    entries = await readdir(deps);
  } catch {
    return shadowed;
  }
  for (const entry of entries.sort()) {
    if (entry === "bin") continue;
    const target = path.join(into, entry);
    if (await exists(target)) {
      shadowed.push(entry);
      continue;
    }
    await cp(path.join(deps, entry), target, { recursive: true, verbatimSymlinks: true });
  }
  return shadowed;
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
