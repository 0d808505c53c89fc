import { ExitCode } from "../../lib/errors";
import { submit, type SubmitOptions } from "../../lib/release/commands/submit";
import { DryRunPlan } from "../../lib/dry-run";
import { main } from "../../scripts/submit";
import { failedValidation } from "../../lib/emulators/smapi";
import { functionError } from "../../lib/emulators/lambda";
import type { ReleaseWorld } from "../../lib/emulators/release-world";
import { failure, fastDeps as deps, mutationTracker, otherOperatorPointsDevelopmentAt, pointDevelopmentAt, runScript, setLiveEndpoints, worldForEachTest } from "../helpers/release-run";

const MANUAL: SubmitOptions = { publicationMethod: "manual" };

describe("submit", () => {
  let world: ReleaseWorld;
  const start = worldForEachTest({ live: "blue", versions: 2 }, (w) => (world = w));

  /** Mutating calls in both emulators since `mark()`. */
  const { mark, mutationsSinceMark } = mutationTracker(() => world);

  it("refuses (exit 3) while development is on $LATEST, changing nothing", async () => {
    mark();
    const error = await failure(submit(MANUAL, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toMatch(/development points at \$LATEST.*npm run flip/);
    expect(mutationsSinceMark()).toEqual([]);
  });

  it("refuses (exit 3) while development is on the live colour", async () => {
    await pointDevelopmentAt(world, "blue");
    const error = await failure(submit(MANUAL, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toMatch(/live colour blue.*npm run finish/);
  });

  it("refuses (exit 3) while live is split across regions, with development on a colour that live uses in one region (invariant 9)", async () => {
    // Default on green, EU on blue: with no single live colour, blue looked like the candidate, but EU's live users run it.
    setLiveEndpoints(world, { default: `${world.names.functionArn}:green`, EU: `${world.names.functionArn}:blue` });
    await pointDevelopmentAt(world, "blue");
    mark();
    const error = await failure(submit(MANUAL, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toContain("Refusing to submit: the live stage's endpoints point at different targets: default → green (alias green); EU → blue (alias blue)");
    expect(mutationsSinceMark()).toEqual([]);
  });

  it("refuses (exit 3) while another submission is in review, naming it", async () => {
    await world.smapi.submitSkillForCertificationV1(world.config.skill.id, { publicationMethod: "MANUAL_PUBLISHING" });
    const id = world.smapiEmu.latestCertification()?.id;
    mark();
    const error = await failure(submit(MANUAL, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toContain(`certification ${id}`);
    expect(error.message).toContain("$LATEST");
    expect(mutationsSinceMark()).toEqual([]);
  });

  it("submits the candidate after a fresh smoke test and the validations, moving no alias; a re-run says already submitted", async () => {
    await pointDevelopmentAt(world, "green");
    mark();
    const report = await submit(MANUAL, deps(world));
    const review = world.smapiEmu.latestCertification();
    expect(report).toMatchObject({
      outcome: "submitted",
      certificationId: review?.id,
      candidate: { colour: "green", alias: "green", version: "1" },
      publicationMethod: "MANUAL_PUBLISHING",
      smokeTest: { qualifier: "green", executedVersion: "1" },
      validation: { outcome: "passed" },
    });
    expect(review).toMatchObject({ status: "IN_PROGRESS", publicationMethod: "MANUAL_PUBLISHING" });
    expect(review?.versionMessage).toBe("Release on green (alias green, BostonInfoSkill version 1: 2026-11-01 commit 0000000)");
    // Invariant 1: no alias moved, nothing changed on the Lambda side at all.
    expect(world.lambdaEmu.calls.of("UpdateAlias")).toEqual([]);
    expect(world.lambdaEmu.calls.mutating()).toEqual([]);
    expect(world.lambdaEmu.calls.of("Invoke")).toHaveLength(1);
    expect(mutationsSinceMark()).toEqual(["submitSkillValidationV1", "submitSkillForCertificationV1"]);

    const again = await submit(MANUAL, deps(world));
    expect(again).toMatchObject({ outcome: "already-submitted", certificationId: review?.id });
    expect(world.output.text()).toContain(`Already submitted: ${review?.id}`);
    expect(world.smapiEmu.callsTo("submitSkillForCertificationV1")).toHaveLength(1);
  });

  it("passes --publication-method auto and --message on", async () => {
    await pointDevelopmentAt(world, "green");
    await submit({ publicationMethod: "auto", message: "Trash day fix" }, deps(world));
    expect(world.smapiEmu.latestCertification()).toMatchObject({ publicationMethod: "AUTO_PUBLISHING", versionMessage: "Trash day fix" });
    expect((await failure(submit({ publicationMethod: "auto", message: "x".repeat(301) }, deps(world)))).exitCode).toBe(ExitCode.Usage);
  });

  it("fails (exit 1) when Amazon's validations fail, and submits nothing", async () => {
    await pointDevelopmentAt(world, "green");
    world.smapiEmu.setValidationOutcome({ status: "FAILED", validations: [failedValidation("en-US", "Privacy policy", "The privacy policy URL is not reachable.")] });
    const error = await failure(submit(MANUAL, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Failed);
    expect(error.message).toContain("Privacy policy");
    expect(world.smapiEmu.latestCertification()).toBeUndefined();
  });

  it("refuses (exit 3) when the candidate alias does not answer a LaunchRequest", async () => {
    await start({
      lambda: { invoke: (ctx) => (ctx.qualifier === "green" ? functionError("'NoneType' object is not subscriptable", "TypeError") : { version: "1.0", response: { outputSpeech: { type: "PlainText", text: "Hi" } } }) },
    });
    await pointDevelopmentAt(world, "green");
    mark();
    const error = await failure(submit(MANUAL, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toMatch(/Refusing to submit: Alias green failed its smoke test .*TypeError/);
    expect(mutationsSinceMark()).toEqual([]);
  });

  it("reports (exit 4) a development endpoint changed between the check and the submission", async () => {
    await pointDevelopmentAt(world, "green");
    otherOperatorPointsDevelopmentAt(world, world.names.functionArn, { before: "submitSkillForCertificationV1", settleMs: 40 });
    const error = await failure(submit(MANUAL, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Conflict);
    expect(error.message).toMatch(/Withdraw the submission/);
  });

  it("under --dry-run makes no mutating call in either emulator and lists the calls", async () => {
    await pointDevelopmentAt(world, "green");
    mark();
    const plan = new DryRunPlan();
    const report = await submit(MANUAL, { ...deps(world, plan), confirm: async () => Promise.reject(new Error("a dry run asks nothing")) });
    expect(report.outcome).toBe("planned");
    expect(report.plannedCalls).toEqual([expect.stringMatching(/^run SMAPI's skill validations/), expect.stringMatching(/^submit the skill for certification \(MANUAL_PUBLISHING/)]);
    expect(mutationsSinceMark()).toEqual([]);
  });

  describe("from the command line", () => {
    const run = (argv: string[]) => runScript(world, main, argv);

    it("exits 2 off a terminal without --yes, having changed nothing", async () => {
      await pointDevelopmentAt(world, "green");
      mark();
      const { code, stderr } = await run([]);
      expect(code).toBe(ExitCode.Usage);
      expect(stderr).toMatch(/pass --yes/);
      expect(mutationsSinceMark()).toEqual([]);
      expect(world.smapiEmu.latestCertification()).toBeUndefined();
    });

    it("submits with --yes --json, printing only JSON on stdout", async () => {
      await pointDevelopmentAt(world, "green");
      const { code, stdout } = await run(["--yes", "--json", "--publication-method", "auto"]);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ outcome: "submitted", publicationMethod: "AUTO_PUBLISHING", certificationId: world.smapiEmu.latestCertification()?.id });
    });

    it("rejects an unknown publication method (exit 2) and prints help", async () => {
      expect((await run(["--publication-method", "later"])).code).toBe(ExitCode.Usage);
      const help = await run(["--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: npm run submit/);
    });
  });
});
