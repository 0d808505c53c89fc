import { finish } from "../../lib/release/commands/finish";
import { submit } from "../../lib/release/commands/submit";
import { aliasArn, type Colour } from "../../lib/release/model";
import type { ReleaseWorld } from "../../lib/emulators/release-world";
import { ExitCode } from "../../lib/errors";
import { failure, fastDeps as deps, mutationTracker, otherOperatorPointsDevelopmentAt, pointDevelopmentAt, within } from "../helpers/release-run";

/**
 * The safety checks of npm run finish that mutation testing found
 * unobserved: a withdrawn review is closed like a failed one (development
 * back on $LATEST, live untouched: invariant 1), and no question declined
 * moves the development endpoint or publishes anything.
 */
async function releaseInReview(world: ReleaseWorld, colour: Colour, publicationMethod: "auto" | "manual"): Promise<void> {
  await pointDevelopmentAt(world, colour);
  await submit({ publicationMethod }, deps(world));
}

const declining = (world: ReleaseWorld) => ({ ...deps(world), confirm: jest.fn(async () => false) });

describe("finish closes a withdrawn review like a failed one", () => {
  it("development goes back on $LATEST, live stays on blue, and the steps say it was withdrawn", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      await releaseInReview(world, "green", "manual");
      await world.smapi.withdrawSkillFromCertificationV1(world.config.skill.id, { reason: "OTHER", message: "wrong build" });
      const report = await finish({ publish: false }, deps(world));
      expect(report).toMatchObject({ outcome: "failed-certification", certification: { status: "CANCELLED" }, liveColour: "blue" });
      expect(report.steps?.[0]).toMatch(/withdrawn/);
      expect(world.smapiEmu.endpoints("development")).toEqual([world.names.functionArn]);
      expect(world.smapiEmu.endpoints("live")).toEqual([aliasArn(world.names, "blue")]);
    }));
});

describe("finish moves nothing a person declined", () => {
  it.each([
    { when: "after publication, a declined question leaves development on the released colour", method: "auto", review: "pass", publish: false, stage: "development", colour: "green" },
    { when: "after a failed review, a declined question leaves development where it is", method: "manual", review: "fail", publish: false, stage: "development", colour: "green" },
    { when: "--publish declined publishes nothing and moves nothing", method: "manual", review: "pass", publish: true, stage: "live", colour: "blue" },
  ] as const)("$when", ({ method, review, publish, stage, colour }) =>
    within({ live: "blue", versions: 2 }, async (world) => {
      await releaseInReview(world, "green", method);
      if (review === "pass") world.smapiEmu.passCertification();
      else world.smapiEmu.failCertification("no help intent");
      const { mark, mutationsSinceMark } = mutationTracker(() => world);
      mark();
      const report = await finish({ publish }, declining(world));
      expect(report.outcome).toBe("not-confirmed");
      expect(mutationsSinceMark()).toEqual([]);
      expect(world.smapiEmu.endpoints(stage)).toEqual([aliasArn(world.names, colour)]);
    }),
  );

  it("--publish asks once: the answer covers the publication and the endpoint move", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      await releaseInReview(world, "green", "manual");
      world.smapiEmu.passCertification();
      const confirm = jest.fn(async () => true);
      const report = await finish({ publish: true }, { ...deps(world), confirm });
      expect(report.outcome).toBe("finished");
      expect(confirm).toHaveBeenCalledTimes(1);
      expect(world.smapiEmu.endpoints("development")).toEqual([world.names.functionArn]);
    }));
});

describe("finish --publish never overwrites somebody else's development move", () => {
  it("development moved elsewhere while Amazon published: refusal (exit 3), and development stays where they put it", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      await releaseInReview(world, "green", "manual");
      world.smapiEmu.passCertification();
      // Once the publication has started, another operator points development at the blue alias.
      world.smapiEmu.faults.beforeNext("publishSkillV1", () => void otherOperatorPointsDevelopmentAt(world, aliasArn(world.names, "blue"), { before: "getSkillManifestV1" }));
      const error = await failure(finish({ publish: true }, deps(world)));
      expect(error.exitCode).toBe(ExitCode.Refused);
      expect(world.smapiEmu.endpoints("live")).toEqual([aliasArn(world.names, "green")]);
      expect(world.smapiEmu.endpoints("development")).toEqual([aliasArn(world.names, "blue")]);
    }));
});
