/**
 * Reads a skill package in the ASK CLI layout:
 *
 *   <dir>/skill.json
 *   <dir>/interactionModels/custom/<locale>.json
 *
 * This is the only module of the validator that touches the file system. It
 * returns raw bytes; what is wrong with them is for the (pure) validator to
 * say, all at once. Only what stops reading altogether is thrown: a missing
 * directory, or a `--locale` that names no model.
 */
import { readdir, readFile, readlink, stat } from "node:fs/promises";
import * as path from "node:path";
import { UsageError } from "../errors";
import { checkLocaleName } from "./locale";

export const MANIFEST_FILE = "skill.json";
export const MODELS_DIR = "interactionModels/custom";

export interface PackageFile {
  /** Relative to the package directory, POSIX separators. */
  file: string;
  /** The locale a model file is named after; null for skill.json. */
  locale: string | null;
  bytes: Uint8Array;
}

export interface SkillPackageFiles {
  dir: string;
  /** Undefined when skill.json does not exist. */
  manifest: PackageFile | undefined;
  modelsDirFound: boolean;
  /** Every model locale in the package, sorted. */
  availableLocales: string[];
  /** The selected models, sorted by locale. */
  models: PackageFile[];
}

export interface ReadSkillPackageOptions {
  /** Only these locales (`--locale`); all of them when absent or empty. */
  locales?: readonly string[];
}

export async function readSkillPackage(dir: string, options: ReadSkillPackageOptions = {}): Promise<SkillPackageFiles> {
  await requireDirectory(dir);
  const manifest = await readIfExists(dir, MANIFEST_FILE, null);
  const modelsDir = path.join(dir, ...MODELS_DIR.split("/"));
  const modelsDirFound = await isDirectory(modelsDir);
  const availableLocales = modelsDirFound ? await listModelLocales(modelsDir) : [];
  const selected = selectLocales(availableLocales, options.locales, dir);
  const models: PackageFile[] = [];
  for (const locale of selected) {
    const file = `${MODELS_DIR}/${locale}.json`;
    models.push({ file, locale, bytes: await readFile(path.join(dir, ...file.split("/"))) });
  }
  return { dir, manifest, modelsDirFound, availableLocales, models };
}

/**
 * The locales to validate and upload: all when none are requested; else the
 * requested ones, each of which must be a locale name and have a model.
 */
export function selectLocales(available: readonly string[], requested: readonly string[] | undefined, dir = "the skill package"): string[] {
  if (requested === undefined || requested.length === 0) return [...available];
  const found = available.length > 0 ? `found: ${available.join(", ")}` : "it has none";
  for (const locale of requested) {
    const check = checkLocaleName(locale);
    if (!check.valid) throw new UsageError(`--locale ${check.message}`);
    if (!available.includes(locale)) {
      throw new UsageError(`--locale ${locale}: ${dir} has no interaction model ${MODELS_DIR}/${locale}.json (${found})`);
    }
  }
  return [...new Set(requested)].sort(ascending);
}

async function listModelLocales(modelsDir: string): Promise<string[]> {
  const entries = await readdir(modelsDir, { withFileTypes: true });
  const models = entries.filter((e) => e.name.endsWith(".json"));
  for (const entry of models) {
    if (entry.isFile()) continue;
    const file = `${MODELS_DIR}/${entry.name}`;
    // Refused rather than followed: a link may point outside the package, and git on Windows checks one out as a small text file.
    if (entry.isSymbolicLink()) {
      const target = await readlink(path.join(modelsDir, entry.name)).catch(() => "an unreadable target");
      throw new UsageError(`${file} is a symbolic link (to ${target}), not a file: deploy:model uploads only regular files. Replace the link with a copy of the model file.`);
    }
    const kind = entry.isDirectory() ? "a directory" : "not a regular file";
    throw new UsageError(`${file} is ${kind}: the interaction model of a locale is one JSON file named <locale>.json. Move the model into that file, or rename ${entry.name}.`);
  }
  return models.map((e) => e.name.slice(0, -".json".length)).sort(ascending);
}

async function readIfExists(dir: string, file: string, locale: string | null): Promise<PackageFile | undefined> {
  try {
    return { file, locale, bytes: await readFile(path.join(dir, file)) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

async function requireDirectory(dir: string): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(`skill package directory ${dir} does not exist`);
    throw err;
  }
  if (!isDir) throw new UsageError(`skill package ${dir} is not a directory (expected the directory holding skill.json)`);
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

function ascending(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
