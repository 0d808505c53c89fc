/**
 * Which commit is being deployed, for the description of a published
 * version: `status` reads it back to tell which code a colour runs.
 */
import { execFile } from "node:child_process";

/** The commit of the package being deployed, or undefined when nobody knows. */
export type ResolveCommit = () => Promise<string | undefined>;

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/**
 * CodeBuild's resolved source version first: its build directory is a
 * shallow clone whose git state we do not control. Elsewhere, `git rev-parse
 * HEAD` in `dir`, which works from any directory inside a checkout.
 */
export function commitResolver(env: NodeJS.ProcessEnv, dir: string): ResolveCommit {
  return async () => {
    const fromCodeBuild = env.CODEBUILD_RESOLVED_SOURCE_VERSION?.trim();
    if (fromCodeBuild) return fromCodeBuild;
    return gitHead(dir);
  };
}

/** HEAD of the checkout containing `dir`; undefined when it is not one, or git is missing. */
export function gitHead(dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("git", ["rev-parse", "--verify", "--quiet", "HEAD"], { cwd: dir, timeout: 10_000 }, (error, stdout) => {
      const sha = String(stdout).trim();
      resolve(error === null && FULL_SHA.test(sha) ? sha.toLowerCase() : undefined);
    });
  });
}

/** Seven hex digits, as git shows them; anything that is not a (possibly abbreviated) SHA is kept as given. */
export function shortCommit(commit: string): string {
  return /^[0-9a-f]{7,64}$/i.test(commit) ? commit.slice(0, 7).toLowerCase() : commit.slice(0, 40);
}

/** `2026-11-25 commit 3f9c2a1`: the UTC date and the short commit (DESIGN.md's release model). */
export function versionDescription(at: number | Date, commit: string | undefined): string {
  const date = new Date(at).toISOString().slice(0, 10);
  return commit === undefined ? date : `${date} commit ${shortCommit(commit)}`;
}

/**
 * What the skill checkout's git history says about two commits. CodeBuild
 * clones shallowly, so a commit may be missing: every answer may be
 * "unknown" (undefined), and callers must decide what unknown means.
 */
export interface CommitHistory {
  /** The committer time (ISO 8601, UTC) of a commit present in the checkout. */
  committedAt(commit: string): Promise<string | undefined>;
  /** Whether `ancestor` is an ancestor of `descendant`; undefined when either is not in the checkout. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean | undefined>;
}

export function gitHistory(dir: string): CommitHistory {
  return {
    async committedAt(commit) {
      const { code, stdout } = await git(dir, ["show", "-s", "--format=%ct", `${commit}^{commit}`]);
      const seconds = Number(stdout.trim());
      return code === 0 && Number.isInteger(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined;
    },
    async isAncestor(ancestor, descendant) {
      for (const c of [ancestor, descendant]) {
        if ((await git(dir, ["cat-file", "-e", `${c}^{commit}`])).code !== 0) return undefined;
      }
      // A shallow clone cuts the history: "not an ancestor" may only mean "beyond the cut".
      const shallow = (await git(dir, ["rev-parse", "--is-shallow-repository"])).stdout.trim() === "true";
      const { code } = await git(dir, ["merge-base", "--is-ancestor", ancestor, descendant]);
      if (code === 0) return true;
      return code === 1 && !shallow ? false : undefined;
    },
  };
}

/** A history that knows nothing: outside a checkout. */
export const NO_HISTORY: CommitHistory = { committedAt: async () => undefined, isAncestor: async () => undefined };

function git(cwd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, timeout: 10_000 }, (error, stdout) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : 128;
      resolve({ code, stdout: String(stdout) });
    });
  });
}
