import { Readable } from "node:stream";
import { ExitCode } from "../../lib/errors";
import { promote } from "../../lib/release/commands/promote";
import { ROLLBACK_HELP, rollback } from "../../lib/release/commands/rollback";
import { rolledBackTo } from "../../lib/release/model";
import { confirmer } from "../../lib/release/confirm";
import { DryRunPlan } from "../../lib/dry-run";
import { previousVersionOf } from "../../lib/release/model";
import { alexaSkillHandler, functionError, type InvokeContext } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, type ReleaseWorld, type ReleaseWorldOptions } from "../../lib/emulators/release-world";
import { releaseDeps, runRelease, within, type CommandDeps } from "../helpers/release-run";

const runRollback = (world: ReleaseWorld, options: { yes?: boolean } = { yes: true }, extra: Partial<CommandDeps> = {}) =>
  runRelease("rollback", () => rollback(options, releaseDeps(world, extra)));

const runPromote = async (world: ReleaseWorld): Promise<number> => (await runRelease("promote", () => promote({ yes: true }, releaseDeps(world)))).code;

/** A world where blue was promoted from version 1 to 2; `behaviour` decides how versions answer. */
function promoted(test: (world: ReleaseWorld) => Promise<void>, behaviour: { fails?: (ctx: InvokeContext) => boolean } = {}, options: ReleaseWorldOptions = {}) {
  const lambda = { invoke: (ctx: InvokeContext) => (behaviour.fails?.(ctx) ? functionError("Unable to import module 'lambda_function'", "Runtime.ImportModuleError") : alexaSkillHandler(ctx)) };
  return within({ live: "blue", ...options, lambda }, async (world) => {
    expect(await runPromote(world)).toBe(ExitCode.Ok);
    expect(world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue").functionVersion).toBe("2");
    world.lambdaEmu.calls.clear();
    await test(world);
  });
}

const blue = (world: ReleaseWorld) => world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue");

describe("npm run rollback (the live alias)", () => {
  it("after a promote, moves the live alias back to the version it recorded, checking that version first and the alias after", () =>
    promoted(async (world) => {
      const { code, result } = await runRollback(world);
      expect(code).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "rolled-back", alias: "blue", colour: "blue", fromVersion: "2", toVersion: "1" });
      expect(blue(world).functionVersion).toBe("1");
      expect(rolledBackTo(blue(world).description)).toBe("1");
      // No promotion record is left, so there is nothing to ping-pong back to.
      expect(previousVersionOf(blue(world).description)).toBeUndefined();
      expect(world.lambdaEmu.calls.mutating().map((c) => c.operation)).toEqual(["UpdateAlias"]);
      expect(world.lambdaEmu.calls.of("Invoke").map((c) => c.query.Qualifier)).toEqual(["1", "blue"]);
      expect(world.lambdaEmu.state.getAlias(FUNCTION_NAME, "green").functionVersion).toBe("1");
      expect(world.output.text()).toContain("Rolled back: live alias blue is on version 1 again (was 2).");
    }));

  it("a second rollback is a no-op (exit 0), and a later promote moves forward again", () =>
    promoted(async (world) => {
      expect((await runRollback(world)).code).toBe(ExitCode.Ok);
      world.lambdaEmu.calls.clear();
      const again = await runRollback(world);
      expect(again.code).toBe(ExitCode.Ok);
      expect(again.result).toMatchObject({ outcome: "already-rolled-back", toVersion: "1" });
      expect(world.output.text()).toContain("Already rolled back to version 1");
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
      expect(blue(world).functionVersion).toBe("1");

      // $LATEST is unchanged since version 2 was published, so promote moves blue back to that same version.
      expect(await runPromote(world)).toBe(ExitCode.Ok);
      expect(blue(world).functionVersion).toBe("2");
      expect(previousVersionOf(blue(world).description)).toBe("1");
      expect(world.lambdaEmu.state.listVersions(FUNCTION_NAME)).toHaveLength(3);
    }));

  it("refuses (exit 3) when the live alias records no previous version", () =>
    within({ live: "green" }, async (world) => {
      const { code, stderr } = await runRollback(world);
      expect(code).toBe(ExitCode.Refused);
      expect(stderr).toMatch(/the live alias green \(version 1\) records no previous version in its description \(it is empty\), so there is nothing to roll back to/);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
    }));

  it("refuses to move to a previous version that fails its smoke test (exit 1), leaving the alias alone", () => {
    let brokenV1 = false;
    return promoted(
      async (world) => {
        brokenV1 = true;
        const before = blue(world);
        const { code, stderr } = await runRollback(world);
        expect(code).toBe(ExitCode.Failed);
        expect(stderr).toContain("Not rolled back: Version 1 failed its smoke test (a LaunchRequest): the function failed with Runtime.ImportModuleError: Unable to import module 'lambda_function'. Alias blue stays on version 2.");
        expect(blue(world)).toEqual(before);
        expect(world.lambdaEmu.calls.mutating()).toEqual([]);
      },
      { fails: (ctx) => brokenV1 && ctx.resolvedVersion === "1" },
    );
  });

  it("moves the alias forward again when the check after the move fails", () => {
    let brokenAlias = false;
    return promoted(
      async (world) => {
        brokenAlias = true;
        const before = blue(world);
        const { code, stderr } = await runRollback(world);
        expect(code).toBe(ExitCode.Failed);
        expect(stderr).toContain("It was moved back to version 2, so live is as it was.");
        expect(blue(world)).toMatchObject({ functionVersion: "2", description: before.description });
        expect(world.lambdaEmu.calls.mutating().map((c) => c.operation)).toEqual(["UpdateAlias", "UpdateAlias"]);
      },
      { fails: (ctx) => brokenAlias && ctx.qualifier === "blue" },
    );
  });

  it("under --dry-run checks the previous version for real and only lists the move", () =>
    promoted(async (world) => {
      const dryRun = new DryRunPlan();
      const { code, result } = await runRollback(world, {}, { dryRun, confirm: async () => false });
      expect(code).toBe(ExitCode.Ok);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
      expect(world.lambdaEmu.calls.of("Invoke").map((c) => c.query.Qualifier)).toEqual(["1"]);
      expect(result).toMatchObject({ outcome: "dry-run", fromVersion: "2", toVersion: "1" });
      expect(result?.plannedCalls).toEqual([
        expect.stringMatching(/^move alias blue of BostonInfoSkill from version 2 to version 1, described "rolled-back-to=1 from-version=2 at=.*"/),
        "invoke BostonInfoSkill:blue with a LaunchRequest and check the answer (smoke test)",
      ]);
      expect(blue(world).functionVersion).toBe("2");
    }));

  it("reports a concurrent change (exit 4) and keeps it; needs --yes when nobody can answer (exit 2)", () =>
    promoted(async (world) => {
      const stdin = Object.assign(Readable.from([]), { isTTY: false });
      const unanswered = await runRollback(world, { yes: false }, { confirm: confirmer({ yes: false, input: stdin }) });
      expect(unanswered.code).toBe(ExitCode.Usage);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);

      world.lambdaEmu.faults.beforeNext("UpdateAlias", () => void world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1"));
      const { code, stderr } = await runRollback(world);
      expect(code).toBe(ExitCode.Conflict);
      expect(stderr).toContain("Alias blue was changed by someone else after it was read at version 2: it now points at version 1");
      // Left as the other operator left it: our rollback record was not written over their change.
      expect(blue(world)).toMatchObject({ functionVersion: "1", description: expect.stringMatching(/^previous-version=1 /) });
    }));

  it("has help that names every option", () => {
    for (const option of ["--release", "--yes", "--dry-run", "--json", "--help"]) expect(ROLLBACK_HELP).toContain(option);
  });
});
