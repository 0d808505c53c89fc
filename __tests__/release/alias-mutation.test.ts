import { UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { ConcurrentChange, ExitCode } from "../../lib/errors";
import { DryRunPlan } from "../../lib/dry-run";
import { readAlias } from "../../lib/release/read-state";
import { moveAlias } from "../../lib/release/steps/alias";
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
