import { PassThrough } from "node:stream";
import { ExitCode } from "../../lib/errors";
import { finish } from "../../lib/release/commands/finish";
import { rollbackRelease } from "../../lib/release/commands/rollback-release";
import { submit } from "../../lib/release/commands/submit";
import { confirmer } from "../../lib/release/confirm";
import { DryRunPlan } from "../../lib/dry-run";
import { aliasArn, type Colour } from "../../lib/release/model";
import { codePackage } from "../../lib/emulators/lambda/state";
import { makeZip } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { failure, fastDeps as deps, mutationTracker, pointDevelopmentAt, worldForEachTest } from "../helpers/release-run";

describe("rollback --release", () => {
  let world: ReleaseWorld;
  let released = "";
  worldForEachTest({ live: "blue" }, (w) => (world = w));
  beforeEach(async () => {
    released = await release("green");
  });

  const { mark, mutationsSinceMark } = mutationTracker(() => world);

  /** Flip's Lambda side, out of band: a new version on the candidate alias. */
  function moveAlias(colour: Colour): string {
    const version = world.lambdaEmu.state.seedVersion(FUNCTION_NAME, codePackage(makeZip({ "lambda_function.py": `# ${colour} ${Date.now()}` })), `release on ${colour}`);
    world.lambdaEmu.state.setAlias(FUNCTION_NAME, colour, version.version);
    return version.version;
  }

  /** A whole release on `colour`: new code on the alias, development on it, submit, pass, finish. Returns the new Lambda version. */
  async function release(colour: Colour): Promise<string> {
    const version = moveAlias(colour);
    await pointDevelopmentAt(world, colour);
    await submit({ publicationMethod: "auto" }, deps(world));
    world.smapiEmu.passCertification();
    await finish({ publish: false }, deps(world));
    return version;
  }

  it("rolls live back to the previous version, on the previous colour, moving no alias; again, nothing to do", async () => {
    expect(released).toBe("2");
    expect(world.smapiEmu.endpoints("live")).toEqual([aliasArn(world.names, "green")]);
    mark();
    const report = await rollbackRelease({}, deps(world));
    expect(report).toMatchObject({
      outcome: "rolled-back",
      from: { skillVersion: "2", colour: "green" },
      to: { skillVersion: "1", colour: "blue", alias: "blue", aliasVersion: "1" },
      live: "blue (alias blue)",
    });
    expect(world.smapiEmu.endpoints("live")).toEqual([aliasArn(world.names, "blue")]);
    expect(mutationsSinceMark()).toEqual(["rollbackSkillV1"]);
    expect(world.lambdaEmu.calls.of("Invoke").length).toBeGreaterThan(0); // the smoke test of blue

    mark();
    expect((await rollbackRelease({}, deps(world))).outcome).toBe("already-rolled-back");
    expect(mutationsSinceMark()).toEqual([]);
  });

  it("refuses (exit 3) when the previous colour's alias has moved to newer code since", async () => {
    moveAlias("blue");
    mark();
    const error = await failure(rollbackRelease({}, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toMatch(/blue alias points at version 3, not older than the live green alias's version 2/);
    expect(world.smapiEmu.endpoints("live")).toEqual([aliasArn(world.names, "green")]);
    expect(mutationsSinceMark()).toEqual([]);
  });

  it("refuses (exit 3) when development points at the previous colour (a flip is under way)", async () => {
    await pointDevelopmentAt(world, "blue");
    const error = await failure(rollbackRelease({}, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toMatch(/development points at the blue alias/);
  });

  it("refuses (exit 3) after a later release was submitted, even one that failed", async () => {
    world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1"); // as if flip had not published anything new
    await pointDevelopmentAt(world, "blue");
    await submit({ publicationMethod: "manual" }, deps(world));
    world.smapiEmu.failCertification();
    const error = await failure(rollbackRelease({}, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toMatch(/skill version 3 \(FAILED_CERTIFICATION, submitted .*\) was submitted after the live version 2/);
  });

  it("fails (exit 1) with Amazon's errors when the rollback fails", async () => {
    world.smapiEmu.setRollbackOutcome({ status: "FAILED", errors: [{ message: "The rollback failed. Please retry the rollback." }] });
    const error = await failure(rollbackRelease({}, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Failed);
    expect(error.message).toContain("Please retry the rollback");
    expect(world.smapiEmu.endpoints("live")).toEqual([aliasArn(world.names, "green")]);
  });

  it("under --dry-run makes no mutating call in either emulator", async () => {
    mark();
    const plan = new DryRunPlan();
    const report = await rollbackRelease({}, { ...deps(world, plan), confirm: async () => Promise.reject(new Error("a dry run asks nothing")) });
    expect(report).toMatchObject({ outcome: "planned", plannedCalls: [expect.stringMatching(/^roll the live skill back to version 1/)] });
    expect(mutationsSinceMark()).toEqual([]);
  });

  it("exits 2 off a terminal without --yes, having changed nothing", async () => {
    mark();
    const confirm = confirmer({ yes: false, input: Object.assign(new PassThrough(), { isTTY: false }) });
    const error = await failure(rollbackRelease({}, { ...deps(world), confirm }));
    expect(error.exitCode).toBe(ExitCode.Usage);
    expect(mutationsSinceMark()).toEqual([]);
    expect(world.smapiEmu.endpoints("live")).toEqual([aliasArn(world.names, "green")]);
  });
});
