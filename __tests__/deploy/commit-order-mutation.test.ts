import { compareWithRecord, refuseOlderBuild } from "../../lib/deploy/commit-order";
import { ExitCode } from "../../lib/errors";
import type { CommitHistory } from "../../lib/lambda/commit";

/**
 * The build-order check deploy:function makes before replacing `$LATEST`
 * (invariant 8: pushes in quick succession must not take development users
 * back to older code), as pure decisions over a fake git history: which
 * record counts, ancestry before committer times, and the tie.
 */

const OLD = "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const NEW = "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const SHA = "codesha-of-latest=";

/** A history that knows only the given ancestry pairs (`ancestor>descendant`); `unknown` answers undefined for everything. */
function history(ancestry: Record<string, boolean | undefined> = {}): CommitHistory & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    committedAt: async () => undefined,
    isAncestor: async (a, d) => {
      asked.push(`${a}>${d}`);
      return ancestry[`${a}>${d}`];
    },
  };
}

const record = (commit: string, extra: { committedAt?: string; codeSha256?: string } = {}) => ({ commit, codeSha256: extra.codeSha256 ?? SHA, ...(extra.committedAt && { committedAt: extra.committedAt }) });

describe("compareWithRecord: which builds may replace $LATEST", () => {
  it("with no record, the order is unknown (no refusal) and git is not asked", async () => {
    const h = history({ [`${OLD}>${NEW}`]: true });
    expect((await compareWithRecord({ commit: OLD }, undefined, SHA, h)).order).toBe("unknown");
    expect(h.asked).toEqual([]);
  });

  it("a record of other code than $LATEST's says nothing about what runs: unknown, even for a build git proves older", async () => {
    const h = history({ [`${OLD}>${NEW}`]: true });
    expect((await compareWithRecord({ commit: OLD }, record(NEW, { codeSha256: "someone-elses-code" }), SHA, h)).order).toBe("unknown");
    expect((await compareWithRecord({ commit: OLD }, record(NEW), undefined, h)).order).toBe("unknown");
    expect(h.asked).toEqual([]);
  });

  it("the recorded commit itself is the same build, by any prefix and case, either way round", async () => {
    const h = history();
    expect((await compareWithRecord({ commit: NEW }, record(NEW), SHA, h)).order).toBe("same");
    expect((await compareWithRecord({ commit: NEW.slice(0, 7).toUpperCase() }, record(NEW), SHA, h)).order).toBe("same");
    expect((await compareWithRecord({ commit: NEW }, record(NEW.slice(0, 12).toUpperCase()), SHA, h)).order).toBe("same");
    expect(h.asked).toEqual([]);
    // A commit that merely shares a first character is not the same.
    expect((await compareWithRecord({ commit: "2333333" }, record(NEW), SHA, h)).order).toBe("unknown");
  });

  it("a build whose commit is an ancestor of the recorded one is older (refused), whatever the committer times say", async () => {
    const h = history({ [`${OLD}>${NEW}`]: true });
    const order = await compareWithRecord({ commit: OLD, committedAt: "2026-12-02T10:00:00Z" }, record(NEW, { committedAt: "2026-01-01T00:00:00Z" }), SHA, h);
    expect(order.order).toBe("older");
  });

  it("a build that descends from the recorded commit is newer, whatever the committer times say", async () => {
    const h = history({ [`${OLD}>${NEW}`]: false, [`${NEW}>${OLD}`]: true });
    const order = await compareWithRecord({ commit: OLD, committedAt: "2026-01-01T00:00:00Z" }, record(NEW, { committedAt: "2026-12-02T10:00:00Z" }), SHA, h);
    expect(order.order).toBe("newer");
  });

  it("unrelated commits (git says false both ways) or a shallow clone (undefined) fall back to committer times", async () => {
    for (const answer of [false, undefined]) {
      const h = history({ [`${OLD}>${NEW}`]: answer, [`${NEW}>${OLD}`]: answer });
      const older = await compareWithRecord({ commit: OLD, committedAt: "2026-12-01T10:00:00Z" }, record(NEW, { committedAt: "2026-12-01T10:00:01Z" }), SHA, h);
      expect(older.order).toBe("older");
      const newer = await compareWithRecord({ commit: OLD, committedAt: "2026-12-01T10:00:02Z" }, record(NEW, { committedAt: "2026-12-01T10:00:01Z" }), SHA, h);
      expect(newer.order).toBe("newer");
    }
  });

  it("the same committer time is not older: a build is refused only when strictly older", async () => {
    const at = "2026-12-01T10:00:00Z";
    expect((await compareWithRecord({ commit: OLD, committedAt: at }, record(NEW, { committedAt: at }), SHA, history())).order).toBe("newer");
  });

  it("without both committer times and without ancestry the order is unknown, not a refusal", async () => {
    const at = "2026-12-01T10:00:00Z";
    expect((await compareWithRecord({ commit: OLD, committedAt: at }, record(NEW), SHA, history())).order).toBe("unknown");
    expect((await compareWithRecord({ commit: OLD }, record(NEW, { committedAt: at }), SHA, history())).order).toBe("unknown");
  });

  it("the refusal is invariant exit 3", () => {
    expect(refuseOlderBuild("BostonInfoSkill", "why").exitCode).toBe(ExitCode.Refused);
  });
});
