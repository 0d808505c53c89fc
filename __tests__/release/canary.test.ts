import { ExitCode } from "../../lib/errors";
import { promoteCanary, completeCanary, type CanaryOptions } from "../../lib/release/commands/canary";
import { promote } from "../../lib/release/commands/promote";
import { rollback } from "../../lib/release/commands/rollback";
import { flip } from "../../lib/release/commands/flip";
import { status } from "../../lib/release/commands/status";
import { renderStatus } from "../../lib/release/render-status";
import { canaryOf } from "../../lib/release/canary/record";
import { SETTLE_MS } from "../../lib/release/canary/verdict";
import { DryRunPlan } from "../../lib/dry-run";
import { previousVersionOf, rolledBackTo } from "../../lib/release/model";
import { alexaSkillHandler, functionError, makeZip, type InvokeContext } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, type ReleaseWorld, type ReleaseWorldOptions } from "../../lib/emulators/release-world";
import { capture, releaseDeps, runRelease, within, type CommandDeps } from "../helpers/release-run";
import { main as promoteMain } from "../../scripts/promote";
import { evenDraws, residentsClock, type ResidentsClock } from "../helpers/residents";

const MINUTE = 60_000;
const BAKE = 30 * MINUTE;

/** Version 2 (the canary) fails every intent, but answers the LaunchRequest of the smoke test. */
const failsUnderTraffic = (ctx: InvokeContext) =>
  ctx.resolvedVersion === "2" && (ctx.payload as { request?: { type?: string } })?.request?.type === "IntentRequest"
    ? functionError("'NoneType' object is not subscriptable", "TypeError")
    : alexaSkillHandler(ctx);

/** A world on the residents' clock: Lambda and CloudWatch keep its time, and weighted routing draws evenly. */
function canaryWorld(clock: ResidentsClock, options: ReleaseWorldOptions, test: (world: ReleaseWorld) => Promise<void>): Promise<void> {
  return within({ live: "blue", ...options, lambda: { now: clock.now, random: evenDraws(), ...options.lambda } }, async (world) => {
    clock.talkTo(world, "blue");
    await test(world);
  });
}

const deps = (world: ReleaseWorld, clock: ResidentsClock, extra: Partial<CommandDeps> = {}) => releaseDeps(world, { clock, ...extra });
const runCanary = (world: ReleaseWorld, clock: ResidentsClock, options: Partial<CanaryOptions> = {}, extra: Partial<CommandDeps> = {}) =>
  runRelease("promote", () => promoteCanary({ yes: true, weight: 0.5, bakeMs: BAKE, ...options }, deps(world, clock, extra)));
const blue = (world: ReleaseWorld) => world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue");
const mutatingOps = (world: ReleaseWorld) => world.lambdaEmu.calls.mutating().map((c) => c.operation);
/** Invocations Alexa made through the live alias, by the version that ran them. */
const throughBlue = (world: ReleaseWorld, version: string) =>
  world.lambdaEmu.state.invocations().filter((i) => i.qualifier === "blue" && i.executedVersion === version).length;

describe("npm run promote -- --canary", () => {
  it("a healthy canary gets its share of the traffic, is watched through the bake and CloudWatch's delay, and completes by itself", () => {
    const clock = residentsClock({ everyMs: 2 * MINUTE });
    return canaryWorld(clock, {}, async (world) => {
      const started = clock.now();
      const { code, result, stderr } = await runCanary(world, clock);
      expect(stderr).toBe("");
      expect(code).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "completed", alias: "blue", fromVersion: "1", toVersion: "2", weight: 0.5 });
      // The verdict waited for the bake and for CloudWatch's late minutes.
      expect(clock.now()).toBeGreaterThanOrEqual(started + BAKE + SETTLE_MS);
      expect(result?.counts?.canary.invocations).toBeGreaterThanOrEqual(5);
      expect(result?.counts).toMatchObject({ canary: { errors: 0 }, stable: { errors: 0 } });
      expect(result?.counts?.stable.invocations).toBeGreaterThan(0);
      // Both versions really served residents through the alias during the canary.
      expect(throughBlue(world, "2")).toBeGreaterThanOrEqual(5);
      expect(throughBlue(world, "1")).toBeGreaterThan(0);
      const alias = blue(world);
      expect(alias.functionVersion).toBe("2");
      expect(alias.additionalVersionWeights).toBeUndefined();
      expect(previousVersionOf(alias.description)).toBe("1");
      expect(alias.description).toMatch(/canary: 50%, \d+ invocations, 0 errors/);
      expect(mutatingOps(world)).toEqual(["PublishVersion", "UpdateAlias", "UpdateAlias"]);
      const progress = world.output.lines.filter((l) => l.kind === "progress").map((l) => l.text);
      expect(progress.length).toBeGreaterThan(10);
      expect(progress[0]).toMatch(/^canary: version 2 \(50%\): \d+ invocation\(s\), 0 error\(s\) \[needs 5\]; version 1: /);
      expect(world.output.text()).toMatch(/Promoted by canary: after \d+m with 50% of the traffic, version 2 had 0 error\(s\) in \d+ invocation\(s\)/);
      // rollback undoes a completed canary as it undoes a promote.
      expect((await runRelease("rollback", () => rollback({ yes: true }, deps(world, clock)))).code).toBe(ExitCode.Ok);
      expect(blue(world).functionVersion).toBe("1");
    });
  });

  it("a GetAlias that is briefly stale after the split is read again, not taken for someone else's change", () => {
    const clock = residentsClock({ everyMs: 2 * MINUTE });
    return canaryWorld(clock, { lambda: { staleAliasReads: 2 } }, async (world) => {
      const { code, result, stderr } = await runCanary(world, clock);
      expect(stderr).toBe("");
      expect(code).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "completed", toVersion: "2" });
    });
  });

  it("a version that passes the smoke test but fails under traffic is rolled back by itself, before the bake ends (exit 1)", () => {
    const clock = residentsClock({ everyMs: 2 * MINUTE });
    return canaryWorld(clock, { lambda: { invoke: failsUnderTraffic } }, async (world) => {
      const started = clock.now();
      const { code, stderr } = await runCanary(world, clock);
      expect(code).toBe(ExitCode.Failed);
      expect(stderr).toMatch(/Canary rolled back: version 2 had [1-9]\d* error\(s\) in [1-9]\d* invocation\(s\) \(the limit is 1\), more often than version 1 \(0 error\(s\)/);
      expect(stderr).toContain("Live alias blue is on version 1 alone again");
      expect(clock.now()).toBeLessThan(started + BAKE);
      const alias = blue(world);
      expect(alias.functionVersion).toBe("1");
      expect(alias.additionalVersionWeights).toBeUndefined();
      expect(rolledBackTo(alias.description)).toBe("1");
      expect(alias.description).toMatch(/from-version=2 .*canary: \d+ errors in \d+ invocations/);
      // A second rollback finds nothing to undo.
      const again = await runRelease("rollback", () => rollback({ yes: true }, deps(world, clock)));
      expect(again.result).toMatchObject({ outcome: "already-rolled-back" });
    });
  });

  it("a quiet canary stops without a verdict, says what it saw, and stays in place; status shows it; rollback ends it", () => {
    const clock = residentsClock({ everyMs: 25 * MINUTE });
    return canaryWorld(clock, {}, async (world) => {
      const { code, stderr } = await runCanary(world, clock, { weight: 0.25 });
      expect(code).toBe(ExitCode.Failed);
      expect(stderr).toMatch(/Canary left in place, without a verdict: after 33m with 25% of the traffic, version 2 had only [0-4] invocation\(s\) \(0 error\(s\)\); a verdict needs at least 5/);
      expect(stderr).toContain("npm run promote -- --complete finishes it, npm run rollback undoes it, or npm run promote -- --canary 25 --bake 1h watches it longer (from the same start)");
      const alias = blue(world);
      expect(alias.functionVersion).toBe("1");
      expect(alias.additionalVersionWeights).toEqual({ "2": 0.25 });

      const report = await status(deps(world, clock));
      expect(report.canary).toMatchObject({ alias: "blue", version: "2", stableVersion: "1", weight: 0.25, minInvocations: 5, routingMatches: true, counts: { canary: { errors: 0 } } });
      expect(report.next).toContain("A canary is in progress on the live alias blue");
      expect(renderStatus(report)).toMatch(/Canary: alias blue sends 25% of its traffic to version 2, the rest to version 1/);

      const dryRun = new DryRunPlan();
      const planned = await runRelease("rollback", () => rollback({ yes: true }, deps(world, clock, { dryRun })));
      expect(planned.code).toBe(ExitCode.Ok);
      expect(dryRun.calls[0]).toMatch(/^move alias blue of BostonInfoSkill from version 1 with 25% of its traffic on version 2 to version 1, described "rolled-back-to=1 from-version=2 /);
      expect(blue(world)).toEqual(alias);

      const { code: rolled, result } = await runRelease("rollback", () => rollback({ yes: true }, deps(world, clock)));
      expect(rolled).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "rolled-back", fromVersion: "1", toVersion: "1" });
      expect(blue(world).functionVersion).toBe("1");
      expect(blue(world).additionalVersionWeights).toBeUndefined();
      expect(canaryOf({ name: "blue", version: "1", revisionId: "", description: blue(world).description })).toBeUndefined();
      expect((await status(deps(world, clock))).canary).toBeUndefined();
    });
  });

  it("a quiet canary watched longer (--bake, from the same start) completes once residents have asked enough", () => {
    const clock = residentsClock({ everyMs: 25 * MINUTE });
    return canaryWorld(clock, {}, async (world) => {
      const started = clock.now();
      expect((await runCanary(world, clock, { weight: 0.25 })).code).toBe(ExitCode.Failed);
      clock.everyMs = 2 * MINUTE;
      const { code, result, stderr } = await runCanary(world, clock, { weight: 0.25, bakeMs: 3 * BAKE });
      expect(stderr).toBe("");
      expect(code).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "completed", toVersion: "2" });
      expect(clock.now()).toBeGreaterThanOrEqual(started + 3 * BAKE + SETTLE_MS);
      expect(clock.now()).toBeLessThan(started + 3 * BAKE + SETTLE_MS + 2 * MINUTE);
      expect(world.output.text()).toContain("Resuming the canary recorded on alias blue: version 2 with 25% of the traffic since 2026-12-01T09:");
      // The resumed run's publish gave back version 2 ($LATEST unchanged): no version 3.
      expect(mutatingOps(world)).toEqual(["PublishVersion", "UpdateAlias", "PublishVersion", "UpdateAlias"]);
      expect(world.lambdaEmu.state.listVersions(FUNCTION_NAME).map((v) => v.version)).toEqual(["$LATEST", "1", "2"]);
    });
  });

  it("promote -- --complete finishes a quiet canary; run again, it finds nothing to complete", () => {
    const clock = residentsClock({ everyMs: 25 * MINUTE });
    return canaryWorld(clock, {}, async (world) => {
      expect((await runCanary(world, clock, { weight: 0.25 })).code).toBe(ExitCode.Failed);
      const { code, result } = await runRelease("promote", () => completeCanary({ yes: true }, deps(world, clock)));
      expect(code).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "completed", toVersion: "2" });
      expect(blue(world).functionVersion).toBe("2");
      expect(blue(world).additionalVersionWeights).toBeUndefined();
      expect(previousVersionOf(blue(world).description)).toBe("1");
      const again = await runRelease("promote", () => completeCanary({ yes: true }, deps(world, clock)));
      expect(again.result).toMatchObject({ outcome: "no-canary" });
    });
  });

  it("refuses a second canary, a plain promote and a flip while a canary is in progress (exit 3), and says what to do", () => {
    const clock = residentsClock({ everyMs: 25 * MINUTE });
    return canaryWorld(clock, {}, async (world) => {
      expect((await runCanary(world, clock, { weight: 0.25 })).code).toBe(ExitCode.Failed);
      const before = blue(world);
      const plain = await runRelease("promote", () => promote({ yes: true }, deps(world, clock)));
      expect(plain.code).toBe(ExitCode.Refused);
      expect(plain.stderr).toMatch(/Refusing to promote: a canary is in progress on the live alias blue: 25% of its traffic on version 2.*npm run promote -- --complete finishes it, npm run rollback undoes it/);
      const flipped = await runRelease("flip", () => flip({ to: "candidate", yes: true }, deps(world, clock)));
      expect(flipped.code).toBe(ExitCode.Refused);
      expect(flipped.stderr).toContain("Refusing to flip: a canary is in progress");
      // New code on $LATEST: another canary would be a second one.
      world.lambdaEmu.state.updateCode(FUNCTION_NAME, makeZip({ "lambda_function.py": "# newer\n" }));
      const second = await runCanary(world, clock, { weight: 0.25 });
      expect(second.code).toBe(ExitCode.Refused);
      expect(second.stderr).toMatch(/Refusing to start another canary: a canary is in progress on the live alias blue.*\$LATEST has changed since \(it is version 3 now\)\. Finish that one first/);
      expect(blue(world)).toEqual(before);
      // As promote, it published first: version 3 stays published and unused.
      expect(mutatingOps(world)).toEqual(["PublishVersion", "UpdateAlias", "PublishVersion"]);
    });
  });

  it("--dry-run publishes nothing, moves nothing and watches nothing, and lists the split it would make", () => {
    const clock = residentsClock({ everyMs: 2 * MINUTE });
    return canaryWorld(clock, {}, async (world) => {
      const before = blue(world);
      const plan = new DryRunPlan();
      const { code, result } = await runCanary(world, clock, {}, { dryRun: plan });
      expect(code).toBe(ExitCode.Ok);
      expect(result).toMatchObject({ outcome: "dry-run", weight: 0.5 });
      expect(mutatingOps(world)).toEqual([]);
      expect(blue(world)).toEqual(before);
      expect(world.cloudwatchEmu.calls.count("GetMetricData")).toBe(0);
      expect(plan.calls).toEqual([
        expect.stringMatching(/^publish \$LATEST of BostonInfoSkill as a version/),
        expect.stringMatching(/smoke test/),
        expect.stringMatching(/^move alias blue of BostonInfoSkill from version 1 to version 1 with 50% of its traffic on version \(new version\), described "canary-version=\(new version\) stable-version=1 weight=0.5 /),
      ]);
    });
  });

  it("another operator changing the alias during the watch stops it with exit 4, keeping their change", () => {
    const clock = residentsClock({ everyMs: 2 * MINUTE });
    return canaryWorld(clock, {}, async (world) => {
      let polls = 0;
      world.cloudwatchEmu.faults.before("GetMetricData", () => {
        if (++polls === 5) world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1", {});
      });
      const { code, stderr } = await runCanary(world, clock);
      expect(code).toBe(ExitCode.Conflict);
      expect(stderr).toMatch(/The live alias blue was changed by someone else during the canary of version 2: it is now on version 1 .*Their change was kept/);
      expect(blue(world).functionVersion).toBe("1");
      expect(blue(world).additionalVersionWeights).toBeUndefined();
      expect(mutatingOps(world)).toEqual(["PublishVersion", "UpdateAlias"]);
    });
  });

  it("a change between the last read and the completion is exit 4 too (RevisionId), never overwritten", () => {
    const clock = residentsClock({ everyMs: 2 * MINUTE });
    return canaryWorld(clock, {}, async (world) => {
      let updates = 0;
      world.lambdaEmu.faults.before("UpdateAlias", () => {
        if (++updates === 2) world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1", { "2": 0.1 });
      });
      const { code, stderr } = await runCanary(world, clock);
      expect(code).toBe(ExitCode.Conflict);
      expect(stderr).toContain("Alias blue was changed by someone else after it was read at version 1: it now points at version 1 with 10% of its traffic on version 2");
      expect(blue(world).additionalVersionWeights).toEqual({ "2": 0.1 });
    });
  });
});

describe("npm run promote -- --canary, through the script", () => {
  it("parses the options, runs the canary and prints the result with --json; --complete then finds nothing to complete", () => {
    const clock = residentsClock({ everyMs: 2 * MINUTE });
    return canaryWorld(clock, {}, async (world) => {
      // The wiring's output is the world's recorder: the --json document is its last json line.
      const run = async (argv: string[]) => {
        const code = await promoteMain(argv, { env: {}, stdout: capture(), stderr: capture() }, { wire: (_io, o) => deps(world, clock, o.dryRun ? { dryRun: new DryRunPlan() } : {}) });
        const json = world.output.lines.filter((l) => l.kind === "json").pop();
        return { code, stdout: json?.text ?? "" };
      };
      const started = clock.now();
      const { code, stdout } = await run(["--canary", "50", "--bake", "45m", "--min-invocations", "8", "--yes", "--json"]);
      expect(code).toBe(ExitCode.Ok);
      expect(JSON.parse(stdout)).toMatchObject({ outcome: "completed", alias: "blue", fromVersion: "1", toVersion: "2", weight: 0.5 });
      expect(clock.now()).toBeGreaterThanOrEqual(started + 45 * MINUTE + SETTLE_MS);
      expect(JSON.parse(stdout).counts.canary.invocations).toBeGreaterThanOrEqual(8);
      const again = await run(["--complete", "--yes", "--json"]);
      expect(again.code).toBe(ExitCode.Ok);
      expect(JSON.parse(again.stdout)).toMatchObject({ outcome: "no-canary", toVersion: "2" });
    });
  });
});

describe("promote --canary when someone else set the routing", () => {
  it("--complete refuses a canary whose routing was changed after it began (exit 4), changing nothing", () => {
    const clock = residentsClock({ everyMs: 25 * MINUTE });
    return canaryWorld(clock, {}, async (world) => {
      expect((await runCanary(world, clock, { weight: 0.25 })).code).toBe(ExitCode.Failed);
      // Someone doubled the canary's share in the console; the record still says 25%.
      const changed = world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue");
      world.lambdaEmu.state.updateAlias(FUNCTION_NAME, "blue", { RoutingConfig: { AdditionalVersionWeights: { "2": 0.5 } } });
      const { code, stderr } = await runRelease("promote", () => completeCanary({ yes: true }, deps(world, clock)));
      expect(code).toBe(ExitCode.Conflict);
      expect(stderr).toContain("records a canary of version 2 (25%, stable version 1), but it is on version 1 with 50% of its traffic on version 2: somebody changed it since");
      expect(blue(world).additionalVersionWeights).toEqual({ "2": 0.5 });
      expect(blue(world).description).toBe(changed.description);
    });
  });

  it("refuses to start a canary on an alias that already splits its traffic without a canary record (exit 3)", () => {
    const clock = residentsClock({ everyMs: 25 * MINUTE });
    return canaryWorld(clock, { versions: 2 }, async (world) => {
      world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1", { "2": 0.1 });
      const { code, stderr } = await runCanary(world, clock);
      expect(code).toBe(ExitCode.Refused);
      expect(stderr).toContain("already splits its traffic (version 1 with 10% of its traffic on version 2), and its description records no canary");
      expect(mutatingOps(world)).toEqual([]);
    });
  });
});

describe("promote --canary with the live alias's CloudWatch alarm (canary.alarm)", () => {
  it("rolls back when the alarm goes to ALARM, even below the canary's own error limit", () => {
    const clock = residentsClock({ everyMs: 2 * MINUTE });
    return canaryWorld(clock, { canaryAlarm: { errors: 1, evaluationPeriods: 5 }, lambda: { invoke: failsUnderTraffic } }, async (world) => {
      const { code, stderr } = await runCanary(world, clock, { maxErrors: 1000 });
      expect(code).toBe(ExitCode.Failed);
      expect(stderr).toMatch(/Canary rolled back: the live alias's alarm BostonInfoSkill-blue-errors is in ALARM \(Threshold Crossed/);
      expect(blue(world).functionVersion).toBe("1");
      expect(blue(world).additionalVersionWeights).toBeUndefined();
      expect(world.cloudwatchEmu.calls.count("DescribeAlarms")).toBeGreaterThan(1);
    });
  });

  it("refuses to start while the alarm is already in ALARM (exit 3): the canary could not tell whose errors they are", () => {
    const clock = residentsClock({ everyMs: 2 * MINUTE });
    const oldFails = (ctx: InvokeContext) => (ctx.resolvedVersion === "1" && (ctx.payload as { request?: { type?: string } })?.request?.type === "IntentRequest" ? functionError("boom") : alexaSkillHandler(ctx));
    return canaryWorld(clock, { canaryAlarm: { errors: 1 }, lambda: { invoke: oldFails } }, async (world) => {
      await clock.sleep(6 * MINUTE);
      const { code, stderr } = await runCanary(world, clock);
      expect(code).toBe(ExitCode.Refused);
      expect(stderr).toContain("Refusing to start a canary: the live alias's alarm BostonInfoSkill-blue-errors is already in ALARM");
      expect(mutatingOps(world)).toEqual([]);
    });
  });
});
