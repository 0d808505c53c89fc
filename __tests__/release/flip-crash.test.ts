import { GetAliasCommand, ListVersionsByFunctionCommand } from "@aws-sdk/client-lambda";
import { ExitCode } from "../../lib/errors";
import { flip } from "../../lib/release/commands/flip";
import { manifestEndpoints } from "../../lib/release/endpoints";
import type { ReleaseWorld } from "../../lib/emulators/release-world";
import { releaseDeps, runRelease, within } from "../helpers/release-run";

/**
 * Invariant 6: make each mutating call of an undisturbed flip fail in turn
 * (past every retry), then run flip again: it must converge to the same end
 * state as a run that was never disturbed.
 */
const run = (world: ReleaseWorld) => runRelease("flip", () => flip({ to: "candidate", yes: true }, releaseDeps(world)));

async function endState(world: ReleaseWorld) {
  const alias = async (name: string) => (await world.lambda.send(new GetAliasCommand({ FunctionName: "BostonInfoSkill", Name: name }))).FunctionVersion;
  const versions = (await world.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: "BostonInfoSkill" }))).Versions?.map((v) => v.Version);
  return {
    blue: await alias("blue"),
    green: await alias("green"),
    versions,
    development: manifestEndpoints(world.smapiEmu.manifest("development")).map((e) => e.uri),
    live: manifestEndpoints(world.smapiEmu.manifest("live")).map((e) => e.uri),
  };
}

type Breaker = (world: ReleaseWorld) => void;

// Enough failures to outlast the clients' own retries (the SDK's 3 attempts, the SMAPI client's 4).
const BREAKERS: Array<[string, Breaker]> = [
  ["PublishVersion", (w) => void w.lambdaEmu.faults.failNext("PublishVersion", { status: 500, errorType: "ServiceException", times: 10 })],
  ["UpdateAlias", (w) => void w.lambdaEmu.faults.failNext("UpdateAlias", { status: 500, errorType: "ServiceException", times: 10 })],
  ["updateSkillManifestV1", (w) => void w.smapiEmu.faults.failNext("updateSkillManifestV1", { status: 500, times: 10 })],
  ["setSkillEnablementV1", (w) => void w.smapiEmu.faults.failNext("setSkillEnablementV1", { status: 500, times: 10 })],
  ["simulateSkillV2", (w) => void w.smapiEmu.faults.failNext("simulateSkillV2", { status: 500, times: 10 })],
];

describe("flip after a failure at any step converges (invariant 6)", () => {
  let undisturbed: Awaited<ReturnType<typeof endState>>;

  beforeAll(() =>
    within({ live: "blue" }, async (world) => {
      const { code, stderr } = await run(world);
      expect({ code, stderr }).toEqual({ code: ExitCode.Ok, stderr: "" });
      undisturbed = await endState(world);
      const mutating = [
        ...world.lambdaEmu.calls.mutating().map((c) => c.operation),
        ...world.smapiEmu.calls.filter((c) => c.mutating).map((c) => c.operation),
      ];
      // The breakers below cover every mutating call an undisturbed flip makes.
      expect(new Set(mutating)).toEqual(new Set(BREAKERS.map(([operation]) => operation)));
    }));

  it("the undisturbed run: green on version 2, development on green, blue and live untouched", () => {
    expect(undisturbed).toMatchObject({ blue: "1", green: "2", versions: ["$LATEST", "1", "2"] });
    expect(undisturbed.development).toEqual(["arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill:green"]);
    expect(undisturbed.live).toEqual(["arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill:blue"]);
  });

  it.each(BREAKERS)("%s fails, then flip runs again", (operation, breakIt) =>
    within({ live: "blue" }, async (world) => {
      breakIt(world);
      const first = await run(world);
      expect(first.code).not.toBe(ExitCode.Ok);
      expect(first.stderr).not.toMatch(/unexpected failure/);
      world.lambdaEmu.faults.reset();
      world.smapiEmu.faults.reset();
      const second = await run(world);
      expect({ operation, code: second.code, stderr: second.stderr }).toEqual({ operation, code: ExitCode.Ok, stderr: "" });
      expect(await endState(world)).toEqual(undisturbed);
    }));
});
