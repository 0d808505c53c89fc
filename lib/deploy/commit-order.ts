/**
 * Pushes in quick succession must not regress `$LATEST`. CodeBuild runs the
 * project's builds one at a time (concurrent_build_limit = 1), in the order
 * they start; what is left is a build that finishes after a newer one anyway:
 * a retried old build, or one queued behind a newer one. Before replacing
 * code, deploy:function compares its commit with the record of the commit
 * `$LATEST` holds:
 *
 * - Ancestry first, when both commits are in the checkout: replacing a
 *   descendant of the build's commit is a regression, refused.
 * - In a shallow clone (CodeBuild clones one commit deep) the newer commit is
 *   not there at all, so ancestry is unknown; then the committer times
 *   decide: a build whose commit is older than the recorded one is refused.
 *   Times can mislead (a rebase keeps old author times but sets new
 *   committer times; clocks of committers differ), which is why ancestry
 *   wins whenever git can answer.
 * - A record that does not belong to `$LATEST`'s code (someone uploaded
 *   outside the pipeline, or a deploy stopped before writing it) says nothing
 *   about what runs: no refusal.
 *
 * Deliberately going back is a new commit (git revert) pushed on top, which
 * passes both checks.
 */
import { InvariantRefusal } from "../errors";
import type { CommitRecord } from "../lambda/commit-record";
import { shortCommit, type CommitHistory } from "../lambda/commit";

export interface BuildCommit {
  commit: string;
  committedAt?: string;
}

export type CommitOrder = "same" | "newer" | "unknown" | "older";

export async function compareWithRecord(build: BuildCommit, record: CommitRecord | undefined, latestCodeSha256: string | undefined, history: CommitHistory): Promise<{ order: CommitOrder; why: string }> {
  if (record === undefined) return { order: "unknown", why: "no commit is recorded for $LATEST" };
  if (record.codeSha256 !== latestCodeSha256) {
    return { order: "unknown", why: `the recorded commit ${shortCommit(record.commit)} belongs to code ${record.codeSha256}, not to $LATEST's ${latestCodeSha256 ?? "(none)"}` };
  }
  if (sameCommit(record.commit, build.commit)) return { order: "same", why: `$LATEST holds commit ${shortCommit(record.commit)} already` };
  const buildIsOlder = await history.isAncestor(build.commit, record.commit);
  if (buildIsOlder === true) return { order: "older", why: `$LATEST holds commit ${shortCommit(record.commit)}, which descends from this build's commit ${shortCommit(build.commit)}` };
  const buildIsNewer = await history.isAncestor(record.commit, build.commit);
  if (buildIsNewer === true) return { order: "newer", why: `this build's commit ${shortCommit(build.commit)} descends from $LATEST's ${shortCommit(record.commit)}` };
  if (build.committedAt !== undefined && record.committedAt !== undefined) {
    const ours = Date.parse(build.committedAt);
    const theirs = Date.parse(record.committedAt);
    if (ours < theirs) {
      return {
        order: "older",
        why: `$LATEST holds commit ${shortCommit(record.commit)} (committed ${record.committedAt}), newer than this build's commit ${shortCommit(build.commit)} (committed ${build.committedAt})`,
      };
    }
    return { order: "newer", why: `this build's commit ${shortCommit(build.commit)} (committed ${build.committedAt}) is not older than $LATEST's ${shortCommit(record.commit)} (committed ${record.committedAt})` };
  }
  return { order: "unknown", why: `git cannot order ${shortCommit(build.commit)} and ${shortCommit(record.commit)} here` };
}

export function refuseOlderBuild(functionName: string, why: string): InvariantRefusal {
  return new InvariantRefusal(
    `Refusing to replace the code of ${functionName}'s $LATEST: ${why}. An older build finished after a newer one; deploying it would take ` +
      "development and beta users back to older code. Nothing was changed. To go back on purpose, push a commit that reverts the change.",
  );
}

function sameCommit(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x.startsWith(y) || y.startsWith(x);
}
