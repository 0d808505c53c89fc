import { LambdaClient } from "@aws-sdk/client-lambda";
import { ExitCode } from "../../lib/errors";
import { promote } from "../../lib/release/commands/promote";
import { previousVersionOf, promotionRecord } from "../../lib/release/model";
import { versionDescription } from "../../lib/lambda/commit";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { cappedClock, releaseDeps, runRelease, TEST_COMMIT as COMMIT, within } from "../helpers/release-run";

/**
 * Invariant 6 for promote: a run that fails at any step, run again,
 * converges to the end state of a run that was never disturbed.
 */

// A fixed "now" makes the version and alias descriptions predictable; sleeps are real but short.
const NOW = Date.parse("2026-11-25T10:00:00.000Z");
const clock = cappedClock(10, () => NOW);

async function run(world: ReleaseWorld, lambda: LambdaClient = world.lambda): Promise<{ code: number; stderr: string }> {
  const { code, stderr } = await runRelease("promote", () => promote({ yes: true }, releaseDeps(world, { lambda, clock })));
  return { code, stderr };
}

/** What a promote leaves behind, the parts that must not depend on how the run went. */
function endState(world: ReleaseWorld) {
  const live = world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue");
  return {
    live: live.functionVersion,
    previous: previousVersionOf(live.description),
    routing: live.additionalVersionWeights,
    green: world.lambdaEmu.state.getAlias(FUNCTION_NAME, "green").functionVersion,
    versions: world.lambdaEmu.state.listVersions(FUNCTION_NAME).map((v) => [v.version, v.description]),
  };
}

/** A client whose calls are not retried, so that one injected failure is one failed step. */
function fragileClient(world: ReleaseWorld): LambdaClient {
  return new LambdaClient({ region: world.lambdaEmu.region, endpoint: world.lambdaEmu.url, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
}

const withWorld = (test: (world: ReleaseWorld) => Promise<void>) => within({ live: "blue" }, test);

describe("promote after a crash converges to the undisturbed end state", () => {
  let undisturbed: ReturnType<typeof endState>;
  let calls: string[];

  beforeAll(() =>
    withWorld(async (world) => {
      expect((await run(world)).code).toBe(ExitCode.Ok);
      undisturbed = endState(world);
      calls = world.lambdaEmu.calls.operations();
    }));

  it("the undisturbed run: blue on the new version 2, previous version 1 recorded", () => {
    expect(undisturbed).toEqual({
      live: "2",
      previous: "1",
      routing: undefined,
      green: "1",
      versions: [["$LATEST", ""], ["1", "2026-11-01 commit 0000000"], ["2", "2026-11-25 commit 3f9c2a1"]],
    });
    // The first three reads are made in parallel, in any order.
    expect([...calls.slice(0, 3)].sort()).toEqual(["GetAlias", "GetAlias", "GetFunctionConfiguration"]);
    expect(calls.slice(3)).toEqual(["GetPolicy", "ListVersionsByFunction", "PublishVersion", "Invoke", "UpdateAlias", "Invoke"]);
  });

  it.each(["PublishVersion", "UpdateAlias"])("when %s fails even after the SDK's retries, then promote runs again", (operation) =>
    withWorld(async (world) => {
      // The world's client makes 3 attempts: every one of them fails.
      world.lambdaEmu.faults.failNext(operation, { status: 500, errorType: "ServiceException", message: "We currently do not have sufficient capacity", times: 3 });
      const failed = await run(world);
      expect(failed.code).toBe(ExitCode.Failed);
      expect(failed.stderr).toContain("We currently do not have sufficient capacity");
      expect(world.lambdaEmu.faults.pending().failures).toEqual([]);
      expect(world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue").functionVersion).toBe("1");

      expect((await run(world)).code).toBe(ExitCode.Ok);
      expect(endState(world)).toEqual(undisturbed);
    }));

  it("when any one Lambda call of the undisturbed run fails, then promote runs again (and a third run has nothing to do)", async () => {
    for (let failing = 1; failing <= calls.length; failing++) {
      await withWorld(async (world) => {
        const fragile = fragileClient(world);
        try {
          let seen = 0;
          world.lambdaEmu.faults.before("*", (ctx) => {
            if (++seen === failing) world.lambdaEmu.faults.failNext(ctx.operation, { status: 500, errorType: "ServiceException", message: `injected crash at call ${failing}` });
          });
          const failed = await run(world, fragile);
          world.lambdaEmu.faults.reset();
          expect({ failing, code: failed.code }).toEqual({ failing, code: ExitCode.Failed });
          expect(failed.stderr).toContain(`injected crash at call ${failing}`);

          expect({ failing, code: (await run(world)).code }).toEqual({ failing, code: ExitCode.Ok });
          expect({ failing, state: endState(world) }).toEqual({ failing, state: undisturbed });

          world.lambdaEmu.calls.clear();
          expect((await run(world)).code).toBe(ExitCode.Ok);
          // Lambda gives back version 2 (nothing changed since): no version, no move.
          expect(world.lambdaEmu.calls.mutating().map((c) => c.operation)).toEqual(["PublishVersion"]);
          expect(endState(world)).toEqual(undisturbed);
        } finally {
          fragile.destroy();
        }
      });
    }
  });

  it.each([
    ["PublishVersion", (world: ReleaseWorld): void => void world.lambdaEmu.state.publishVersion(FUNCTION_NAME, { description: versionDescription(new Date(NOW), COMMIT) })],
    [
      "UpdateAlias",
      (world: ReleaseWorld): void =>
        void world.lambdaEmu.state.updateAlias(FUNCTION_NAME, "blue", { FunctionVersion: "2", Description: promotionRecord("1", new Date(NOW)), RoutingConfig: { AdditionalVersionWeights: {} } }),
    ],
  ] as const)("when %s takes effect but its answer is lost (the SDK retries it)", (operation, takeEffect) =>
    withWorld(async (world) => {
      world.lambdaEmu.faults.beforeNext(operation, () => {
        takeEffect(world);
        throw new Error("connection reset after the change was made");
      });
      const { code, stderr } = await run(world);
      expect({ code, stderr }).toEqual({ code: ExitCode.Ok, stderr: "" });
      expect(world.lambdaEmu.calls.of(operation).map((c) => c.status)).toEqual(operation === "UpdateAlias" ? [500, 412] : [500, 201]);
      expect(endState(world)).toEqual(undisturbed);
    }));

  it("when the process dies between the move and the check after it, the next run checks the alias", () =>
    withWorld(async (world) => {
      // The move lands, but the run ends there (its answer never arrives, with no retry).
      const fragile = fragileClient(world);
      try {
        world.lambdaEmu.faults.beforeNext("UpdateAlias", () => {
          world.lambdaEmu.state.updateAlias(FUNCTION_NAME, "blue", { FunctionVersion: "2", Description: promotionRecord("1", new Date(NOW)) });
          throw new Error("killed");
        });
        expect((await run(world, fragile)).code).toBe(ExitCode.Failed);
      } finally {
        fragile.destroy();
      }
      world.lambdaEmu.calls.clear();
      expect((await run(world)).code).toBe(ExitCode.Ok);
      expect(world.output.text()).toContain("Nothing to promote");
      expect(world.lambdaEmu.calls.of("Invoke").map((c) => c.query.Qualifier)).toEqual(["blue"]);
      expect(endState(world)).toEqual(undisturbed);
    }));
});
