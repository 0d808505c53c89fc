import { status } from "../../lib/release/commands/status";
import { renderStatus } from "../../lib/release/render-status";
import { systemClock } from "../../lib/clock";
import { main } from "../../scripts/status";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { capture, runScript, setLiveEndpoints, worldForEachTest } from "../helpers/release-run";

function deps(world: ReleaseWorld) {
  return { ...world, clock: systemClock };
}

describe("status", () => {
  let world: ReleaseWorld;
  worldForEachTest({ live: "blue", versions: 2 }, (w) => (world = w));

  it("reports aliases, stages, colours, certification and the next step", async () => {
    const report = await status(deps(world));
    expect(report.aliases.map((a) => [a.alias, a.colour, a.version])).toEqual([["blue", "blue", "1"], ["green", "green", "1"]]);
    expect(report.aliases[0]).toMatchObject({ commit: "0000000", description: "2026-11-01 commit 0000000" });
    expect(report.aliases[0]?.codeSha256).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(report.stages.map((s) => [s.stage, s.target])).toEqual([
      ["development", "$LATEST (unqualified)"],
      ["live", "blue (alias blue)"],
    ]);
    expect(report).toMatchObject({ liveColour: "blue", candidateColour: "green", inReview: false });
    expect(report.next).toMatch(/npm run flip/);
    expect(world.lambdaEmu.calls.mutating()).toEqual([]);
    expect(world.smapiEmu.calls.filter((c) => c.mutating)).toEqual([]);
    world.smapiEmu.assertNoSpecViolations();
  });

  it("says plainly when live is split across regions: each endpoint's target, no candidate, and a warning", async () => {
    setLiveEndpoints(world, { default: `${world.names.functionArn}:blue`, EU: `${world.names.functionArn}:green` });
    const report = await status(deps(world));
    expect(report.candidateColour).toBeUndefined();
    expect(report.stages.find((s) => s.stage === "live")?.endpoints.map((e) => [e.path, e.target])).toEqual([
      ["apis.custom.endpoint.uri", "blue (alias blue)"],
      ["apis.custom.regions.EU.endpoint.uri", "green (alias green)"],
    ]);
    expect(report.warnings).toEqual([expect.stringContaining("The live stage is not on one colour: the live stage's endpoints point at different targets: default → blue (alias blue); EU → green (alias green)")]);
    expect(report.next).toMatch(/^Fix the live stage first/);
    const text = renderStatus(report);
    expect(text).toMatch(/^live\s+endpoint\.uri\s+blue \(alias blue\)$/m);
    expect(text).toMatch(/^\s+regions\.EU\.endpoint\.uri\s+green \(alias green\)$/m);
    expect(text).toContain("candidate: none");
    expect(text).toMatch(/^Warning: The live stage is not on one colour/m);
  });

  it("warns that the live skill cannot be invoked when the live alias lacks its Alexa permission", async () => {
    expect((await status(deps(world))).warnings).toEqual([]);
    world.lambdaEmu.state.removePermission(FUNCTION_NAME, "blue", "AlexaSkillsKit-blue");
    const report = await status(deps(world));
    expect(report.warnings).toEqual([expect.stringMatching(/^The live skill cannot be invoked: Alexa may not invoke BostonInfoSkill:blue, where the live endpoint points .*npx cdktf deploy/)]);
    expect(renderStatus(report)).toMatch(/^Warning: The live skill cannot be invoked/m);
  });

  it("shows what it knows of a version Terraform published (no date or commit in its description)", async () => {
    // `publish = true`: a configuration change publishes a version described by the function's own description.
    const version = world.lambdaEmu.state.publishVersion(FUNCTION_NAME, { description: "Boston Info skill" });
    world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", version.version);
    const report = await status(deps(world));
    expect(report.aliases[0]).toEqual({
      alias: "blue", colour: "blue", version: version.version, description: "Boston Info skill",
      lastModified: expect.stringMatching(/^\d{4}-/), codeSha256: expect.any(String), publishedOutsideRelease: true,
    });
    expect(report.aliases[0]?.commit).toBeUndefined();
    expect(renderStatus(report)).toMatch(new RegExp(`^blue\\s+live\\s+${version.version}\\s+\\d{4}-\\d\\d-\\d\\d\\s+-\\s+\\S+\\s+"Boston Info skill", not published by a release`, "m"));
  });

  it("makes no call twice", async () => {
    await status(deps(world));
    const lambdaCalls = world.lambdaEmu.calls.entries.map((c) => `${c.operation} ${c.path} ${JSON.stringify(c.query)}`);
    expect(new Set(lambdaCalls).size).toBe(lambdaCalls.length);
    const smapiCalls = world.smapiEmu.calls.filter((c) => c.operation !== "lwaToken").map((c) => `${c.method} ${c.path}`);
    expect(new Set(smapiCalls).size).toBe(smapiCalls.length);
  });

  it("shows a table for people", async () => {
    const text = renderStatus(await status(deps(world)));
    expect(text).toMatch(/^ALIAS\s+ROLE\s+VERSION/m);
    expect(text).toMatch(/^blue\s+live\s+1/m);
    expect(text).toMatch(/^green\s+candidate\s+1/m);
    expect(text).toMatch(/^live\s+endpoint\.uri\s+blue \(alias blue\)/m);
    expect(text).toContain("Next: ");
  });

  it("runs from the command line with --json, and never prints the credentials", async () => {
    const { code, stdout, stderr } = await runScript(world, main, ["--json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ liveColour: "blue", candidateColour: "green" });
    for (const secret of [world.env.ASK_LWA_CLIENT_SECRET, world.env.ASK_REFRESH_TOKEN]) expect(stdout).not.toContain(secret);
  });

  it("exits 2 naming every missing credential", async () => {
    const stderr = capture();
    const { ASK_LWA_CLIENT_SECRET: _s, ASK_REFRESH_TOKEN: _r, ...env } = world.env;
    expect(await main([], { env, stdout: capture(), stderr })).toBe(2);
    expect(stderr.text()).toContain("ASK_LWA_CLIENT_SECRET (or ASK_LWA_CLIENT_CONFIRMATION), ASK_REFRESH_TOKEN");
  });
});
