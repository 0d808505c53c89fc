import { GetAliasCommand, RemovePermissionCommand } from "@aws-sdk/client-lambda";
import { Readable } from "node:stream";
import { ExitCode } from "../../lib/errors";
import { flip, type FlipOptions } from "../../lib/release/commands/flip";
import { DryRunPlan } from "../../lib/dry-run";
import { manifestEndpoints } from "../../lib/release/endpoints";
import { main } from "../../scripts/flip";
import { functionError } from "../../lib/emulators/lambda";
import type { ReleaseWorld } from "../../lib/emulators/release-world";
import { releaseDeps, runRelease, setLiveEndpoints, within, type CommandDeps } from "../helpers/release-run";

const flipIn = (world: ReleaseWorld, options: Partial<FlipOptions> = {}, extra: Partial<CommandDeps> = {}) =>
  runRelease("flip", () => flip({ to: "candidate", yes: true, ...options }, releaseDeps(world, extra)));

async function aliasVersion(world: ReleaseWorld, name: string): Promise<string | undefined> {
  return (await world.lambda.send(new GetAliasCommand({ FunctionName: "BostonInfoSkill", Name: name }))).FunctionVersion;
}

const devEndpoints = (world: ReleaseWorld) => manifestEndpoints(world.smapiEmu.manifest("development")).map((e) => e.uri);

describe("npm run flip", () => {
  it("moves the candidate (not live) to a new version, points development at it, and Alexa reaches it", () =>
    within({ live: "blue" }, async (world) => {
      const { code, stderr, result } = await flipIn(world);
      expect(stderr).toBe("");
      expect(code).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "flipped", colour: "green", alias: "green", version: "2", published: "published" });
      expect(await aliasVersion(world, "green")).toBe("2");
      expect(await aliasVersion(world, "blue")).toBe("1"); // invariant 1: live untouched
      expect(devEndpoints(world)).toEqual([`${world.names.functionArn}:green`]);
      expect(manifestEndpoints(world.smapiEmu.manifest("live")).map((e) => e.uri)).toEqual([`${world.names.functionArn}:blue`]);
      const simulation = world.smapiEmu.calls.filter((c) => c.operation === "simulateSkillV2");
      expect(simulation).toHaveLength(1);
      expect(world.output.text()).toMatch(/Flipped: development now uses green \(alias green, version 2\)/);
    }));

  it("reads each thing once, and shares one LWA token among the parallel reads", () =>
    within({ live: "blue" }, async (world) => {
      await flipIn(world);
      expect(world.smapiEmu.calls.filter((c) => c.operation === "lwaToken")).toHaveLength(1);
      const lambdaReads = world.lambdaEmu.calls.entries.filter((c) => !c.mutating && c.operation !== "Invoke").map((c) => `${c.operation} ${c.path}`);
      expect(lambdaReads).toEqual([...new Set(lambdaReads)]);
    }));

  it("converges when run again: nothing moves twice", () =>
    within({ live: "blue" }, async (world) => {
      await flipIn(world);
      world.lambdaEmu.calls.clear();
      const again = await flipIn(world);
      expect(again.result?.outcome).toBe("already-flipped");
      expect(world.lambdaEmu.calls.mutating().map((c) => c.operation)).toEqual(["PublishVersion"]); // Lambda gives back version 2
      expect(await aliasVersion(world, "green")).toBe("2");
    }));

  it("uses blue as the candidate when live is on a legacy production-N alias", () =>
    within({ live: "legacy" }, async (world) => {
      const { result } = await flipIn(world);
      expect(result).toMatchObject({ colour: "blue", alias: "blue" });
      expect(devEndpoints(world)).toEqual([`${world.names.functionArn}:blue`]);
      expect(await aliasVersion(world, "production-3")).toBe("1");
    }));

  it.each([
    ["blue by default, green in EU", { EU: "green" }],
    ["the legacy alias by default, blue in FE", { default: "production-3", FE: "blue" }],
  ] as const)("refuses (exit 3) when live is split across regions (%s), naming each region, and changes nothing (invariant 9)", (_, split) =>
    within({ live: "legacy" }, async (world) => {
      const arn = (q: string) => `${world.names.functionArn}:${q}`;
      const regions = Object.fromEntries(Object.entries(split).filter(([r]) => r !== "default").map(([r, q]) => [r, arn(q)]));
      setLiveEndpoints(world, { default: arn("default" in split ? split.default : "blue"), ...regions });
      const { code, stderr } = await flipIn(world);
      expect(code).toBe(ExitCode.Refused);
      expect(stderr).toMatch(/Refusing to flip: the live stage's endpoints point at different targets: default → .*; (EU|FE) → /);
      for (const [region, qualifier] of Object.entries(split)) expect(stderr).toContain(`${region} → ${qualifier === "production-3" ? "legacy alias production-3" : `${qualifier} (alias ${qualifier})`}`);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
      expect(world.smapiEmu.calls.filter((c) => c.mutating)).toEqual([]);
    }));

  it("--to latest puts development back on $LATEST and moves no alias", () =>
    within({ live: "blue" }, async (world) => {
      await flipIn(world);
      world.lambdaEmu.calls.clear();
      const { code, result } = await flipIn(world, { to: "latest" });
      expect(code).toBe(0);
      expect(result?.outcome).toBe("to-latest");
      expect(devEndpoints(world)).toEqual([world.names.functionArn]);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
    }));

  it("refuses while a certification is in progress, naming it (invariant 2)", () =>
    within({ live: "blue" }, async (world) => {
      await flipIn(world);
      await world.smapi.submitSkillForCertificationV1(world.config.skill.id, { publicationMethod: "MANUAL_PUBLISHING" });
      world.lambdaEmu.calls.clear();
      const { code, stderr } = await flipIn(world);
      expect(code).toBe(ExitCode.Refused);
      expect(stderr).toMatch(/Refusing to flip: certification \S+ .*is in progress/);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
      expect(await aliasVersion(world, "green")).toBe("2");
    }));

  it("leaves the candidate alone when the new version fails its smoke test (invariant 5)", () =>
    within({ live: "blue", lambda: { invoke: (ctx) => (ctx.resolvedVersion === "2" ? functionError("boom", "RuntimeError") : { version: "1.0", response: { outputSpeech: { type: "PlainText", text: "hi" } } }) } }, async (world) => {
      const { code, stderr } = await flipIn(world);
      expect(code).toBe(ExitCode.Failed);
      expect(stderr).toMatch(/Not flipped: .*The green alias stays on version 1/);
      expect(await aliasVersion(world, "green")).toBe("1");
      expect(devEndpoints(world)).toEqual([world.names.functionArn]);
    }));

  it("puts development back where it was when the simulation does not reach the candidate", () =>
    within({ live: "blue" }, async (world) => {
      world.smapiEmu.setSimulateHandler(() => ({ error: "the skill did not answer" }));
      const { code, stderr } = await flipIn(world);
      expect(code).toBe(ExitCode.Failed);
      expect(stderr).toMatch(/The development endpoint is back on arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill/);
      expect(devEndpoints(world)).toEqual([world.names.functionArn]);
    }));

  it("when the manifest update went through but reading its status fails, says where development now points and that a re-run continues", () =>
    within({ live: "blue" }, async (world) => {
      // Armed when the manifest update arrives: the status reads after it fail.
      world.smapiEmu.faults.beforeNext("updateSkillManifestV1", async () => {
        world.smapiEmu.faults.failNext("getSkillStatusV1", { status: 400, message: "Status unavailable" });
      });
      const first = await flipIn(world);
      expect(first.code).toBe(ExitCode.Failed);
      const green = `${world.names.functionArn}:green`;
      expect(first.stderr).toContain(`SMAPI accepted the development manifest update, so the development endpoint now points at ${green}`);
      expect(first.stderr).toContain("Status unavailable");
      expect(first.stderr).toContain("Run the command again: it continues from there.");
      // Amazon applies the accepted update asynchronously: development gets there, as the message says.
      for (let i = 0; i < 500 && devEndpoints(world)[0] !== green; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(devEndpoints(world)).toEqual([green]);
      const again = await flipIn(world);
      expect({ code: again.code, stderr: again.stderr }).toEqual({ code: ExitCode.Ok, stderr: "" });
      expect(again.result).toMatchObject({ outcome: "already-flipped", colour: "green", version: "2" });
    }));

  it("does not undo anything after one simulation without an answer: it simulates again (SMAPI's 500)", () =>
    within({ live: "blue" }, async (world) => {
      world.smapiEmu.faults.failNext("simulateSkillV2", { status: 500, message: "Internal error" });
      const { code, stderr, result } = await flipIn(world);
      expect({ code, stderr }).toEqual({ code: ExitCode.Ok, stderr: "" });
      expect(result?.outcome).toBe("flipped");
      expect(devEndpoints(world)).toEqual([`${world.names.functionArn}:green`]);
      expect(world.smapiEmu.callsTo("updateSkillManifestV1")).toHaveLength(1);
      expect(world.smapiEmu.callsTo("simulateSkillV2").map((c) => c.status)).toEqual([500, 200]);
    }));

  it("flips under Amazon's eventual consistency: a lagging manifest status, a stale manifest read, stale alias reads", () =>
    within({ live: "blue", lambda: { staleAliasReads: 2 }, smapi: { consistency: { manifestStatusLagReads: 3, staleManifestReads: 2 } } }, async (world) => {
      const { code, stderr, result } = await flipIn(world);
      expect({ code, stderr }).toEqual({ code: ExitCode.Ok, stderr: "" });
      expect(result).toMatchObject({ outcome: "flipped", colour: "green", version: "2" });
      expect(world.lambdaEmu.state.getAlias("BostonInfoSkill", "green").functionVersion).toBe("2");
      expect(devEndpoints(world)).toEqual([`${world.names.functionArn}:green`]);
      expect(world.smapiEmu.callsTo("updateSkillManifestV1").map((c) => c.status)).toEqual([202]);
    }));

  it("refuses a candidate without its Alexa permission (invariant 4), before anything moves", () =>
    within({ live: "blue" }, async (world) => {
      await world.lambda.send(new RemovePermissionCommand({ FunctionName: "BostonInfoSkill", Qualifier: "green", StatementId: "AlexaSkillsKit-green" }));
      world.lambdaEmu.calls.clear();
      const { code, stderr } = await flipIn(world);
      expect(code).toBe(ExitCode.Refused);
      expect(stderr).toMatch(/cdktf deploy/);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
    }));

  it("two concurrent flips: one wins, the other exits 4, and the state is consistent (invariant 7)", () =>
    within({ live: "blue" }, async (world) => {
      const [a, b] = await Promise.all([flipIn(world), flipIn(world)]);
      expect([a.code, b.code].sort()).toEqual([ExitCode.Ok, ExitCode.Conflict]);
      const loser = a.code === ExitCode.Conflict ? a : b;
      expect(loser.stderr).toMatch(/green|changed/i);
      expect(await aliasVersion(world, "green")).toBe("2");
      expect(devEndpoints(world)).toEqual([`${world.names.functionArn}:green`]);
    }));

  it("--dry-run lists the calls and makes no mutating call in either emulator", () =>
    within({ live: "blue" }, async (world) => {
      const dryRun = new DryRunPlan();
      const { code, result } = await flipIn(world, {}, { dryRun });
      expect(code).toBe(0);
      expect(result?.outcome).toBe("dry-run");
      expect(dryRun.calls.join("\n")).toMatch(/publish[\s\S]*move alias green[\s\S]*point the development endpoint[\s\S]*simulate/i);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
      expect(world.smapiEmu.calls.filter((c) => c.mutating)).toEqual([]);
    }));

  it("asks for --yes when nobody can answer, and changes nothing", () =>
    within({ live: "blue" }, async (world) => {
      let stderr = "";
      const input = Object.assign(Readable.from([]), { isTTY: false });
      const code = await main([], { env: {}, stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } }, { wire: () => releaseDeps(world), input });
      expect(code).toBe(ExitCode.Usage);
      expect(stderr).toMatch(/pass --yes/);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
    }));

  it("explains a bad --to", async () => {
    let stderr = "";
    const code = await main(["--to", "blue"], { env: {}, stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } }, {
      wire: () => { throw new Error("not reached"); },
    });
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toMatch(/--to blue is not understood/);
  });
});
