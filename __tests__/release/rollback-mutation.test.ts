import { ExitCode } from "../../lib/errors";
import { rollback } from "../../lib/release/commands/rollback";
import { endCanary } from "../../lib/release/commands/end-canary";
import { DryRunPlan } from "../../lib/dry-run";
import { canaryRecord, parseCanaryRecord, type CanaryRecord } from "../../lib/release/canary/record";
import { previousVersionOf, rolledBackTo, type AliasView } from "../../lib/release/model";
import { readAlias } from "../../lib/release/read-state";
import { alexaSkillHandler, functionError, type InvokeContext } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { failure, releaseDeps, runRelease, within, type CommandDeps } from "../helpers/release-run";

/**
 * The safety checks of npm run rollback and of ending a canary that mutation
 * testing found unobserved: what counts as "already rolled back" and what is
 * a refusal (nothing recorded to go back to), that a canary is ended by
 * clearing its routing only when confirmed, and that completing a canary
 * checks the version first and the alias after (invariant 5).
 */
const runRollback = (world: ReleaseWorld, options: { yes?: boolean } = { yes: true }, extra: Partial<CommandDeps> = {}) =>
  runRelease("rollback", () => rollback(options, releaseDeps(world, extra)));

const blue = (world: ReleaseWorld) => world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue");
const lambdaWrites = (world: ReleaseWorld) => world.lambdaEmu.calls.mutating().map((c) => c.operation);
const refuses = () => jest.fn(async () => Promise.reject(new Error("nothing may be asked here")));

const CANARY: CanaryRecord = { version: "2", stableVersion: "1", weight: 0.25, startedAt: Date.parse("2026-01-01T00:00:00Z"), bakeMs: 600_000, minInvocations: 10, maxErrors: 0 };

/** Blue (live) on version 1 with 25% of its traffic on version 2, as promote --canary leaves it mid-watch. */
function startCanary(world: ReleaseWorld): void {
  world.lambdaEmu.state.updateAlias(FUNCTION_NAME, "blue", { Description: canaryRecord(CANARY), RoutingConfig: { AdditionalVersionWeights: { "2": 0.25 } } });
  world.lambdaEmu.calls.clear();
}

const describeBlue = (world: ReleaseWorld, description: string, version = "2") =>
  void world.lambdaEmu.state.updateAlias(FUNCTION_NAME, "blue", { FunctionVersion: version, Description: description });

describe("rollback decides by the live alias's record: done, refused, or a move", () => {
  it("a rollback record of the version the alias is on is done (exit 0, nothing moves); of another version, a refusal (exit 3)", () =>
    within({ live: "blue", versions: 3 }, async (world) => {
      describeBlue(world, "rolled-back-to=2 from-version=3 at=2026-01-01T00:00:00.000Z");
      world.lambdaEmu.calls.clear();
      const done = await runRollback(world, { yes: false }, { confirm: refuses() });
      expect(done).toMatchObject({ code: ExitCode.Ok, result: { outcome: "already-rolled-back", toVersion: "2" } });
      // Someone moved the alias after the rollback: its record no longer describes it, and there is nothing to go back to.
      describeBlue(world, "rolled-back-to=1 from-version=2 at=2026-01-01T00:00:00.000Z", "3");
      world.lambdaEmu.calls.clear();
      const moved = await runRollback(world);
      expect(moved.code).toBe(ExitCode.Refused);
      expect(lambdaWrites(world)).toEqual([]);
      expect(blue(world).functionVersion).toBe("3");
    }));

  it("a promotion record naming the version the alias is on is done (exit 0): no smoke test, no move", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      describeBlue(world, "previous-version=2 promoted=2026-01-01T00:00:00.000Z");
      world.lambdaEmu.calls.clear();
      const { code, result } = await runRollback(world, { yes: false }, { confirm: refuses() });
      expect({ code, outcome: result?.outcome, toVersion: result?.toVersion }).toEqual({ code: ExitCode.Ok, outcome: "already-rolled-back", toVersion: "2" });
      expect(world.lambdaEmu.calls.entries).toEqual(expect.not.arrayContaining([expect.objectContaining({ operation: "Invoke" })]));
      expect(lambdaWrites(world)).toEqual([]);
    }));

  it("a declined question moves nothing (exit 1); the version was checked first", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      describeBlue(world, "previous-version=1 promoted=2026-01-01T00:00:00.000Z");
      world.lambdaEmu.calls.clear();
      const confirm = jest.fn(async () => false);
      const { code } = await runRollback(world, { yes: false }, { confirm });
      expect(code).toBe(ExitCode.Failed);
      expect(confirm).toHaveBeenCalledTimes(1);
      expect(world.lambdaEmu.calls.of("Invoke").map((c) => c.query.Qualifier)).toEqual(["1"]);
      expect(lambdaWrites(world)).toEqual([]);
      expect(blue(world).functionVersion).toBe("2");
    }));
});

describe("rollback of a canary in progress: routing cleared, back on the stable version", () => {
  it("ends the canary: version 1 alone, a rollback record (a second rollback has nothing to undo)", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      startCanary(world);
      const { code, result } = await runRollback(world, { yes: false }, { confirm: jest.fn(async () => true) });
      expect(code).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "rolled-back", fromVersion: "1", toVersion: "1" });
      const after = blue(world);
      expect(after.functionVersion).toBe("1");
      expect(after.additionalVersionWeights).toBeUndefined();
      expect(rolledBackTo(after.description)).toBe("1");
      expect(previousVersionOf(after.description)).toBeUndefined();
      expect(parseCanaryRecord(after.description)).toBeUndefined();
      world.lambdaEmu.calls.clear();
      expect((await runRollback(world)).result?.outcome).toBe("already-rolled-back");
      expect(lambdaWrites(world)).toEqual([]);
    }));

  it("declined, or under --dry-run, the canary stays as it is", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      startCanary(world);
      const before = blue(world);
      const declined = await runRollback(world, { yes: false }, { confirm: jest.fn(async () => false) });
      expect(declined.code).toBe(ExitCode.Failed);
      world.lambdaEmu.calls.clear();
      const dryRun = new DryRunPlan();
      const planned = await runRollback(world, { yes: false }, { confirm: refuses(), dryRun });
      expect(planned).toMatchObject({ code: ExitCode.Ok, result: { outcome: "dry-run", toVersion: "1", plannedCalls: dryRun.calls } });
      expect(dryRun.calls.length).toBeGreaterThan(0);
      // The alias did not move, so its check after the move is only listed, not run against the canary split.
      expect(world.lambdaEmu.calls.of("Invoke")).toEqual([]);
      expect(lambdaWrites(world)).toEqual([]);
      expect(blue(world)).toEqual(before);
    }));

  it("a stable version that fails its check after the move is only reported: the canary is not put back (exit 0)", () => {
    let broken = false;
    const lambda = { invoke: (ctx: InvokeContext) => (broken && ctx.qualifier === "blue" ? functionError("boom", "RuntimeError") : alexaSkillHandler(ctx)) };
    return within({ live: "blue", versions: 2, lambda }, async (world) => {
      startCanary(world);
      broken = true;
      const { code } = await runRollback(world);
      expect(code).toBe(ExitCode.Ok);
      expect(lambdaWrites(world)).toEqual(["UpdateAlias"]);
      expect(blue(world)).toMatchObject({ functionVersion: "1" });
      expect(blue(world).additionalVersionWeights).toBeUndefined();
      expect(world.output.text()).toMatch(/back on version 1, but it failed its check/);
    });
  });
});

describe("completing a canary (endCanary): the version answers before all of live moves to it (invariant 5)", () => {
  const complete = async (world: ReleaseWorld, extra: Partial<CommandDeps> = {}) => {
    const alias: AliasView = (await readAlias(world.lambda, FUNCTION_NAME, "blue"))!;
    return endCanary(releaseDeps(world, extra), { command: "promote", alias, record: CANARY, outcome: "complete", note: "completed by hand" });
  };

  it("a version that fails its smoke test keeps the canary as it is (exit 1)", () =>
    within({ live: "blue", versions: 2, lambda: { invoke: (ctx) => (ctx.resolvedVersion === "2" ? functionError("boom", "RuntimeError") : alexaSkillHandler(ctx)) } }, async (world) => {
      startCanary(world);
      const before = blue(world);
      expect((await failure(complete(world))).exitCode).toBe(ExitCode.Failed);
      expect(lambdaWrites(world)).toEqual([]);
      expect(blue(world)).toEqual(before);
    }));

  it("moves all traffic to the canary version with a promotion record from the stable one, and checks the alias after", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      startCanary(world);
      const done = await complete(world);
      expect(done.toVersion).toBe("2");
      const after = blue(world);
      expect(after).toMatchObject({ functionVersion: "2", description: done.description });
      expect(after.additionalVersionWeights).toBeUndefined();
      expect(previousVersionOf(after.description)).toBe("1");
      expect(world.lambdaEmu.calls.of("Invoke").map((c) => c.query.Qualifier)).toEqual(["2", "blue"]);
    }));
});
