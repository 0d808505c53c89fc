import { UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { ConcurrentChange, ExitCode } from "../../lib/errors";
import { DryRunPlan } from "../../lib/dry-run";
import { readAlias } from "../../lib/release/read-state";
import { describeRouting, moveAlias, percentOf } from "../../lib/release/steps/alias";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { failure, releaseDeps, within } from "../helpers/release-run";

/**
 * moveAlias's decisions that mutation testing found unobserved: what counts as
 * "already there", what a 412 is settled by, and how stale reads after a 412
 * are read again (GetAlias is eventually consistent; the emulator's staleAliasReads).
 */
function recordingClock(): { clock: { now: () => number; sleep: (ms: number) => Promise<void> }; slept: number[] } {
  const slept: number[] = [];
  return { slept, clock: { now: () => Date.now(), sleep: async (ms) => void slept.push(ms) } };
}

const blueOf = async (world: ReleaseWorld) => (await readAlias(world.lambda, FUNCTION_NAME, "blue"))!;

describe("moveAlias: already there", () => {
  it("sends nothing for the same version without a description, and says so", () =>
    within({ versions: 2 }, async (world) => {
      const blue = await blueOf(world);
      expect(await moveAlias(releaseDeps(world), { alias: blue, toVersion: "1" })).toBe(blue.revisionId);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
      expect(world.output.text()).toContain("Alias blue already points at version 1.");
    }));

  it("lists a move without a description as such under --dry-run", () =>
    within({ versions: 2 }, async (world) => {
      const blue = await blueOf(world);
      const dryRun = new DryRunPlan();
      await moveAlias(releaseDeps(world, { dryRun }), { alias: blue, toVersion: "2" });
      expect(dryRun.calls).toEqual([`move alias blue of BostonInfoSkill from version 1 to version 2 (if its RevisionId is still ${blue.revisionId})`]);
    }));
});

describe("moveAlias: settling a 412", () => {
  it("is success when the alias already has our version and our description (our lost first attempt)", () =>
    within({ versions: 2 }, async (world) => {
      const blue = await blueOf(world);
      await world.lambda.send(new UpdateAliasCommand({ FunctionName: FUNCTION_NAME, Name: "blue", FunctionVersion: "2", Description: "previous-version=1" }));
      const revision = await moveAlias(releaseDeps(world), { alias: blue, toVersion: "2", description: "previous-version=1" });
      expect(revision).toBe(world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue").revisionId);
    }));

  it("an alias deleted between the read and the update is a concurrent change (exit 4), not an unexpected failure", () =>
    within({ versions: 2 }, async (world) => {
      const blue = await blueOf(world);
      world.lambdaEmu.state.deleteAlias(FUNCTION_NAME, "blue");
      const error = await moveAlias(releaseDeps(world), { alias: blue, toVersion: "2" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrentChange);
      expect((error as ConcurrentChange).exitCode).toBe(ExitCode.Conflict);
      expect((error as Error).message).toContain("Alias blue of BostonInfoSkill no longer exists: it was deleted after it was read");
    }));

  it("a failure that is not a 412 is not a conflict: it is passed on as it is", () =>
    within({ versions: 2 }, async (world) => {
      const blue = await blueOf(world);
      world.lambdaEmu.faults.failNext("UpdateAlias", { status: 400, errorType: "InvalidParameterValueException", message: "bad version", times: 3 });
      const error = await moveAlias(releaseDeps(world), { alias: blue, toVersion: "2" }).catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(ConcurrentChange);
      expect((error as Error).name).toBe("InvalidParameterValueException");
      expect(world.lambdaEmu.calls.of("GetAlias")).toHaveLength(1); // only our read above, no settling read
    }));

  it("reads again, backing off, while GetAlias still shows the refused RevisionId, then reports what it finds", () =>
    within({ versions: 3, lambda: { staleAliasReads: 2 } }, async (world) => {
      const blue = await blueOf(world);
      world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "3"); // another operator
      world.lambdaEmu.calls.clear();
      const { clock, slept } = recordingClock();
      const error = await failure(moveAlias(releaseDeps(world, { clock }), { alias: blue, toVersion: "2" }));
      expect(error.exitCode).toBe(ExitCode.Conflict);
      expect(error.message).toContain("it now points at version 3");
      expect(world.lambdaEmu.calls.of("GetAlias")).toHaveLength(3);
      expect(slept).toEqual([200, 400]);
      expect(world.output.lines.filter((l) => l.kind === "progress").map((l) => l.text)).toEqual([
        "alias blue still reads as before the conflict (a stale read); reading it again",
        "alias blue still reads as before the conflict (a stale read); reading it again",
      ]);
    }));

  it("gives up reading again after five reads and reports the alias as last read", () =>
    within({ versions: 3, lambda: { staleAliasReads: 20 } }, async (world) => {
      const blue = await blueOf(world);
      world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "3");
      world.lambdaEmu.calls.clear();
      const { clock, slept } = recordingClock();
      const error = await failure(moveAlias(releaseDeps(world, { clock }), { alias: blue, toVersion: "2" }));
      expect(error).toBeInstanceOf(ConcurrentChange);
      expect(world.lambdaEmu.calls.of("GetAlias")).toHaveLength(5);
      expect(slept).toEqual([200, 400, 800, 1600]);
    }));
});

describe("moveAlias with weighted routing (canary)", () => {
  it("describes routing in percent, to a hundredth", () => {
    expect(describeRouting("6", {})).toBe("version 6");
    expect(describeRouting("6", { "7": 0.25 })).toBe("version 6 with 25% of its traffic on version 7");
    expect(describeRouting("6", { "7": 0.125, "8": 0.00014 })).toBe("version 6 with 12.5% of its traffic on version 7 and 0.01% of its traffic on version 8");
    expect(percentOf(0.33333)).toBe("33.33%");
  });

  it("is already there only with the same weights (a zero weight counts as none); otherwise it moves", () =>
    within({ versions: 3 }, async (world) => {
      world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1", { "2": 0.1 });
      const blue = await blueOf(world);
      world.lambdaEmu.calls.clear();
      expect(await moveAlias(releaseDeps(world), { alias: blue, toVersion: "1", weights: { "2": 0.1, "3": 0 } })).toBe(blue.revisionId);
      expect(world.output.text()).toContain("Alias blue already points at version 1 with 10% of its traffic on version 2");
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);

      await moveAlias(releaseDeps(world), { alias: blue, toVersion: "1", weights: { "2": 0.2 } });
      expect(world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue").additionalVersionWeights).toEqual({ "2": 0.2 });
      const now = await blueOf(world);
      await moveAlias(releaseDeps(world), { alias: now, toVersion: "1", weights: { "3": 0.2 } });
      expect(world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue").additionalVersionWeights).toEqual({ "3": 0.2 });
      const third = await blueOf(world);
      await moveAlias(releaseDeps(world), { alias: third, toVersion: "1", weights: { "3": 0.2, "2": 0.1 } });
      expect(world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue").additionalVersionWeights).toEqual({ "3": 0.2, "2": 0.1 });
      expect(world.output.text()).toContain("Moved alias blue from version 1 with 20% of its traffic on version 3 to version 1 with 10% of its traffic on version 2 and 20% of its traffic on version 3.");
    }));

  it("from weighted routing to none moves the alias, and clears the routing", () =>
    within({ versions: 3 }, async (world) => {
      world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1", { "2": 0.1 });
      await moveAlias(releaseDeps(world), { alias: await blueOf(world), toVersion: "1" });
      expect(world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue").additionalVersionWeights ?? {}).toEqual({});
    }));
});
