import { UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { DryRunPlan } from "../../lib/dry-run";
import { ExitCode } from "../../lib/errors";
import { checkLaunch } from "../../lib/lambda/launch-check";
import { isSettled, latestOf, updateStatus, waitForLatest } from "../../lib/lambda/latest";
import { PLANNED_VERSION } from "../../lib/lambda/publish";
import { SmokeTestFailed, smokeTest } from "../../lib/lambda/smoke-test";
import { alexaSkillHandler, functionError, makeZip } from "../../lib/emulators/lambda";
import { FUNCTION_NAME } from "../../lib/emulators/release-world";
import { failure, releaseDeps, within } from "../helpers/release-run";

/**
 * lib/lambda's `$LATEST` wait, launch check and smoke test: the decisions
 * mutation testing found unobserved. The emulator does not model a function
 * still being created (State Pending), so that is checked on the pure
 * functions that judge a configuration.
 */

describe("$LATEST: settled or not", () => {
  it("waits while the function is still being created, not only while an update runs", () => {
    expect(isSettled({ State: "Pending", LastUpdateStatus: "Successful" })).toBe(false);
    expect(isSettled({ State: "Active", LastUpdateStatus: "InProgress" })).toBe(false);
    expect(isSettled({ State: "Active", LastUpdateStatus: "Successful" })).toBe(true);
    expect(isSettled({ State: "Active", LastUpdateStatus: "Failed" })).toBe(true);
  });

  it("says which of the two it waits for", () => {
    expect(updateStatus({ State: "Pending", StateReasonCode: "Creating", LastUpdateStatus: "Successful" })).toBe("function state Pending (Creating)");
    expect(updateStatus({ State: "Pending" })).toBe("function state Pending");
    expect(updateStatus({ State: "Active", LastUpdateStatus: "Failed", LastUpdateStatusReasonCode: "KMSKeyAccessDenied" })).toBe("Failed (KMSKeyAccessDenied)");
    expect(updateStatus({ State: "Active" })).toBe("unknown");
  });

  it("reads a configuration without an update status as a finished update, and missing fields as empty", () => {
    expect(latestOf({})).toEqual({ codeSha256: "", revisionId: "", lastUpdateStatus: "Successful", lastModified: "" });
    expect(latestOf({ CodeSha256: "abc", RevisionId: "r", LastUpdateStatus: "Failed", LastModified: "2026-01-01" })).toEqual({
      codeSha256: "abc",
      revisionId: "r",
      lastUpdateStatus: "Failed",
      lastModified: "2026-01-01",
    });
  });

  it("names a failed update's reason code alone when Lambda gives no reason text", () =>
    within({ lambda: { updateDurationMs: 0 } }, async (world) => {
      world.lambdaEmu.state.failNextUpdate(FUNCTION_NAME, "", "EniLimitExceeded");
      await world.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION_NAME, ZipFile: makeZip({ "x.py": "x" }) }));
      const error = await failure(waitForLatest(releaseDeps(world), { functionName: FUNCTION_NAME }));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(error.message).toContain("failed (EniLimitExceeded), so $LATEST still holds the code from before it");
    }));
});

describe("checkLaunch: what is a problem and what is an error", () => {
  it("throws an error of the call itself (access denied) instead of calling it a missing function", () =>
    within({}, async (world) => {
      world.lambdaEmu.faults.failNext("Invoke", { status: 403, errorType: "AccessDeniedException", message: "not allowed to invoke" });
      await expect(checkLaunch(world.lambda, world.config, { functionName: FUNCTION_NAME, now: new Date() })).rejects.toMatchObject({ name: "AccessDeniedException" });
    }));

  it("invokes the unqualified function when no qualifier is given", () =>
    within({ versions: 2 }, async (world) => {
      const result = await checkLaunch(world.lambda, world.config, { functionName: FUNCTION_NAME, now: new Date() });
      expect(result.executedVersion).toBe("$LATEST");
      expect(world.lambdaEmu.calls.of("Invoke").map((c) => c.path)).toEqual([`/2015-03-31/functions/${FUNCTION_NAME}/invocations`]);
    }));

  it("reports a function error without an error document by Lambda's error kind and the raw answer", () =>
    within({ lambda: { invoke: () => functionError("boom", "") } }, async (world) => {
      const result = await checkLaunch(world.lambda, world.config, { functionName: FUNCTION_NAME, qualifier: "1", now: new Date() });
      expect(result.problems).toEqual(["the function failed with : boom"]);
    }));

  it("has no speech key when the skill said nothing", () =>
    within({ lambda: { invoke: () => ({ version: "1.0", response: { directives: [{ type: "Dialog.Delegate" }] } }) } }, async (world) => {
      const result = await checkLaunch(world.lambda, world.config, { functionName: FUNCTION_NAME, qualifier: "1", now: new Date() });
      expect(result).toStrictEqual({ executedVersion: "1", problems: [] });
    }));
});

describe("smokeTest: when it invokes, and what it says", () => {
  const broken = { lambda: { invoke: () => ({ hello: "world" }) } };

  it("invokes a version that exists even under --dry-run, and fails on a broken one", () =>
    within(broken, async (world) => {
      const dryRun = new DryRunPlan();
      const error = await failure(smokeTest(releaseDeps(world, { dryRun }), { qualifier: "1" }));
      expect(error).toBeInstanceOf(SmokeTestFailed);
      expect(world.lambdaEmu.calls.of("Invoke")).toHaveLength(1);
      expect(dryRun.calls).toEqual([]);
    }));

  it("never skips the check outside --dry-run, even for a qualifier marked planned", () =>
    within(broken, async (world) => {
      const error = await failure(smokeTest(releaseDeps(world), { qualifier: "blue", planned: true }));
      expect(error).toBeInstanceOf(SmokeTestFailed);
      expect(error.message).toMatch(/^Alias blue failed its smoke test/);
    }));

  it("only lists the check of an alias that must answer from a version not yet published, under --dry-run", () =>
    within({}, async (world) => {
      const dryRun = new DryRunPlan();
      const result = await smokeTest(releaseDeps(world, { dryRun }), { qualifier: "blue", expectVersion: PLANNED_VERSION });
      expect(result).toEqual({ qualifier: "blue", planned: true });
      expect(world.lambdaEmu.calls.of("Invoke")).toEqual([]);
    }));

  it("checks under --dry-run an alias that must answer from a version already published", () =>
    within(broken, async (world) => {
      const error = await failure(smokeTest(releaseDeps(world, { dryRun: new DryRunPlan() }), { qualifier: "blue", expectVersion: "1" }));
      expect(error).toBeInstanceOf(SmokeTestFailed);
      expect(world.lambdaEmu.calls.of("Invoke")).toHaveLength(1);
    }));

  it("names a version, an alias and $LATEST as such", () => {
    expect(new SmokeTestFailed("12", ["x"]).message).toBe("Version 12 failed its smoke test (a LaunchRequest): x.");
    expect(new SmokeTestFailed("blue2", ["x"]).message).toMatch(/^Alias blue2 failed/);
    expect(new SmokeTestFailed("2blue", ["x"]).message).toMatch(/^Alias 2blue failed/);
    expect(new SmokeTestFailed("$LATEST", ["x"]).message).toMatch(/^\$LATEST failed/);
  });

  it("says which version an alias answered from, and not for a version itself", () =>
    within({ versions: 2, lambda: { invoke: alexaSkillHandler } }, async (world) => {
      await smokeTest(releaseDeps(world), { qualifier: "blue" });
      await smokeTest(releaseDeps(world), { qualifier: "2" });
      await smokeTest(releaseDeps(world), { qualifier: "$LATEST" });
      const lines = world.output.text().split("\n").filter((l) => l.startsWith("Smoke test passed"));
      expect(lines).toEqual([
        expect.stringMatching(/^Smoke test passed: alias blue \(version 1\) answered the LaunchRequest: "Welcome/),
        expect.stringMatching(/^Smoke test passed: version 2 answered the LaunchRequest: "Welcome/),
        expect.stringMatching(/^Smoke test passed: \$LATEST answered the LaunchRequest: "Welcome/),
      ]);
    }));
});
