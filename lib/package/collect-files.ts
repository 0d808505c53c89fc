/**
 * The files that go into a deployment package, in the order they go in.
 *
 * Order is byte order of the UTF-8 relative path with POSIX separators, not
 * readdir order (which differs between file systems), so the same tree gives
 * the same list everywhere.
 *
 * Symbolic links are rejected, not followed: following one can pull in files
 * from outside the directory (or loop), and what it points at may differ
 * between the machine that built the package and the next one. Copy the
 * target in instead.
 */
import type { Dirent } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import * as path from "node:path";
import { UsageError } from "../errors";

export interface PackageFileEntry {
  /** Path inside the zip: relative, POSIX separators. */
  path: string;
  absolutePath: string;
  /** Any execute bit set on the file (mode 0755 in the zip, else 0644). */
  executable: boolean;
  size: number;
}

export interface CollectOptions {
  /**
   * More patterns to leave out. A pattern without "/" matches a file or
   * directory name anywhere ("*.md", "tests"); one with "/" matches the path
   * from the package root ("docs/*.txt", "vendor/**\/*.so"). `*` and `?` stay
   * within one name, `**` spans directories. An excluded directory is not
   * entered.
   */
  exclude?: readonly string[];
  /** Apply DEFAULT_EXCLUDES (default true). */
  defaultExcludes?: boolean;
}

/** Build and editor debris that has no business in a Lambda package. */
export const DEFAULT_EXCLUDES: readonly string[] = [".git", "__pycache__", "*.pyc", ".DS_Store", "node_modules"];

export interface CollectedFiles {
  files: PackageFileEntry[];
  /** How many files and directories the exclusions left out. */
  excluded: number;
}

export async function collectFiles(dir: string, options: CollectOptions = {}): Promise<CollectedFiles> {
  const patterns = [...(options.defaultExcludes === false ? [] : DEFAULT_EXCLUDES), ...(options.exclude ?? [])];
  const isExcluded = compileExcludes(patterns);
  const files: PackageFileEntry[] = [];
  let excluded = 0;
  const pending: string[] = [""];
  for (let rel = pending.pop(); rel !== undefined; rel = pending.pop()) {
    const absoluteDir = rel === "" ? dir : path.join(dir, ...rel.split("/"));
    const entries: Dirent[] = await readdir(absoluteDir, { withFileTypes: true });
    for (const entry of entries) {
      const relPath = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (isExcluded(relPath, entry.name)) {
        excluded++;
        continue;
      }
      const absolutePath = path.join(absoluteDir, entry.name);
      if (entry.isSymbolicLink()) {
        throw new UsageError(`${absolutePath} is a symbolic link; packages do not follow links, copy the file or directory in instead (or exclude it)`);
      }
      if (entry.isDirectory()) {
        pending.push(relPath);
      } else if (entry.isFile()) {
        const stats = await lstat(absolutePath);
        files.push({ path: relPath, absolutePath, executable: (stats.mode & 0o111) !== 0, size: stats.size });
      } else {
        throw new UsageError(`${absolutePath} is not a regular file or directory (a socket, FIFO or device cannot go into a zip)`);
      }
    }
  }
  files.sort((a, b) => Buffer.compare(Buffer.from(a.path, "utf8"), Buffer.from(b.path, "utf8")));
  return { files, excluded };
}

/** A predicate for `(relative path, name)` from exclude patterns. */
export function compileExcludes(patterns: readonly string[]): (relPath: string, name: string) => boolean {
  const byName: RegExp[] = [];
  const byPath: RegExp[] = [];
  for (const raw of patterns) {
    const pattern = raw.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/+$/, "");
    if (pattern === "") continue;
    (pattern.includes("/") ? byPath : byName).push(globToRegExp(pattern.replace(/^\//, "")));
  }
  return (relPath, name) => byName.some((re) => re.test(name)) || byPath.some((re) => re.test(relPath));
}

function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob.charAt(i);
    if (ch === "*" && glob[i + 1] === "*") {
      // "**/" matches zero or more whole directories; a bare "**" anything.
      if (glob[i + 2] === "/") {
        source += "(?:[^/]+/)*";
        i += 2;
      } else {
        source += ".*";
        i += 1;
      }
    } else if (ch === "*") {
      source += "[^/]*";
    } else if (ch === "?") {
      source += "[^/]";
    } else {
      source += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}
