import { UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { Readable } from "node:stream";
import { ExitCode } from "../../lib/errors";
import { promote } from "../../lib/release/commands/promote";
import { confirmer } from "../../lib/release/confirm";
import { DryRunPlan } from "../../lib/dry-run";
import { withEndpoint } from "../../lib/release/endpoints";
import { previousVersionOf } from "../../lib/release/model";
import { commandOutput } from "../../lib/output";
import { main, PROMOTE_HELP } from "../../scripts/promote";
import { alexaSkillHandler, functionError, makeZip, type InvokeContext } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { capture, releaseDeps, runRelease, within, type CommandDeps } from "../helpers/release-run";

/** Runs promote as the script does: the exit code, what it said on stderr, and its result. */
const runPromote = (world: ReleaseWorld, options: { yes?: boolean } = { yes: true }, extra: Partial<CommandDeps> = {}) =>
  runRelease("promote", () => promote(options, releaseDeps(world, extra)));

const alias = (world: ReleaseWorld, name: string) => world.lambdaEmu.state.getAlias(FUNCTION_NAME, name);
const mutatingOps = (world: ReleaseWorld) => world.lambdaEmu.calls.mutating().map((c) => c.operation);
const smapiWrites = (world: ReleaseWorld) => world.smapiEmu.calls.filter((c) => c.mutating);

describe("npm run promote", () => {
  it("publishes $LATEST, checks it, moves the live alias (blue) and records the previous version; green and development are untouched", () =>
    within({ live: "blue" }, async (world) => {
      const green = alias(world, "green");
      const devBefore = world.smapiEmu.endpoints("development");
      const { code, result } = await runPromote(world);
      expect(code).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "promoted", alias: "blue", colour: "blue", fromVersion: "1", toVersion: "2", published: "published" });
      const blue = alias(world, "blue");
      expect(blue.functionVersion).toBe("2");
      expect(previousVersionOf(blue.description)).toBe("1");
      expect(blue.description).toBe(result?.description);
      expect(alias(world, "green")).toEqual(green);
      expect(world.smapiEmu.endpoints("development")).toEqual(devBefore);
      expect(world.smapiEmu.endpoints("live")).toEqual([`${world.names.functionArn}:blue`]);
      expect(smapiWrites(world)).toEqual([]);
      expect(mutatingOps(world)).toEqual(["PublishVersion", "UpdateAlias"]);
      // The version was checked before the move, the alias after it.
      const invokes = world.lambdaEmu.calls.of("Invoke").map((c) => c.query.Qualifier);
      expect(invokes).toEqual(["2", "blue"]);
      expect(world.output.text()).toMatch(/Promoted: live alias blue is now on version 2 \("\d{4}-\d\d-\d\d commit 3f9c2a1"\), was 1/);
    }));

  it("leaves the live alias alone when the new version fails its smoke test (exit 1)", () =>
    within(
      { live: "green", lambda: { invoke: (ctx) => (ctx.resolvedVersion === "2" ? functionError("No module named 'mycity'", "ModuleNotFoundError") : alexaSkillHandler(ctx)) } },
      async (world) => {
        const before = alias(world, "green");
        const { code, stderr } = await runPromote(world);
        expect(code).toBe(ExitCode.Failed);
        expect(stderr).toContain("Version 2 failed its smoke test (a LaunchRequest): the function failed with ModuleNotFoundError: No module named 'mycity'");
        expect(alias(world, "green")).toEqual(before);
        expect(mutatingOps(world)).toEqual(["PublishVersion"]);
      },
    ));

  it("moves the alias back when the check after the move fails (invariant 5)", () =>
    within(
      // The version answers when invoked directly, but not through the alias (say, a bad alias-specific setting).
      { live: "blue", lambda: { invoke: (ctx: InvokeContext) => (ctx.qualifier === "blue" && ctx.resolvedVersion === "2" ? { oops: true } : alexaSkillHandler(ctx)) } },
      async (world) => {
        const before = alias(world, "blue");
        const { code, stderr } = await runPromote(world);
        expect(code).toBe(ExitCode.Failed);
        expect(stderr).toMatch(/Alias blue was moved to version 2, but then: Alias blue failed its smoke test .* It was moved back to version 1, so live is as it was/);
        const after = alias(world, "blue");
        expect(after.functionVersion).toBe("1");
        expect(after.description).toBe(before.description);
        expect(mutatingOps(world)).toEqual(["PublishVersion", "UpdateAlias", "UpdateAlias"]);
      },
    ));

  it("moves a live legacy production-N alias", () =>
    within({ live: "legacy" }, async (world) => {
      const [blue, green] = [alias(world, "blue"), alias(world, "green")];
      const { code, result } = await runPromote(world);
      expect(code).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "promoted", alias: "production-3", fromVersion: "1", toVersion: "2" });
      expect(result?.colour).toBeUndefined();
      expect(alias(world, "production-3").functionVersion).toBe("2");
      expect(previousVersionOf(alias(world, "production-3").description)).toBe("1");
      expect([alias(world, "blue"), alias(world, "green")]).toEqual([blue, green]);
    }));

  it("has nothing to promote when Lambda gives back the live alias's version: exit 0, no change", () =>
    within({ live: "blue" }, async (world) => {
      expect((await runPromote(world)).code).toBe(ExitCode.Ok);
      world.lambdaEmu.calls.clear();
      const { code, result } = await runPromote(world);
      expect(code).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "nothing-to-promote", alias: "blue", fromVersion: "2", toVersion: "2" });
      // The publish is the question; Lambda's answer is the version already there, so nothing was created or moved.
      expect(mutatingOps(world)).toEqual(["PublishVersion"]);
      expect(world.lambdaEmu.state.listVersions(FUNCTION_NAME)).toHaveLength(3);
      expect(world.output.text()).toContain("Nothing to promote: Lambda gave back version 2 for $LATEST (neither its code nor its configuration changed since), and alias blue is on it.");
    }));

  it.each([
    ["Terraform published it (publish = true)", true],
    ["nobody published it yet", false],
  ])("promotes a configuration-only change (same code, new memory size) when %s", (_, terraformPublished) =>
    within({ live: "blue" }, async (world) => {
      expect((await runPromote(world)).code).toBe(ExitCode.Ok);
      world.lambdaEmu.state.updateSettings(FUNCTION_NAME, { memorySize: 512 });
      if (terraformPublished) world.lambdaEmu.state.publishVersion(FUNCTION_NAME, { description: "Boston Info skill" });
      const { code, result } = await runPromote(world);
      expect(code).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "promoted", fromVersion: "2", toVersion: "3", published: terraformPublished ? "existing" : "published" });
      expect(alias(world, "blue").functionVersion).toBe("3");
      expect(previousVersionOf(alias(world, "blue").description)).toBe("2");
      const [v2, v3] = ["2", "3"].map((v) => world.lambdaEmu.state.listVersions(FUNCTION_NAME).find((s) => s.version === v)!);
      expect(v3!.code.sha256).toBe(v2!.code.sha256);
      expect(v3!.settings.memorySize).toBe(512);
    }));

  it("refuses (exit 3) while the live alias lacks its Alexa permission, before anything changes", () =>
    within({ live: "blue" }, async (world) => {
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "blue", "AlexaSkillsKit-blue");
      const { code, stderr } = await runPromote(world);
      expect(code).toBe(ExitCode.Refused);
      expect(stderr).toMatch(/Alexa may not invoke BostonInfoSkill:blue .*The live skill cannot be invoked through blue, so promote moves nothing until the permission is back\..*npx cdktf deploy/);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
      expect(alias(world, "blue").functionVersion).toBe("1");
    }));

  it("under stale alias reads: checks the move by what the alias runs, and a second run that read a stale alias overwrites nothing (exit 4)", () =>
    within({ live: "blue", lambda: { staleAliasReads: 3 } }, async (world) => {
      const first = await runPromote(world);
      expect(first.code).toBe(ExitCode.Ok);
      const promoted = alias(world, "blue");
      expect(promoted.functionVersion).toBe("2");
      // Read right after, the alias still shows version 1: the move is tried with a RevisionId Lambda refuses.
      const second = await runPromote(world);
      expect(second.code).toBe(ExitCode.Conflict);
      expect(second.stderr).toMatch(/Alias blue was changed by someone else after it was read at version 1: it now points at version 2 \(description "previous-version=1 promoted=/);
      expect(alias(world, "blue")).toEqual(promoted);
      expect(world.lambdaEmu.state.listVersions(FUNCTION_NAME)).toHaveLength(3);
      // Once reads have caught up, the run converges.
      const third = await runPromote(world);
      expect(third.result).toMatchObject({ outcome: "nothing-to-promote", fromVersion: "2" });
    }));

  it("reports a concurrent move of the live alias (exit 4) and keeps the other operator's change", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      world.lambdaEmu.faults.beforeNext("UpdateAlias", () => void world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "2"));
      const { code, stderr } = await runPromote(world);
      expect(code).toBe(ExitCode.Conflict);
      expect(stderr).toMatch(/Alias blue was changed by someone else after it was read at version 1: it now points at version 2\. Their change was kept/);
      expect(alias(world, "blue").functionVersion).toBe("2");
      expect(world.lambdaEmu.calls.of("UpdateAlias").map((c) => c.status)).toEqual([412]);
    }));

  it("lists the calls under --dry-run and makes no mutating call", () =>
    within({ live: "blue" }, async (world) => {
      const dryRun = new DryRunPlan();
      const confirm = jest.fn(async () => false);
      const { code, result } = await runPromote(world, {}, { dryRun, confirm });
      expect(code).toBe(ExitCode.Ok);
      expect(confirm).not.toHaveBeenCalled();
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
      expect(smapiWrites(world)).toEqual([]);
      expect(result).toMatchObject({ outcome: "dry-run", toVersion: "(new version)", published: "planned" });
      expect(result?.plannedCalls).toEqual([
        expect.stringMatching(/^publish \$LATEST of BostonInfoSkill as a version/),
        "invoke BostonInfoSkill:(new version) with a LaunchRequest and check the answer (smoke test)",
        expect.stringMatching(/^move alias blue of BostonInfoSkill from version 1 to version \(new version\), described "previous-version=1 promoted=.*" \(if its RevisionId is still .*\)$/),
        "invoke BostonInfoSkill:blue with a LaunchRequest and check the answer (smoke test)",
      ]);
      expect(alias(world, "blue").functionVersion).toBe("1");
    }));

  it("needs --yes when nobody can answer (exit 2), and moves nothing", () =>
    within({ live: "blue" }, async (world) => {
      const stdin = Object.assign(Readable.from([]), { isTTY: false });
      const { code, stderr } = await runPromote(world, { yes: false }, { confirm: confirmer({ yes: false, input: stdin }) });
      expect(code).toBe(ExitCode.Usage);
      expect(stderr).toContain("pass --yes to confirm");
      // The question names the version, so it comes after the publish; the version stays unused, and the next run gets it back.
      expect(mutatingOps(world)).toEqual(["PublishVersion"]);
      expect(alias(world, "blue").functionVersion).toBe("1");
    }));

  it("moves nothing when a person declines, and asks about the exact version", () =>
    within({ live: "blue" }, async (world) => {
      const confirm = jest.fn(async () => false);
      const { code, stderr } = await runPromote(world, { yes: false }, { confirm });
      expect(code).toBe(ExitCode.Failed);
      expect(confirm).toHaveBeenCalledWith(expect.stringMatching(/^Move the live alias blue of BostonInfoSkill from version 1 to version 2 \("\d{4}-\d\d-\d\d commit 3f9c2a1", code \S+\)\? Live users get it at once\.$/));
      expect(stderr).toContain("Not promoted: not confirmed. The live alias blue stays on version 1; version 2 stays published and unused");
      expect(mutatingOps(world)).toEqual(["PublishVersion"]);
      expect(alias(world, "blue").functionVersion).toBe("1");
    }));

  it("publishes nothing after a failed update of $LATEST (exit 1), with Lambda's reason", () =>
    within({ live: "blue", lambda: { updateDurationMs: 0 } }, async (world) => {
      world.lambdaEmu.state.failNextUpdate(FUNCTION_NAME, "Lambda was unable to configure your environment variables.", "InvalidConfiguration");
      await world.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION_NAME, ZipFile: makeZip({ "lambda_function.py": "broken" }) }));
      world.lambdaEmu.calls.clear();
      const { code, stderr } = await runPromote(world);
      expect(code).toBe(ExitCode.Failed);
      expect(stderr).toContain("failed (InvalidConfiguration: Lambda was unable to configure your environment variables.)");
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
    }));

  it("refuses (exit 3) when the skill was never published", () =>
    within({ live: "unpublished" }, async (world) => {
      const { code, stderr } = await runPromote(world);
      expect(code).toBe(ExitCode.Refused);
      expect(stderr).toMatch(/never been published, so there is no live alias/);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
    }));

  it("refuses (exit 3) while a review uses the live alias, but not while it uses the other colour (invariant 2)", async () => {
    for (const [devAlias, expected] of [["blue", ExitCode.Refused], ["green", ExitCode.Ok]] as const) {
      await within({ live: "blue" }, async (world) => {
        const dev = world.smapiEmu.state.snapshot("development")!;
        world.smapiEmu.state.setStage("development", { ...dev, manifest: withEndpoint(dev.manifest, `${world.names.functionArn}:${devAlias}`) });
        await world.smapi.submitSkillForCertificationV1(world.config.skill.id, { publicationMethod: "MANUAL_PUBLISHING" });
        const { code, stderr } = await runPromote(world);
        expect({ devAlias, code }).toEqual({ devAlias, code: expected });
        if (expected === ExitCode.Refused) {
          expect(stderr).toMatch(/certification .* is in progress and the submission uses the blue alias/);
          expect(world.lambdaEmu.calls.mutating()).toEqual([]);
        }
      });
    }
  });
});

describe("scripts/promote.ts", () => {
  it("prints its help, and refuses unknown options with the help (exit 2)", async () => {
    const stdout = capture();
    expect(await main(["--help"], { env: {}, stdout, stderr: capture() })).toBe(ExitCode.Ok);
    expect(stdout.text()).toBe(PROMOTE_HELP);
    const stderr = capture();
    expect(await main(["--force"], { env: {}, stdout: capture(), stderr })).toBe(ExitCode.Usage);
    expect(stderr.text()).toContain("Usage: npm run promote");
  });

  it("with --json prints only the result on standard output", () =>
    within({ live: "green" }, async (world) => {
      const stdout = capture();
      const stderr = capture();
      // Wired like releaseDepsFromEnv (console output), but pointed at the emulators.
      const code = await main(["--yes", "--json"], { env: world.env, stdout, stderr }, {
        wire: () => ({ ...releaseDeps(world), output: commandOutput({ stdout: stdout as never, stderr: stderr as never }) }),
      });
      expect(code).toBe(ExitCode.Ok);
      expect(JSON.parse(stdout.text())).toMatchObject({ outcome: "promoted", alias: "green", fromVersion: "1", toVersion: "2" });
      expect(stderr.text()).toContain("Promoted: live alias green is now on version 2");
    }));
});
