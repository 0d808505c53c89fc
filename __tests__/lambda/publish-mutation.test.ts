import { InvalidParameterValueException, UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import type { Clock } from "../../lib/clock";
import { DryRunPlan } from "../../lib/dry-run";
import { ExitCode } from "../../lib/errors";
import { versionDescription } from "../../lib/lambda/commit";
import { isPlannedVersion, PLANNED_VERSION, publishLatest, readVersion } from "../../lib/lambda/publish";
import { makeZip } from "../../lib/emulators/lambda";
import { FUNCTION_NAME } from "../../lib/emulators/release-world";
import { failure, releaseDeps, within } from "../helpers/release-run";

/**
 * publishLatest's decisions that mutation testing found unobserved: the
 * caller's time limit, what a dry run says about an unchanged `$LATEST`, the
 * description without a known commit, and which publish errors are a
 * concurrent deploy (exit 4) and which are not.
 */

/** A clock whose sleeps only move its own time forward: a wait runs out at once, whatever the limit. */
function virtualClock(): Clock {
  let now = Date.parse("2026-03-01T12:00:00Z");
  return { now: () => now, sleep: async (ms) => void (now += ms) };
}

describe("publishLatest: mutation-found gaps", () => {
  it("tells a planned version from a real one", () => {
    expect(isPlannedVersion(PLANNED_VERSION)).toBe(true);
    expect(isPlannedVersion("1")).toBe(false);
  });

  it("waits for an update in progress no longer than the caller's time limit", () =>
    within({ lambda: { updateDurationMs: 600_000 } }, async (world) => {
      await world.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION_NAME, ZipFile: makeZip({ "slow.py": "x" }) }));
      const error = await failure(publishLatest(releaseDeps(world, { clock: virtualClock() }), { names: world.names, timeoutMs: 2000 }));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(error.message).toMatch(/^Gave up waiting for the update of BostonInfoSkill's \$LATEST to finish after 2 s; last status: InProgress/);
      expect(world.lambdaEmu.calls.mutating().map((c) => c.operation)).toEqual(["UpdateFunctionCode"]);
    }));

  it("under --dry-run says that Lambda would give back the last version when it has the same code, and only then", () =>
    within({ lambda: { updateDurationMs: 0 } }, async (world) => {
      const published = await publishLatest(releaseDeps(world), { names: world.names });
      const unchanged = new DryRunPlan();
      await publishLatest(releaseDeps(world, { dryRun: unchanged }), { names: world.names });
      expect(world.output.text()).toContain(`(version ${published.version} has the same code; Lambda gives it back`);

      await world.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION_NAME, ZipFile: makeZip({ "new.py": "new" }) }));
      const before = world.output.text().length;
      await publishLatest(releaseDeps(world, { dryRun: new DryRunPlan() }), { names: world.names });
      expect(world.output.text().slice(before)).not.toContain("has the same code");
    }));

  it("describes the version by its date alone when no commit is known, and quotes the existing version's description", () =>
    within({}, async (world) => {
      const deps = { ...releaseDeps(world), resolveCommit: undefined };
      const first = await publishLatest(deps, { names: world.names });
      expect(first.description).toBe(versionDescription(new Date(), undefined));
      const again = await publishLatest(deps, { names: world.names });
      expect(again.outcome).toBe("existing");
      expect(world.output.text()).toContain(`already published as version ${first.version} ("${first.description}")`);
    }));

  it("reads a published version's code hash, description and date", () =>
    within({}, async (world) => {
      const published = await publishLatest(releaseDeps(world), { names: world.names });
      const read = await readVersion(world, { functionName: FUNCTION_NAME, version: published.version });
      expect(read).toEqual({ version: published.version, codeSha256: published.codeSha256, description: published.description, lastModified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    }));

  it("treats an update in progress again at publish time as a concurrent deploy (exit 4)", () =>
    within({}, async (world) => {
      world.lambdaEmu.faults.failNext("PublishVersion", { status: 409, errorType: "ResourceConflictException", message: "An update is in progress for resource" });
      const error = await failure(publishLatest(releaseDeps(world), { names: world.names }));
      expect(error.exitCode).toBe(ExitCode.Conflict);
      expect(error.message).toContain("an update is in progress again");
    }));

  it("passes on an invalid-parameter error that is not about the code hash as it is, not as a concurrent deploy", () =>
    within({}, async (world) => {
      world.lambdaEmu.faults.failNext("PublishVersion", { status: 400, errorType: "InvalidParameterValueException", message: "Description is too long" });
      const error = await publishLatest(releaseDeps(world), { names: world.names }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidParameterValueException);
      expect((error as Error).message).toBe("Description is too long");
    }));
});
