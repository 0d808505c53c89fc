import { ExitCode } from "../../lib/errors";
import { submit, type SubmitOptions } from "../../lib/release/commands/submit";
import { FUNCTION_NAME } from "../../lib/emulators/release-world";
import { aliasArn } from "../../lib/release/model";
import { failure, fastDeps as deps, mutationTracker, otherOperatorPointsDevelopmentAt, pointDevelopmentAt, within } from "../helpers/release-run";

/**
 * The safety checks of npm run submit that mutation testing found
 * unobserved: a version message Amazon would refuse is bad usage before
 * anything is read or sent, a missing candidate alias is not submitted, and
 * nothing is validated or submitted without confirmation.
 */
const MANUAL: SubmitOptions = { publicationMethod: "manual" };

describe("submit sends nothing it should not", () => {
  it("a version message that is blank or over 300 characters is bad usage (exit 2), with nothing sent; 300 characters pass", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      await pointDevelopmentAt(world, "green");
      const { mark, mutationsSinceMark } = mutationTracker(() => world);
      mark();
      for (const message of ["", "   ", "x".repeat(301)]) {
        expect({ message, code: (await failure(submit({ ...MANUAL, message }, deps(world)))).exitCode }).toEqual({ message, code: ExitCode.Usage });
      }
      expect(mutationsSinceMark()).toEqual([]);
      const report = await submit({ ...MANUAL, message: "x".repeat(300) }, deps(world));
      expect(report.outcome).toBe("submitted");
      expect(world.smapiEmu.latestCertification()?.versionMessage).toBe("x".repeat(300));
    }));

  it("a declined question validates nothing and submits nothing", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      await pointDevelopmentAt(world, "green");
      const { mark, mutationsSinceMark } = mutationTracker(() => world);
      mark();
      const report = await submit(MANUAL, { ...deps(world), confirm: async () => false });
      expect(report.outcome).toBe("not-confirmed");
      expect(mutationsSinceMark()).toEqual([]);
      expect(world.smapiEmu.latestCertification()).toBeUndefined();
    }));

  it("a candidate alias that does not exist is not submitted (exit 2)", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      await pointDevelopmentAt(world, "green");
      world.lambdaEmu.state.deleteAlias(FUNCTION_NAME, "green");
      const { mark, mutationsSinceMark } = mutationTracker(() => world);
      mark();
      expect((await failure(submit(MANUAL, deps(world)))).exitCode).toBe(ExitCode.Usage);
      expect(mutationsSinceMark()).toEqual([]);
    }));

  it("a smoke test that cannot run (Lambda's own failure) is a failure (exit 1), not a refusal of the code", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      await pointDevelopmentAt(world, "green");
      world.lambdaEmu.faults.failNext("Invoke", { status: 500, errorType: "ServiceException", times: 10 });
      expect((await failure(submit(MANUAL, deps(world)))).exitCode).toBe(ExitCode.Failed);
      expect(world.smapiEmu.latestCertification()).toBeUndefined();
    }));

  it("development moved to the other colour between the check and the submission is a conflict (exit 4)", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      await pointDevelopmentAt(world, "green");
      otherOperatorPointsDevelopmentAt(world, aliasArn(world.names, "blue"), { before: "submitSkillForCertificationV1", settleMs: 40 });
      expect((await failure(submit(MANUAL, deps(world)))).exitCode).toBe(ExitCode.Conflict);
    }));
});
