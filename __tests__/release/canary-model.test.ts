import { UsageError } from "../../lib/errors";
import { canaryOf, canaryRecord, parseCanaryRecord, refuseDuringCanary, routingMatches, type CanaryRecord } from "../../lib/release/canary/record";
import { formatDuration, parseBake, parseCount, parsePercent } from "../../lib/release/canary/settings";
import { judge, SETTLE_MS } from "../../lib/release/canary/verdict";
import { previousVersionOf } from "../../lib/release/model";
import { ExitCode } from "../../lib/errors";
import { main } from "../../scripts/promote";
import { capture } from "../helpers/release-run";

const START = Date.parse("2026-12-01T09:00:00.000Z");
const HOUR = 3_600_000;
const record: CanaryRecord = { version: "7", stableVersion: "6", weight: 0.25, startedAt: START, bakeMs: 2 * HOUR, minInvocations: 5, maxErrors: 1 };
const counts = (canary: [number, number], stable: [number, number]) => ({
  canary: { invocations: canary[0], errors: canary[1] },
  stable: { invocations: stable[0], errors: stable[1] },
});

describe("the canary record in the live alias's description", () => {
  it("round-trips, fits Lambda's 256 characters, and is not a promotion record", () => {
    const text = canaryRecord({ ...record, version: "123456", stableVersion: "123455", minInvocations: 10_000, maxErrors: 1000, weight: 0.49 });
    expect(text.length).toBeLessThanOrEqual(256);
    expect(parseCanaryRecord(canaryRecord(record))).toEqual(record);
    expect(previousVersionOf(canaryRecord(record))).toBeUndefined();
  });

  it("is not found in other descriptions, or when garbled", () => {
    expect(parseCanaryRecord("previous-version=3 promoted=2026-11-25T10:00:00.000Z")).toBeUndefined();
    expect(parseCanaryRecord(canaryRecord(record).replace("weight=0.25", "weight=1.5"))).toBeUndefined();
    expect(parseCanaryRecord(canaryRecord(record).replace(/started=\S+/, "started=yesterday"))).toBeUndefined();
  });

  it("matches the alias's routing only when the alias routes exactly as recorded", () => {
    const alias = { name: "blue", version: "6", revisionId: "r", description: canaryRecord(record), weights: { "7": 0.25 } };
    expect(routingMatches(alias, record)).toBe(true);
    expect(routingMatches({ ...alias, weights: { "7": 0.5 } }, record)).toBe(false);
    expect(routingMatches({ ...alias, version: "7", weights: {} }, record)).toBe(false);
    expect(routingMatches({ ...alias, weights: { "7": 0.25, "5": 0.1 } }, record)).toBe(false);
    expect(canaryOf(alias)).toEqual(record);
  });

  it("refuses a command during a canary (exit 3), and nothing otherwise", () => {
    const alias = { name: "blue", version: "6", revisionId: "r", description: canaryRecord(record), weights: { "7": 0.25 } };
    expect(() => refuseDuringCanary(alias, "flip")).toThrow(expect.objectContaining({ exitCode: ExitCode.Refused }));
    expect(() => refuseDuringCanary({ ...alias, description: "previous-version=5" }, "flip")).not.toThrow();
    expect(() => refuseDuringCanary(undefined, "flip")).not.toThrow();
  });
});

describe("the canary's settings", () => {
  it("takes whole percentages from 1 to 50", () => {
    expect(parsePercent("25")).toBe(0.25);
    expect(parsePercent("1")).toBe(0.01);
    expect(parsePercent("50")).toBe(0.5);
    for (const bad of ["0", "51", "100", "12.5", "ten", ""]) expect(() => parsePercent(bad)).toThrow(UsageError);
    expect(() => parsePercent("75")).toThrow(/--canary takes .* from 1 to 50; got "75"\. For all of it at once, run npm run promote without --canary/);
  });

  it("takes bake durations from 10 minutes to a day", () => {
    expect(parseBake("2h")).toBe(2 * HOUR);
    expect(parseBake("1h30m")).toBe(1.5 * HOUR);
    expect(parseBake("600s")).toBe(600_000);
    for (const bad of ["9m", "25h", "", "h", "2 hours", "-1h"]) expect(() => parseBake(bad)).toThrow(/--bake takes a duration from 10m to 24h/);
    expect(formatDuration(90 * 60_000)).toBe("1h30m");
    expect(formatDuration(33 * 60_000)).toBe("33m");
  });

  it("takes counts from 1", () => {
    expect(parseCount("--min-invocations", "10", 100)).toBe(10);
    expect(() => parseCount("--min-invocations", "0", 100)).toThrow(/--min-invocations takes a whole number from 1 to 100; got "0"/);
  });
});

describe("the canary's verdict", () => {
  const at = (ms: number) => START + ms;
  const end = record.bakeMs + SETTLE_MS;

  it("watches until the bake and CloudWatch's delay are over", () => {
    expect(judge({ record, counts: counts([50, 0], [150, 0]), now: at(end - 1) })).toEqual({ kind: "watch" });
  });

  it("completes after that with enough invocations and no errors", () => {
    expect(judge({ record, counts: counts([5, 0], [15, 0]), now: at(end) })).toMatchObject({ kind: "complete" });
  });

  it("is quiet with fewer invocations than the minimum", () => {
    expect(judge({ record, counts: counts([4, 0], [15, 0]), now: at(end) })).toMatchObject({ kind: "quiet", reason: expect.stringContaining("only 4 invocation(s)") });
  });

  it("rolls back at once on errors above the limit when the new version errs more often than the old", () => {
    expect(judge({ record, counts: counts([1, 1], [3, 0]), now: at(1) })).toMatchObject({ kind: "roll-back" });
    expect(judge({ record: { ...record, maxErrors: 2 }, counts: counts([3, 1], [9, 0]), now: at(1) })).toEqual({ kind: "watch" });
  });

  it("does not blame the new version for errors the old one has as often (a failing city data source)", () => {
    expect(judge({ record, counts: counts([10, 1], [30, 3]), now: at(1) })).toEqual({ kind: "watch" });
    expect(judge({ record, counts: counts([10, 1], [30, 3]), now: at(end) })).toMatchObject({ kind: "complete" });
    expect(judge({ record, counts: counts([10, 2], [30, 3]), now: at(1) })).toMatchObject({ kind: "roll-back" });
  });

  it("counts errors that arrive before their invocations (the two metrics lag differently)", () => {
    expect(judge({ record, counts: counts([0, 1], [0, 0]), now: at(1) })).toMatchObject({ kind: "roll-back" });
  });

  it("rolls back while the alias's alarm is in ALARM, and only then", () => {
    const alarm = { name: "BostonInfoSkill-blue-errors", state: "ALARM", reason: "Threshold Crossed", since: START };
    expect(judge({ record, counts: counts([0, 0], [0, 0]), alarm, now: at(1) })).toMatchObject({ kind: "roll-back", reason: expect.stringContaining("BostonInfoSkill-blue-errors is in ALARM") });
    expect(judge({ record, counts: counts([0, 0], [0, 0]), alarm: { ...alarm, state: "OK" }, now: at(1) })).toEqual({ kind: "watch" });
  });
});

describe("npm run promote's canary options", () => {
  const run = async (argv: string[]) => {
    const stderr = capture();
    const code = await main(argv, { env: {}, stdout: capture(), stderr }, { wire: () => { throw new Error("must not wire"); } });
    return { code, stderr: stderr.text() };
  };

  it("checks them before anything is read (exit 2)", async () => {
    expect(await run(["--canary", "75"])).toMatchObject({ code: ExitCode.Usage, stderr: expect.stringContaining("--canary takes the percentage") });
    expect(await run(["--bake", "2h"])).toMatchObject({ code: ExitCode.Usage, stderr: expect.stringContaining("--bake goes with --canary <percent>") });
    expect(await run(["--canary", "25", "--bake", "5m"])).toMatchObject({ code: ExitCode.Usage, stderr: expect.stringContaining("--bake takes a duration") });
    expect(await run(["--canary", "25", "--min-invocations", "0"])).toMatchObject({ code: ExitCode.Usage });
    expect(await run(["--complete", "--canary", "25"])).toMatchObject({ code: ExitCode.Usage, stderr: expect.stringContaining("--complete finishes the canary in progress and takes no --canary") });
  });
});
