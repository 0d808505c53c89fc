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
