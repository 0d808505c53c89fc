import { readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const SKIP = new Set(["node_modules", ".git"]);

/** Files under the worktree and the temporary directory modified since `since` (small ones, readable), for a leak scan. */
export function filesWrittenSince(since: number): Array<{ path: string; text: string }> {
  const found: Array<{ path: string; text: string }> = [];
  const walk = (dir: string, depth: number) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      if (SKIP.has(name)) continue;
      const full = path.join(dir, name);
      let stat;
      try {
        stat = statSync(full);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (depth < 6) walk(full, depth + 1);
      } else if (stat.isFile() && stat.mtimeMs >= since && stat.size < 4_000_000) {
        try {
          found.push({ path: full, text: readFileSync(full, "latin1") });
        } catch {
          // unreadable files belong to somebody else
        }
      }
    }
  };
  walk(ROOT, 0);
  walk(tmpdir(), 3);
  return found;
}
