import { GetMetricDataCommand, type GetMetricDataCommandOutput } from "@aws-sdk/client-cloudwatch";
import { PublishVersionCommand, UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { ExitCode, OperationFailed, UsageError } from "../../lib/errors";
import { DryRunPlan } from "../../lib/dry-run";
import { completeCanary, promoteCanary, type CanaryOptions } from "../../lib/release/commands/canary";
import { canaryOf, canaryRecord, type CanaryRecord } from "../../lib/release/canary/record";
import { FUNCTION_NAME, type ReleaseWorld, type ReleaseWorldOptions } from "../../lib/emulators/release-world";
import { alexaSkillHandler, functionError, makeZip, type InvokeContext } from "../../lib/emulators/lambda";
import { failure, releaseDeps, runRelease, within, type CommandDeps } from "../helpers/release-run";
import { evenDraws, residentsClock } from "../helpers/residents";

/**
 * promote --canary and promote --complete: the decisions mutation testing
 * found unobserved. Nothing moves without a confirmation or --yes; a
 * --dry-run moves nothing and watches nothing; the alarm is required when
 * configured and read only for a colour alias; a resumed canary keeps its
 * recorded traffic share and takes the criteria given on the command line;
 * a canary with nothing new to promote starts nothing.
 */

const MINUTE = 60_000;
/** Version 2 fails every intent, but answers the smoke test's LaunchRequest. */
const failsUnderTraffic = (ctx: InvokeContext) =>
  ctx.resolvedVersion === "2" && (ctx.payload as { request?: { type?: string } })?.request?.type === "IntentRequest" ? functionError("boom", "TypeError") : alexaSkillHandler(ctx);
const blue = (world: ReleaseWorld) => world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue");
const mutatingOps = (world: ReleaseWorld) => world.lambdaEmu.calls.mutating().map((c) => c.operation);
const canary = (options: Partial<CanaryOptions>, deps: CommandDeps) => promoteCanary({ weight: 0.25, bakeMs: 30 * MINUTE, ...options }, deps);

/** A canary of version 2 ($LATEST published) on blue (stable version 1), as a run that stopped would have left it. */
async function canaryInProgress(world: ReleaseWorld, record: Partial<CanaryRecord> = {}): Promise<CanaryRecord> {
  expect((await world.lambda.send(new PublishVersionCommand({ FunctionName: FUNCTION_NAME }))).Version).toBe("2");
  const full: CanaryRecord = { version: "2", stableVersion: "1", weight: 0.25, startedAt: Date.parse("2026-12-01T09:00:00.000Z"), bakeMs: 30 * MINUTE, minInvocations: 5, maxErrors: 1, ...record };
  world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1", { "2": full.weight });
  world.lambdaEmu.state.updateAlias(FUNCTION_NAME, "blue", { Description: canaryRecord(full) });
  world.lambdaEmu.calls.clear();
  return full;
}

describe("promote --canary: what starts a canary", () => {
  it("without a CloudWatch client is exit 2 before any call", () =>
    within({ live: "blue" }, async (world) => {
      const { cloudwatch: _none, ...deps } = releaseDeps(world);
      const error = await failure(canary({ yes: true }, deps));
      expect(error).toBeInstanceOf(UsageError);
      expect(world.lambdaEmu.calls.entries).toEqual([]);
    }));

  it("asks before the split: a no leaves the live alias as it was (exit 1), with the new version published and unused", () => {
    const clock = residentsClock({ everyMs: MINUTE }); // the emulators' time, without residents: publishing's waits take no real time
    return within({ live: "blue", lambda: { now: clock.now } }, async (world) => {
      const questions: string[] = [];
      const confirm = async (question: string) => (questions.push(question), false);
      const error = await failure(canary({}, releaseDeps(world, { confirm, clock })));
      expect(error).toBeInstanceOf(OperationFailed);
      expect(questions).toHaveLength(1);
      expect(questions[0]).toMatch(/^Send 25% of the live alias blue's traffic to version 2 /);
      expect(mutatingOps(world)).toEqual(["PublishVersion"]);
      expect(blue(world).additionalVersionWeights).toBeUndefined();
    });
  });

  it("a question nobody can answer (no terminal, no --yes) is exit 2 before anything is published", () =>
    within({ live: "blue" }, async (world) => {
      const confirm = Object.assign(async () => true, { noAnswer: "Standard input is not a terminal; pass --yes." });
      const error = await failure(canary({}, releaseDeps(world, { confirm })));
      expect(error.exitCode).toBe(ExitCode.Usage);
      expect(mutatingOps(world)).toEqual([]);
      // With --yes there is nothing to answer.
      expect((await canary({ yes: true }, releaseDeps(world, { confirm, dryRun: new DryRunPlan() }))).outcome).toBe("dry-run");
    }));

  it("--yes asks nothing; a dry run asks nothing either", () =>
    within({ live: "blue" }, async (world) => {
      const confirm = async () => Promise.reject(new Error("must not ask"));
      const plan = new DryRunPlan();
      expect((await canary({}, releaseDeps(world, { confirm, dryRun: plan }))).outcome).toBe("dry-run");
      expect(mutatingOps(world)).toEqual([]);
    }));

  it("starts nothing when $LATEST is the live alias's version already (nothing to promote)", () =>
    within({ live: "blue" }, async (world) => {
      const published = await world.lambda.send(new PublishVersionCommand({ FunctionName: FUNCTION_NAME }));
      await world.lambda.send(new UpdateAliasCommand({ FunctionName: FUNCTION_NAME, Name: "blue", FunctionVersion: published.Version }));
      world.lambdaEmu.calls.clear();
      const result = await canary({ yes: true }, releaseDeps(world));
      expect(result).toMatchObject({ outcome: "nothing-to-promote", fromVersion: "2", toVersion: "2" });
      expect(mutatingOps(world)).toEqual(["PublishVersion"]); // which gave back version 2
      expect(blue(world).additionalVersionWeights).toBeUndefined();
    }));

  it("records the default bake (2 h), minimum (5 invocations) and error limit (1) on the alias when none is given", () =>
    within({ live: "blue" }, async (world) => {
      const plan = new DryRunPlan();
      const result = await promoteCanary({ weight: 0.25, yes: true }, releaseDeps(world, { dryRun: plan }));
      expect(result.description).toMatch(/ bake=7200s min-invocations=5 max-errors=1$/);
    }));
});

describe("promote --canary: what refuses to start one", () => {
  it("an alias that already splits its traffic without a canary record is refused (exit 3): somebody set that routing by hand", () =>
    within({ live: "blue", versions: 2 }, async (world) => {
      world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1", { "2": 0.1 });
      world.lambdaEmu.calls.clear();
      const error = await failure(canary({ yes: true }, releaseDeps(world)));
      expect(error.exitCode).toBe(ExitCode.Refused);
      expect(mutatingOps(world)).toEqual([]);
    }));

  it("a live alias Alexa may not invoke is refused (exit 3, invariant 4), with nothing published", () =>
    within({ live: "blue" }, async (world) => {
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "blue", "AlexaSkillsKit-blue");
      world.lambdaEmu.calls.clear();
      const error = await failure(canary({ yes: true }, releaseDeps(world)));
      expect(error.exitCode).toBe(ExitCode.Refused);
      expect(mutatingOps(world)).toEqual([]);
    }));

  it("a dry run off a terminal without --yes runs: it asks nothing", () =>
    within({ live: "blue" }, async (world) => {
      const confirm = Object.assign(async () => Promise.reject(new Error("must not ask")), { noAnswer: "Standard input is not a terminal; pass --yes." });
      expect((await canary({}, releaseDeps(world, { confirm, dryRun: new DryRunPlan() }))).outcome).toBe("dry-run");
    }));

  it("the live alias's alarm already in ALARM is refused (exit 3): the canary could not tell whose errors they are", () => {
    const clock = residentsClock({ everyMs: 2 * MINUTE });
    const oldFails = (ctx: InvokeContext) => (ctx.resolvedVersion === "1" && (ctx.payload as { request?: { type?: string } })?.request?.type === "IntentRequest" ? functionError("boom") : alexaSkillHandler(ctx));
    return within({ live: "blue", canaryAlarm: { errors: 1 }, lambda: { now: clock.now, invoke: oldFails } }, async (world) => {
      clock.talkTo(world, "blue");
      await clock.sleep(6 * MINUTE);
      const error = await failure(canary({ yes: true }, releaseDeps(world, { clock })));
      expect(error.exitCode).toBe(ExitCode.Refused);
      expect(error.message).toContain("is already in ALARM");
      expect(mutatingOps(world)).toEqual([]);
    });
  });

  it("a recorded canary whose $LATEST has changed since is not resumed (exit 3): that would be a second canary", () =>
    within({ live: "blue" }, async (world) => {
      const before = await canaryInProgress(world).then(() => blue(world));
      world.lambdaEmu.state.updateCode(FUNCTION_NAME, makeZip({ "lambda_function.py": "# newer\n" }));
      world.lambdaEmu.calls.clear();
      const error = await failure(canary({ yes: true }, releaseDeps(world)));
      expect(error.exitCode).toBe(ExitCode.Refused);
      expect(error.message).toContain("$LATEST has changed since (it is version 3 now)");
      expect(blue(world)).toEqual(before);
      expect(mutatingOps(world)).toEqual(["PublishVersion"]);
    }));

  it("a recorded canary whose routing someone changed is neither resumed nor completed (exit 4), and stays as they left it", () =>
    within({ live: "blue" }, async (world) => {
      await canaryInProgress(world);
      world.lambdaEmu.state.updateAlias(FUNCTION_NAME, "blue", { RoutingConfig: { AdditionalVersionWeights: { "2": 0.5 } } });
      const changed = blue(world);
      world.lambdaEmu.calls.clear();
      expect((await failure(canary({ yes: true }, releaseDeps(world)))).exitCode).toBe(ExitCode.Conflict);
      expect((await failure(completeCanary({ yes: true }, releaseDeps(world)))).exitCode).toBe(ExitCode.Conflict);
      expect(blue(world)).toEqual(changed);
      expect(mutatingOps(world)).toEqual([]);
    }));
});

describe("promote --canary to its verdict (the paths canary.test.ts takes, at the mutation run's cost)", () => {
  const fresh = (world: ReleaseWorldOptions = {}) => {
    const clock = residentsClock({ everyMs: 2 * MINUTE });
    return within({ live: "blue", ...world, lambda: { now: clock.now, random: evenDraws(), ...world.lambda } }, async (w) => {
      clock.talkTo(w, "blue");
      const started = clock.now();
      // --yes: nothing is asked (a question would fail the test).
      const confirm = async () => Promise.reject(new Error("must not ask"));
      const { code, stderr, result } = await runRelease("promote", () => canary({ weight: 0.5, bakeMs: 10 * MINUTE, minInvocations: 2, yes: true }, releaseDeps(w, { clock, confirm })));
      return { code, stderr, result, alias: blue(w), ops: mutatingOps(w), elapsed: clock.now() - started };
    });
  };

  it("a healthy canary is split with its record, watched on the alias as split, and completed: all traffic on the new version", async () => {
    const { code, stderr, result, alias, ops, elapsed } = await fresh();
    expect(stderr).toBe("");
    expect(code).toBe(ExitCode.Ok);
    // The verdict came with the bake asked for (10 min) and CloudWatch's delay, not the default two hours.
    expect(elapsed).toBeGreaterThanOrEqual(13 * MINUTE);
    expect(elapsed).toBeLessThan(15 * MINUTE);
    expect(result).toMatchObject({ outcome: "completed", alias: "blue", colour: "blue", fromVersion: "1", toVersion: "2", weight: 0.5, counts: { canary: { errors: 0 } } });
    expect(alias.functionVersion).toBe("2");
    expect(alias.additionalVersionWeights).toBeUndefined();
    expect(ops).toEqual(["PublishVersion", "UpdateAlias", "UpdateAlias"]);
  });

  it("a canary that fails under traffic is rolled back (exit 1): all traffic on the stable version again", async () => {
    const { code, stderr, alias, ops } = await fresh({ lambda: { invoke: failsUnderTraffic } });
    expect(code).toBe(ExitCode.Failed);
    expect(stderr).toContain("Canary rolled back");
    expect(alias.functionVersion).toBe("1");
    expect(alias.additionalVersionWeights).toBeUndefined();
    expect(ops).toEqual(["PublishVersion", "UpdateAlias", "UpdateAlias"]);
  });

  it("someone else changing the alias during the watch ends it with exit 4 (not 1), keeping their change", () => {
    const clock = residentsClock({ everyMs: 2 * MINUTE });
    return within({ live: "blue", lambda: { now: clock.now, random: evenDraws() } }, async (w) => {
      clock.talkTo(w, "blue");
      let polls = 0;
      w.cloudwatchEmu.faults.before("GetMetricData", () => {
        if (++polls === 3) w.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1", {});
      });
      const { code } = await runRelease("promote", () => canary({ weight: 0.5, bakeMs: 10 * MINUTE, yes: true }, releaseDeps(w, { clock })));
      expect(code).toBe(ExitCode.Conflict);
      expect(blue(w).functionVersion).toBe("1");
      expect(blue(w).additionalVersionWeights).toBeUndefined();
      expect(mutatingOps(w)).toEqual(["PublishVersion", "UpdateAlias"]);
    });
  });

  it("metrics CloudWatch says are incomplete end the run (exit 1) with the canary in place: never completed on them", () => {
    const clock = residentsClock({ everyMs: 2 * MINUTE });
    return within({ live: "blue", lambda: { now: clock.now, random: evenDraws() } }, async (w) => {
      clock.talkTo(w, "blue");
      // CloudWatch answers, but says it could not give the canary's errors (a StatusCode AWS documents).
      const cloudwatch = Object.create(w.cloudwatch) as typeof w.cloudwatch;
      cloudwatch.send = (async (command: unknown) => {
        const output = await w.cloudwatch.send(command as never);
        if (!(command instanceof GetMetricDataCommand)) return output;
        const page = output as GetMetricDataCommandOutput;
        return { ...page, MetricDataResults: page.MetricDataResults?.map((r) => (r.Id === "canaryErrors" ? { ...r, Values: [], Timestamps: [], StatusCode: "InternalError" } : r)) };
      }) as typeof cloudwatch.send;
      const { code, stderr } = await runRelease("promote", () => canary({ weight: 0.5, bakeMs: 10 * MINUTE, minInvocations: 2, yes: true }, releaseDeps(w, { clock, cloudwatch })));
      expect(code).toBe(ExitCode.Failed);
      expect(stderr).toContain("canaryErrors: InternalError");
      expect(stderr).toContain("The canary stays in place until then.");
      expect(blue(w).additionalVersionWeights).toEqual({ "2": 0.5 });
    });
  });
});

describe("promote --canary and the live alias's alarm (canary.alarm)", () => {
  const alarmed: ReleaseWorldOptions = { canaryAlarm: { errors: 1 } };

  it("reads the colour alias's alarm before starting", () =>
    within({ live: "blue", ...alarmed }, async (world) => {
      await canary({ yes: true }, releaseDeps(world, { dryRun: new DryRunPlan() }));
      expect(world.cloudwatchEmu.calls.count("DescribeAlarms")).toBe(1);
    }));

  it("a legacy production-N alias has none: the canary warns and reads no alarm", () =>
    within({ live: "legacy", ...alarmed }, async (world) => {
      const result = await canary({ yes: true }, releaseDeps(world, { dryRun: new DryRunPlan() }));
      expect(result).toMatchObject({ outcome: "dry-run", alias: "production-3" });
      expect(world.output.lines.filter((l) => l.kind === "warn").map((l) => l.text)).toEqual([expect.stringContaining("The legacy alias production-3 has no Errors alarm")]);
      expect(world.cloudwatchEmu.calls.count("DescribeAlarms")).toBe(0);
    }));

  it("an alarm configured but missing from CloudWatch is exit 2, with nothing published", () =>
    within({ live: "blue" }, async (world) => {
      const config = { ...world.config, canary: { alarm: { errors: 1, periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 1 } } } as typeof world.config;
      const error = await failure(canary({ yes: true }, releaseDeps(world, { config })));
      expect(error).toBeInstanceOf(UsageError);
      expect(mutatingOps(world)).toEqual([]);
    }));

  it("no alarm configured: none is read", () =>
    within({ live: "blue" }, async (world) => {
      await canary({ yes: true }, releaseDeps(world, { dryRun: new DryRunPlan() }));
      expect(world.cloudwatchEmu.calls.count("DescribeAlarms")).toBe(0);
    }));
});

describe("promote --canary resuming the canary recorded on the alias", () => {
  it("keeps the recorded share of the traffic (a different --canary is a warning), and under --dry-run publishes and watches nothing", () =>
    within({ live: "blue" }, async (world) => {
      await canaryInProgress(world);
      const plan = new DryRunPlan();
      const result = await promoteCanary({ weight: 0.5, yes: true }, releaseDeps(world, { dryRun: plan }));
      expect(result).toMatchObject({ outcome: "dry-run", toVersion: "2", weight: 0.25 });
      expect(world.output.lines.filter((l) => l.kind === "warn").map((l) => l.text)).toEqual([expect.stringContaining("keeps its 25% of the traffic (asked for 50%)")]);
      expect(mutatingOps(world)).toEqual([]);
      expect(world.cloudwatchEmu.calls.count("GetMetricData")).toBe(0);
    }));

  it("the same share asked again is no warning", () =>
    within({ live: "blue" }, async (world) => {
      await canaryInProgress(world);
      await promoteCanary({ weight: 0.25, yes: true }, releaseDeps(world, { dryRun: new DryRunPlan() }));
      expect(world.output.lines.filter((l) => l.kind === "warn")).toEqual([]);
    }));

  it("takes the criteria given on the command line over the recorded ones: a higher minimum leaves it quiet, a lower error limit rolls it back", async () => {
    const resume = (options: Partial<CanaryOptions>, world: ReleaseWorldOptions = {}, recorded: Partial<CanaryRecord> = {}) => {
      const clock = residentsClock({ everyMs: 2 * MINUTE });
      return within({ live: "blue", ...world, lambda: { now: clock.now, random: evenDraws(), ...world.lambda } }, async (w) => {
        // Recorded with lenient criteria: on its own, this canary completes after 10 minutes (1 invocation needed, 1000 errors allowed).
        await canaryInProgress(w, { startedAt: clock.now(), bakeMs: 10 * MINUTE, minInvocations: 1, maxErrors: 1000, weight: 0.5, ...recorded });
        clock.talkTo(w, "blue");
        const started = clock.now();
        const { code, stderr } = await runRelease("promote", () => promoteCanary({ weight: 0.5, yes: true, ...options }, releaseDeps(w, { clock })));
        return { code, stderr, alias: blue(w), elapsed: clock.now() - started };
      });
    };
    const quiet = await resume({ minInvocations: 1000 });
    expect(quiet.code).toBe(ExitCode.Failed);
    expect(quiet.stderr).toMatch(/Canary left in place, without a verdict: .*a verdict needs at least 1000/);
    expect(quiet.alias.additionalVersionWeights).toEqual({ "2": 0.5 });
    expect(quiet.elapsed).toBeGreaterThanOrEqual(13 * MINUTE); // the recorded bake, kept
    const longer = await resume({ bakeMs: 20 * MINUTE });
    expect(longer.code).toBe(ExitCode.Ok); // the recorded minimum (1) and error limit kept
    expect(longer.elapsed).toBeGreaterThanOrEqual(23 * MINUTE);
    const failing = { lambda: { invoke: failsUnderTraffic } };
    const strict = await resume({ maxErrors: 1 }, failing);
    expect(strict.code).toBe(ExitCode.Failed);
    expect(strict.stderr).toContain("Canary rolled back");
    expect(strict.alias.functionVersion).toBe("1");
    // The recorded error limit holds when none is given.
    expect((await resume({ bakeMs: 20 * MINUTE }, failing, { maxErrors: 1 })).code).toBe(ExitCode.Failed);
  });
});

describe("promote --complete", () => {
  it("finds nothing to complete without a canary record, and changes nothing", () =>
    within({ live: "blue" }, async (world) => {
      const result = await completeCanary({ yes: true }, releaseDeps(world));
      expect(result).toMatchObject({ outcome: "no-canary", toVersion: "1" });
      expect(mutatingOps(world)).toEqual([]);
    }));

  it("asks first: a no changes nothing (exit 1)", () =>
    within({ live: "blue" }, async (world) => {
      await canaryInProgress(world);
      const before = blue(world);
      const error = await failure(completeCanary({}, releaseDeps(world, { confirm: async () => false })));
      expect(error).toBeInstanceOf(OperationFailed);
      expect(blue(world)).toEqual(before);
      expect(mutatingOps(world)).toEqual([]);
    }));

  it("under --dry-run lists the move and makes none, asking nothing", () =>
    within({ live: "blue" }, async (world) => {
      const record = await canaryInProgress(world);
      const before = blue(world);
      const plan = new DryRunPlan();
      const result = await completeCanary({}, releaseDeps(world, { dryRun: plan, confirm: async () => Promise.reject(new Error("must not ask")) }));
      expect(result).toMatchObject({ outcome: "dry-run", toVersion: "2" });
      expect(plan.calls.some((c) => c.startsWith("move alias blue of BostonInfoSkill from version 1 with 25% of its traffic on version 2 to version 2"))).toBe(true);
      expect(blue(world)).toEqual(before);
      expect(canaryOf({ name: "blue", version: "1", revisionId: "", description: blue(world).description })).toEqual(record);
    }));

  it("a yes to the question moves all of the traffic to the canary's version", () =>
    within({ live: "blue" }, async (world) => {
      await canaryInProgress(world);
      const result = await completeCanary({}, releaseDeps(world, { confirm: async () => true }));
      expect(result).toMatchObject({ outcome: "completed", alias: "blue", colour: "blue", toVersion: "2" });
      expect(blue(world).functionVersion).toBe("2");
    }));

  it("with --yes moves all of the traffic to the canary's version without a question", () =>
    within({ live: "blue" }, async (world) => {
      await canaryInProgress(world);
      const result = await completeCanary({ yes: true }, releaseDeps(world, { confirm: async () => Promise.reject(new Error("must not ask")) }));
      expect(result).toMatchObject({ outcome: "completed", fromVersion: "1", toVersion: "2", weight: 0.25 });
      expect(blue(world).functionVersion).toBe("2");
      expect(blue(world).additionalVersionWeights).toBeUndefined();
    }));
});
