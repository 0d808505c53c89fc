import { ExitCode } from "../../lib/errors";
import { DryRunPlan } from "../../lib/dry-run";
import { main } from "../../scripts/rollback";
import { releaseDeps, within } from "../helpers/release-run";

function io() {
  let stdout = "";
  let stderr = "";
  return {
    io: { env: {}, stdout: { write: (t: string) => ((stdout += t), true) }, stderr: { write: (t: string) => ((stderr += t), true) } },
    out: () => stdout,
    err: () => stderr,
  };
}

describe("npm run rollback (the command line)", () => {
  it("shows both forms in --help", async () => {
    const { io: streams, out } = io();
    expect(await main(["--help"], streams)).toBe(0);
    expect(out()).toMatch(/Usage: npm run rollback -- \[options\]/);
    expect(out()).toMatch(/Usage: npm run rollback -- --release/);
  });

  it("without --release moves the live alias (nothing recorded: refused, exit 3)", () =>
    within({ live: "blue" }, async (world) => {
      const { io: streams, err } = io();
      expect(await main(["--yes"], streams, { wire: () => releaseDeps(world) })).toBe(ExitCode.Refused);
      expect(err()).toMatch(/nothing to roll back to|no record/i);
    }));

  it("with --release asks SMAPI, and a dry run changes nothing", () =>
    within({ live: "blue" }, async (world) => {
      const { io: streams } = io();
      const code = await main(["--release", "--dry-run", "--json"], streams, { wire: () => ({ ...releaseDeps(world), dryRun: new DryRunPlan() }) });
      expect([ExitCode.Ok, ExitCode.Refused]).toContain(code);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
      expect(world.smapiEmu.calls.filter((c) => c.mutating)).toEqual([]);
    }));
});
