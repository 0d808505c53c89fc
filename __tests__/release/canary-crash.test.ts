import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { ExitCode } from "../../lib/errors";
import type { Faults, FaultContext } from "../../lib/emulators/faults";
import { promoteCanary } from "../../lib/release/commands/canary";
import { canaryOf } from "../../lib/release/canary/record";
import { previousVersionOf, rolledBackTo } from "../../lib/release/model";
import { alexaSkillHandler, functionError, type InvokeContext, type LambdaFaultContext } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, type ReleaseWorld, type ReleaseWorldOptions } from "../../lib/emulators/release-world";
import { releaseDeps, runRelease, within } from "../helpers/release-run";
import { evenDraws, residentsClock, type ResidentsClock } from "../helpers/residents";

/**
 * Invariant 6 for the canary: a run that fails at any step (a call that is
 * not retried, as if the process died there), run again, converges to the
 * end state of an undisturbed run: the canary recorded on the alias is
 * resumed, never started twice, never lost.
 */

const MINUTE = 60_000;
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

const failsUnderTraffic = (ctx: InvokeContext) =>
  ctx.resolvedVersion === "2" && (ctx.payload as { request?: { type?: string } })?.request?.type === "IntentRequest" ? functionError("boom", "TypeError") : alexaSkillHandler(ctx);

/** Clients that do not retry, so that one injected failure is one failed step. */
function fragile(world: ReleaseWorld) {
  return {
    lambda: new LambdaClient({ region: world.lambdaEmu.region, endpoint: world.lambdaEmu.url, credentials, maxAttempts: 1 }),
    cloudwatch: new CloudWatchClient({ region: world.lambdaEmu.region, endpoint: world.cloudwatchEmu.url, credentials, maxAttempts: 1 }),
  };
}

/** The `n`th call of `operation` (from now on, counted by `count`) fails with a 500. */
function failNth<C extends FaultContext>(faults: Faults<C>, operation: string, n: number, count: (ctx: C) => boolean = () => true): void {
  let seen = 0;
  const stop = faults.before(operation, (ctx) => {
    if (!count(ctx) || ++seen !== n) return;
    stop();
    throw new Error(`crash injected at ${operation} #${n}`);
  });
}

function endState(world: ReleaseWorld) {
  const blue = world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue");
  return {
    version: blue.functionVersion,
    routing: blue.additionalVersionWeights,
    previous: previousVersionOf(blue.description),
    rolledBackTo: rolledBackTo(blue.description),
    canary: canaryOf({ name: "blue", version: blue.functionVersion, revisionId: "", description: blue.description }) !== undefined,
    versions: world.lambdaEmu.state.listVersions(FUNCTION_NAME).map((v) => v.version),
  };
}

async function scenario(options: ReleaseWorldOptions, disturb: (world: ReleaseWorld) => void): Promise<{ first: { code: number; stderr: string }; second: { code: number; stderr: string }; end: ReturnType<typeof endState>; stderrs: string }> {
  const clock: ResidentsClock = residentsClock({ everyMs: 2 * MINUTE });
  return within({ live: "blue", ...options, lambda: { now: clock.now, random: evenDraws(), ...options.lambda } }, async (world) => {
    clock.talkTo(world, "blue");
    const clients = fragile(world);
    const run = () => runRelease("promote", () => promoteCanary({ yes: true, weight: 0.5, bakeMs: 30 * MINUTE }, releaseDeps(world, { ...clients, clock })));
    try {
      disturb(world);
      const first = await run();
      const second = await run();
      return { first, second, end: endState(world), stderrs: `${first.stderr}${second.stderr}` };
    } finally {
      clients.lambda.destroy();
      clients.cloudwatch.destroy();
    }
  });
}

const completed = { version: "2", routing: undefined, previous: "1", rolledBackTo: undefined, canary: false, versions: ["$LATEST", "1", "2"] };
const rolledBack = { version: "1", routing: undefined, previous: undefined, rolledBackTo: "1", canary: false, versions: ["$LATEST", "1", "2"] };

describe("promote --canary after a crash resumes and converges", () => {
  it("undisturbed: completes at once, and a second run has nothing to promote", async () => {
    const { first, second, end } = await scenario({}, () => {});
    expect(first.code).toBe(ExitCode.Ok);
    expect(second.code).toBe(ExitCode.Ok);
    expect(end).toEqual(completed);
  });

  const crashes: Array<[string, (world: ReleaseWorld) => void]> = [
    ["publishing", (w) => failNth(w.lambdaEmu.faults, "PublishVersion", 1)],
    ["splitting the traffic", (w) => failNth(w.lambdaEmu.faults, "UpdateAlias", 1)],
    ["reading the alias during the watch", (w) => failNth(w.lambdaEmu.faults, "GetAlias", 6)],
    ["reading the metrics during the watch", (w) => failNth(w.cloudwatchEmu.faults, "GetMetricData", 4)],
    ["completing", (w) => failNth(w.lambdaEmu.faults, "UpdateAlias", 2)],
    // The check of the alias after the completion (not the residents, who call the alias ARN without a Qualifier).
    ["checking the alias after completing", (w) => failNth(w.lambdaEmu.faults, "Invoke", 1, (ctx: LambdaFaultContext) => ctx.query.Qualifier === "blue")],
  ];

  it.each(crashes)("a crash while %s: the run fails (exit 1), the next one finishes the canary", async (_, crash) => {
    const { first, second, end, stderrs } = await scenario({}, crash);
    expect(first.code).toBe(ExitCode.Failed);
    expect(second.code).toBe(ExitCode.Ok);
    expect(end).toEqual(completed);
    expect(stderrs).not.toMatch(/Refusing/);
  });

  it("a crash while a failing canary is rolled back: the next run finds the errors again and rolls back", async () => {
    const { first, second, end } = await scenario({ lambda: { invoke: failsUnderTraffic } }, (w) => failNth(w.lambdaEmu.faults, "UpdateAlias", 2));
    expect(first.code).toBe(ExitCode.Failed);
    expect(first.stderr).toContain("run npm run promote -- --canary 50 again to continue. The canary stays in place until then.");
    expect(second.code).toBe(ExitCode.Failed);
    expect(second.stderr).toContain("Canary rolled back: version 2 had");
    expect(end).toEqual(rolledBack);
  });

  it("a crash mid-watch says that the canary stays in place and how to resume it", async () => {
    const { first } = await scenario({}, (w) => failNth(w.cloudwatchEmu.faults, "GetMetricData", 2));
    expect(first.stderr).toMatch(/watching the canary failed: .*GetMetricData.* Nothing after that step was done; run npm run promote -- --canary 50 again to continue\. The canary stays in place until then\./);
  });
});
