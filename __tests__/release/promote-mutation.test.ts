import { ExitCode } from "../../lib/errors";
import { Readable } from "node:stream";
import { promote } from "../../lib/release/commands/promote";
import { confirmer } from "../../lib/release/confirm";
import { DryRunPlan } from "../../lib/dry-run";
import { endCanary } from "../../lib/release/commands/end-canary";
import { canaryRecord, type CanaryRecord } from "../../lib/release/canary/record";
import { readAlias } from "../../lib/release/read-state";
import { alexaSkillHandler, functionError, type InvokeContext } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { failure, releaseDeps, runRelease, within, type CommandDeps } from "../helpers/release-run";

/**
 * The safety checks of npm run promote and of the steps it shares with
 * rollback and the canary (shared.ts) that mutation testing found
 * unobserved: no plain promote over a canary, the live alias checked when
 * there is nothing to promote, and the undo after a failed check after the
 * move restores exactly what was there, or reports a concurrent change
 * (invariants 5 and 7).
 */
const runPromote = (world: ReleaseWorld, options: { yes?: boolean } = { yes: true }, extra: Partial<CommandDeps> = {}) =>
  runRelease("promote", () => promote(options, releaseDeps(world, extra)));

const blue = (world: ReleaseWorld) => world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue");
const lambdaWrites = (world: ReleaseWorld) => world.lambdaEmu.calls.mutating().map((c) => c.operation);

const CANARY: CanaryRecord = { version: "2", stableVersion: "1", weight: 0.25, startedAt: Date.parse("2026-01-01T00:00:00Z"), bakeMs: 600_000, minInvocations: 10, maxErrors: 0 };

function startCanary(world: ReleaseWorld): void {
  world.lambdaEmu.state.updateAlias(FUNCTION_NAME, "blue", { Description: canaryRecord(CANARY), RoutingConfig: { AdditionalVersionWeights: { "2": 0.25 } } });
  world.lambdaEmu.calls.clear();
}

describe("promote refuses or stops before the live alias moves", () => {
  it("a canary in progress on the live alias is a refusal (exit 3): a plain promote would end it without a verdict", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      startCanary(world);
      const { code } = await runPromote(world);
      expect(code).toBe(ExitCode.Refused);
      expect(lambdaWrites(world)).toEqual([]);
      expect(blue(world).additionalVersionWeights).toEqual({ "2": 0.25 });
    }));

  it("nothing to promote, but the live alias fails its check: exit 1, nothing moves, rollback is named", () => {
    let broken = false;
    const lambda = { invoke: (ctx: InvokeContext) => (broken && ctx.qualifier === "blue" ? functionError("boom", "RuntimeError") : alexaSkillHandler(ctx)) };
    return within({ live: "blue", lambda }, async (world) => {
      expect((await runPromote(world)).code).toBe(ExitCode.Ok);
      broken = true;
      world.lambdaEmu.calls.clear();
      const { code, stderr } = await runPromote(world);
      expect(code).toBe(ExitCode.Failed);
      expect(stderr).toMatch(/npm run rollback moves the live alias back to version 1/);
      expect(lambdaWrites(world)).toEqual(["PublishVersion"]);
      expect(blue(world).functionVersion).toBe("2");
    });
  });
});

describe("promote --dry-run needs no answer", () => {
  it("off a terminal without --yes, a dry run reads and checks (exit 0) instead of asking for --yes", () =>
    within({ live: "blue" }, async (world) => {
      const input = Object.assign(Readable.from([]), { isTTY: false });
      const { code, result } = await runPromote(world, { yes: false }, { dryRun: new DryRunPlan(), confirm: confirmer({ yes: false, input }) });
      expect(code).toBe(ExitCode.Ok);
      expect(result?.outcome).toBe("dry-run");
      expect(lambdaWrites(world)).toEqual([]);
    }));
});

describe("the check after the move (checkAfterMove): an undo restores what was there, or reports who changed it", () => {
  it("another operator changing the alias between our move and its undo is a conflict (exit 4), not overwritten", () => {
    let world: ReleaseWorld | undefined;
    let changed = false;
    const lambda = {
      invoke: (ctx: InvokeContext) => {
        if (ctx.qualifier !== "blue" || ctx.resolvedVersion !== "2" || changed) return alexaSkillHandler(ctx);
        // While our check of the alias runs, someone else updates blue (a new RevisionId, their description).
        changed = true;
        world!.lambdaEmu.state.updateAlias(FUNCTION_NAME, "blue", { Description: "theirs" });
        return { oops: true };
      },
    };
    return within({ live: "blue", lambda }, async (w) => {
      world = w;
      const { code } = await runPromote(world);
      expect(code).toBe(ExitCode.Conflict);
      expect(blue(world)).toMatchObject({ functionVersion: "2", description: "theirs" });
    });
  });

  it("a completed canary whose alias then fails its check goes back to its split and record, not to the stable version alone", () => {
    let broken = false;
    const lambda = { invoke: (ctx: InvokeContext) => (broken && ctx.qualifier === "blue" ? { oops: true } : alexaSkillHandler(ctx)) };
    return within({ live: "blue", versions: 2, lambda }, async (world) => {
      startCanary(world);
      const before = blue(world);
      broken = true;
      const alias = (await readAlias(world.lambda, FUNCTION_NAME, "blue"))!;
      const error = await failure(endCanary(releaseDeps(world), { command: "promote", alias, record: CANARY, outcome: "complete", note: "completed by hand" }));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(lambdaWrites(world)).toEqual(["UpdateAlias", "UpdateAlias"]);
      expect(blue(world)).toMatchObject({ functionVersion: "1", description: before.description, additionalVersionWeights: { "2": 0.25 } });
    });
  });

  it("an undo that fails for another reason than a concurrent change is a failure (exit 1), not a conflict", () => {
    let world: ReleaseWorld | undefined;
    const lambda = {
      invoke: (ctx: InvokeContext) => {
        if (ctx.qualifier !== "blue" || ctx.resolvedVersion !== "2") return alexaSkillHandler(ctx);
        // The alias check fails, and so does every attempt to move the alias back (past the SDK's retries).
        world!.lambdaEmu.faults.failNext("UpdateAlias", { status: 500, errorType: "ServiceException", times: 10 });
        return { oops: true };
      },
    };
    return within({ live: "blue", lambda }, async (w) => {
      world = w;
      const { code } = await runPromote(world);
      expect(code).toBe(ExitCode.Failed);
      expect(blue(world).functionVersion).toBe("2");
    });
  });
});
