import { ExitCode } from "../../lib/errors";
import { finish } from "../../lib/release/commands/finish";
import { submit } from "../../lib/release/commands/submit";
import { DryRunPlan } from "../../lib/dry-run";
import { aliasArn, type Colour } from "../../lib/release/model";
import { main } from "../../scripts/finish";
import type { ReleaseWorld } from "../../lib/emulators/release-world";
import { failure, fastDeps as deps, mutationTracker, pointDevelopmentAt, runScript, worldForEachTest } from "../helpers/release-run";

describe("finish", () => {
  let world: ReleaseWorld;
  const start = worldForEachTest({ live: "blue", versions: 2 }, (w) => (world = w));
  const { mark, mutationsSinceMark } = mutationTracker(() => world);

  /** The release up to the review: development on the candidate (flip's SMAPI side), then submit. */
  async function releaseInReview(colour: Colour, publicationMethod: "auto" | "manual"): Promise<void> {
    await pointDevelopmentAt(world, colour);
    await submit({ publicationMethod }, deps(world));
  }

  it("after publication: confirms the colours swapped and puts development back on $LATEST; again, nothing to do", async () => {
    await releaseInReview("green", "auto");
    world.smapiEmu.passCertification();
    expect(world.smapiEmu.endpoints("live")).toEqual([aliasArn(world.names, "green")]);
    mark();
    const report = await finish({ publish: false }, deps(world));
    expect(report).toMatchObject({ outcome: "finished", liveColour: "green", development: "$LATEST (unqualified)" });
    expect(world.smapiEmu.endpoints("development")).toEqual([world.names.functionArn]);
    expect(world.output.text()).toContain("Live points at green (alias green); the colours have swapped (blue is the next candidate)");
    expect(mutationsSinceMark()).toEqual(["updateSkillManifestV1"]);
    expect(world.lambdaEmu.calls.mutating()).toEqual([]);

    mark();
    const again = await finish({ publish: false }, deps(world));
    expect(again.outcome).toBe("already-finished");
    expect(mutationsSinceMark()).toEqual([]);
  });

  it("says the legacy alias is no longer used after the first blue/green release", async () => {
    await start({ live: "legacy" });
    await releaseInReview("blue", "auto");
    world.smapiEmu.passCertification();
    const report = await finish({ publish: false }, deps(world));
    expect(report).toMatchObject({ outcome: "finished", liveColour: "blue", unusedLegacyAliases: ["production-3"] });
    expect(world.output.text()).toContain("The legacy alias production-3 is no longer used by any stage (live moved to blue)");
  });

  it("certified with manual publishing: says to publish and changes nothing; --publish publishes, then finishes", async () => {
    await releaseInReview("green", "manual");
    world.smapiEmu.passCertification();
    mark();
    const waiting = await finish({ publish: false }, deps(world));
    expect(waiting.outcome).toBe("awaiting-publication");
    expect(world.output.text()).toMatch(/waits for publication.*npm run finish -- --publish/);
    expect(mutationsSinceMark()).toEqual([]);

    const done = await finish({ publish: true }, deps(world));
    expect(done).toMatchObject({ outcome: "finished", liveColour: "green" });
    expect(world.smapiEmu.endpoints("live")).toEqual([aliasArn(world.names, "green")]);
    expect(world.smapiEmu.endpoints("development")).toEqual([world.names.functionArn]);
    expect(mutationsSinceMark()).toEqual(["publishSkillV1", "updateSkillManifestV1"]);
  });

  it("after a failed review: development back on $LATEST and the steps to re-submit (exit 0); again, no change", async () => {
    await releaseInReview("green", "manual");
    const review = world.smapiEmu.failCertification("The skill does not answer the help intent.");
    const report = await finish({ publish: false }, deps(world));
    expect(report).toMatchObject({ outcome: "failed-certification", certification: { id: review.id, status: "FAILED" }, liveColour: "blue" });
    expect(report.steps).toEqual([
      expect.stringContaining(`certification ${review.id}`),
      expect.stringMatching(/^Fix the skill/),
      expect.stringMatching(/^npm run flip: .*the same candidate alias green/),
      expect.stringMatching(/^npm run submit/),
    ]);
    expect(world.smapiEmu.endpoints("development")).toEqual([world.names.functionArn]);
    expect(world.output.text()).toMatch(/failed; live still points at blue/);

    mark();
    expect((await finish({ publish: false }, deps(world))).outcome).toBe("failed-certification");
    expect(mutationsSinceMark()).toEqual([]);
  });

  it("refuses (exit 3) while in review, naming the certification", async () => {
    await releaseInReview("green", "manual");
    mark();
    const error = await failure(finish({ publish: false }, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toContain(`certification ${world.smapiEmu.latestCertification()?.id}`);
    expect(mutationsSinceMark()).toEqual([]);
  });

  it("refuses (exit 3) a release that was never submitted, rather than abandon it", async () => {
    await pointDevelopmentAt(world, "green");
    const error = await failure(finish({ publish: false }, deps(world)));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(error.message).toMatch(/not been published.*npm run submit.*flip -- --to latest/);
    expect(world.smapiEmu.endpoints("development")).toEqual([aliasArn(world.names, "green")]);
  });

  it("under --dry-run makes no mutating call in either emulator (also with --publish)", async () => {
    await releaseInReview("green", "manual");
    world.smapiEmu.passCertification();
    mark();
    const plan = new DryRunPlan();
    const report = await finish({ publish: true }, { ...deps(world, plan), confirm: async () => Promise.reject(new Error("a dry run asks nothing")) });
    expect(report.outcome).toBe("planned");
    expect(report.plannedCalls).toEqual([expect.stringMatching(/^publish the certified version/), expect.stringMatching(/^point the development endpoint at .*BostonInfoSkill /)]);
    expect(mutationsSinceMark()).toEqual([]);
  });

  it("exits 2 off a terminal without --yes, having changed nothing; --json prints JSON only", async () => {
    await releaseInReview("green", "auto");
    world.smapiEmu.passCertification();
    const run = (argv: string[]) => runScript(world, main, argv);
    mark();
    const refused = await run([]);
    expect(refused.code).toBe(ExitCode.Usage);
    expect(refused.stderr).toMatch(/pass --yes/);
    expect(mutationsSinceMark()).toEqual([]);

    const done = await run(["--yes", "--json"]);
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ outcome: "finished", liveColour: "green" });
  });
});
