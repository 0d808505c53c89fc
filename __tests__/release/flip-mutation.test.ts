import { ExitCode } from "../../lib/errors";
import { flip, type FlipOptions } from "../../lib/release/commands/flip";
import { DryRunPlan } from "../../lib/dry-run";
import { manifestEndpoints } from "../../lib/release/endpoints";
import { canaryRecord } from "../../lib/release/canary/record";
import type { JsonObject } from "../../lib/emulators/smapi";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { alexaSkillHandler, type InvokeContext } from "../../lib/emulators/lambda";
import { pointDevelopmentAt, releaseDeps, runRelease, within, type CommandDeps } from "../helpers/release-run";

/**
 * The safety checks of npm run flip that mutation testing found unobserved:
 * what it refuses before anything moves (invariants 2, 9, a canary on live),
 * that nothing moves without confirmation, and that a failed simulation
 * undoes only the endpoint move this run made (invariant 5).
 */
const flipIn = (world: ReleaseWorld, options: Partial<FlipOptions> = {}, extra: Partial<CommandDeps> = {}) =>
  runRelease("flip", () => flip({ to: "candidate", yes: true, ...options }, releaseDeps(world, extra)));

const devEndpoints = (world: ReleaseWorld) => manifestEndpoints(world.smapiEmu.manifest("development")).map((e) => e.uri);
const lambdaWrites = (world: ReleaseWorld) => world.lambdaEmu.calls.mutating().map((c) => c.operation);
const smapiWrites = (world: ReleaseWorld) => world.smapiEmu.calls.filter((c) => c.mutating).map((c) => c.operation);
const CANARY = { version: "2", stableVersion: "1", weight: 0.25, startedAt: Date.parse("2026-01-01T00:00:00Z"), bakeMs: 600_000, minInvocations: 10, maxErrors: 0 };
const refuses = () => jest.fn(async () => Promise.reject(new Error("nothing may be asked here")));

describe("flip refuses before anything moves", () => {
  it("a development manifest without a custom endpoint is a refusal (exit 3): nothing to move, nothing guessed", () =>
    within({ live: "blue" }, async (world) => {
      const dev = world.smapiEmu.state.snapshot("development")!;
      const manifest = structuredClone(dev.manifest) as JsonObject;
      delete ((manifest.apis as JsonObject).custom as JsonObject).endpoint;
      world.smapiEmu.state.setStage("development", { ...dev, manifest });
      for (const to of ["candidate", "latest"] as const) {
        const { code } = await flipIn(world, { to });
        expect({ to, code }).toEqual({ to, code: ExitCode.Refused });
      }
      expect(lambdaWrites(world)).toEqual([]);
      expect(smapiWrites(world)).toEqual([]);
    }));

  it("a canary on a live legacy alias is a refusal (exit 3): its verdict would be left to nobody", () =>
    within({ live: "legacy", versions: 2 }, async (world) => {
      world.lambdaEmu.state.updateAlias(FUNCTION_NAME, "production-3", {
        Description: canaryRecord(CANARY),
        RoutingConfig: { AdditionalVersionWeights: { "2": 0.25 } },
      });
      world.lambdaEmu.calls.clear();
      const { code, stderr } = await flipIn(world);
      expect(code).toBe(ExitCode.Refused);
      expect(stderr).toMatch(/canary is in progress on the live alias production-3/);
      expect(lambdaWrites(world)).toEqual([]);
      expect(smapiWrites(world)).toEqual([]);
    }));

  it("a skill never published has no live alias to read: flip goes ahead on blue", () =>
    within({ live: "unpublished" }, async (world) => {
      const { code, result } = await flipIn(world);
      expect(code).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "flipped", colour: "blue" });
    }));

  it("a canary on a live colour alias is a refusal (exit 3)", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      world.lambdaEmu.state.updateAlias(FUNCTION_NAME, "blue", { Description: canaryRecord(CANARY), RoutingConfig: { AdditionalVersionWeights: { "2": 0.25 } } });
      world.lambdaEmu.calls.clear();
      const { code } = await flipIn(world);
      expect(code).toBe(ExitCode.Refused);
      expect(lambdaWrites(world)).toEqual([]);
      expect(smapiWrites(world)).toEqual([]);
    }));

  it("a missing candidate alias is a refusal (exit 3), before anything is published", () =>
    within({ live: "blue" }, async (world) => {
      world.lambdaEmu.state.deleteAlias(FUNCTION_NAME, "green");
      world.lambdaEmu.calls.clear();
      const { code } = await flipIn(world);
      expect(code).toBe(ExitCode.Refused);
      expect(lambdaWrites(world)).toEqual([]);
      expect(smapiWrites(world)).toEqual([]);
    }));
});

describe("flip moves nothing without confirmation", () => {
  it("a declined question (no --yes) publishes nothing and moves nothing (exit 1)", () =>
    within({ live: "blue" }, async (world) => {
      const confirm = jest.fn(async () => false);
      const { code } = await flipIn(world, { yes: false }, { confirm });
      expect(code).toBe(ExitCode.Failed);
      expect(confirm).toHaveBeenCalledTimes(1);
      expect(lambdaWrites(world)).toEqual([]);
      expect(smapiWrites(world)).toEqual([]);
    }));

  it("--to latest declined leaves development on the candidate; --yes and --dry-run ask nothing", () =>
    within({ live: "blue" }, async (world) => {
      expect((await flipIn(world)).code).toBe(ExitCode.Ok);
      const green = `${world.names.functionArn}:green`;
      world.smapiEmu.calls.length = 0;
      const declined = await flipIn(world, { to: "latest", yes: false }, { confirm: jest.fn(async () => false) });
      expect(declined.code).toBe(ExitCode.Failed);
      expect(devEndpoints(world)).toEqual([green]);
      const planned = await flipIn(world, { to: "latest", yes: false }, { confirm: refuses(), dryRun: new DryRunPlan() });
      expect(planned).toMatchObject({ code: ExitCode.Ok, result: { outcome: "dry-run" } });
      expect(devEndpoints(world)).toEqual([green]);
      expect(smapiWrites(world)).toEqual([]);
      const moved = await flipIn(world, { to: "latest", yes: true }, { confirm: refuses() });
      expect(moved).toMatchObject({ code: ExitCode.Ok, result: { outcome: "to-latest", development: { from: expect.stringContaining("green"), to: world.names.functionArn } } });
      expect(devEndpoints(world)).toEqual([world.names.functionArn]);
      const again = await flipIn(world, { to: "latest", yes: false }, { confirm: refuses() });
      expect(again).toMatchObject({ code: ExitCode.Ok, result: { outcome: "already-latest", development: { to: world.names.functionArn } } });
    }));
});

describe("flip undoes only its own endpoint move when Alexa does not reach the candidate (invariant 5)", () => {
  it("development already on the candidate before the run stays there: nothing to put back", () =>
    within({ live: "blue" }, async (world) => {
      expect((await flipIn(world)).code).toBe(ExitCode.Ok);
      world.smapiEmu.setSimulateHandler(() => ({ error: "the skill did not answer" }));
      world.smapiEmu.calls.length = 0;
      const { code } = await flipIn(world);
      expect(code).toBe(ExitCode.Failed);
      expect(devEndpoints(world)).toEqual([`${world.names.functionArn}:green`]);
      expect(world.smapiEmu.callsTo("updateSkillManifestV1")).toEqual([]);
    }));
});

describe("flip checks each move and undoes it when the check fails (invariant 5)", () => {
  it("credentials that expire during the version's check are exit 2 with their fix, not a failed check (1): nothing moved", () =>
    within({ live: "blue" }, async (world) => {
      world.lambdaEmu.faults.failNext("Invoke", { status: 403, errorType: "ExpiredTokenException", message: "The security token included in the request is expired" });
      const { code, stderr } = await flipIn(world);
      expect(code).toBe(ExitCode.Usage);
      expect(stderr).not.toContain("Not flipped");
      expect(lambdaWrites(world)).toEqual(["PublishVersion"]);
      expect(smapiWrites(world)).toEqual([]);
    }));

  it("a candidate alias that fails its check after the move goes back to its version and description; development does not move", () =>
    within({ live: "blue", lambda: { invoke: (ctx: InvokeContext) => (ctx.qualifier === "green" && ctx.resolvedVersion === "2" ? { oops: true } : alexaSkillHandler(ctx)) } }, async (world) => {
      const before = world.lambdaEmu.state.getAlias(FUNCTION_NAME, "green");
      const { code } = await flipIn(world);
      expect(code).toBe(ExitCode.Failed);
      expect(world.lambdaEmu.state.getAlias(FUNCTION_NAME, "green")).toMatchObject({ functionVersion: "1", description: before.description });
      expect(lambdaWrites(world)).toEqual(["PublishVersion", "UpdateAlias", "UpdateAlias"]);
      expect(devEndpoints(world)).toEqual([world.names.functionArn]);
      expect(smapiWrites(world)).toEqual([]);
    }));

  it("development on another colour before the run goes back there when Alexa does not reach the candidate", () =>
    within({ live: "blue" }, async (world) => {
      await pointDevelopmentAt(world, "blue");
      world.smapiEmu.setSimulateHandler(() => ({ error: "the skill did not answer" }));
      const { code } = await flipIn(world);
      expect(code).toBe(ExitCode.Failed);
      expect(devEndpoints(world)).toEqual([`${world.names.functionArn}:blue`]);
    }));

  it("when putting development back fails too, it says so (exit 1) rather than claim development is back", () =>
    within({ live: "blue" }, async (world) => {
      world.smapiEmu.setSimulateHandler(() => ({ error: "the skill did not answer" }));
      // Armed once the first simulation arrives: the manifest update that would undo the move fails, past the client's retries.
      world.smapiEmu.faults.beforeNext("simulateSkillV2", async () => void world.smapiEmu.faults.failNext("updateSkillManifestV1", { status: 500, times: 10 }));
      const { code, stderr } = await flipIn(world);
      expect(code).toBe(ExitCode.Failed);
      expect(devEndpoints(world)).toEqual([`${world.names.functionArn}:green`]);
      expect(stderr).not.toMatch(/development endpoint is back on/);
      expect(stderr).toMatch(/flip -- --to latest/);
    }));

  it("development already on the candidate, with new code: a real flip (the alias moves), reported as flipped", () =>
    within({ live: "blue" }, async (world) => {
      expect((await flipIn(world)).code).toBe(ExitCode.Ok);
      world.lambdaEmu.state.updateSettings(FUNCTION_NAME, { memorySize: 512 });
      const { code, result } = await flipIn(world);
      expect(code).toBe(ExitCode.Ok);
      const green = `${world.names.functionArn}:green`;
      expect(result).toMatchObject({ outcome: "flipped", version: "3", development: { from: expect.stringContaining("green"), to: green } });
      expect(world.lambdaEmu.state.getAlias(FUNCTION_NAME, "green").functionVersion).toBe("3");
    }));

  it("--dry-run returns the calls a real run would make", () =>
    within({ live: "blue" }, async (world) => {
      const dryRun = new DryRunPlan();
      const { result } = await flipIn(world, {}, { dryRun });
      expect(result?.plannedCalls).toEqual(dryRun.calls);
      expect(result?.plannedCalls?.length).toBeGreaterThan(0);
    }));
});
