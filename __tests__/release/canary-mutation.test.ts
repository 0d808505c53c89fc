import { UsageError } from "../../lib/errors";
import { canaryOf, canaryRecord, parseCanaryRecord, refuseDuringCanary, routingMatches, type CanaryRecord } from "../../lib/release/canary/record";
import { BAKE_LIMITS_MS, formatDuration, parseBake, parseCount, parsePercent } from "../../lib/release/canary/settings";
import { errorRate, judge, verdictAt } from "../../lib/release/canary/verdict";

/**
 * The canary's pure decisions that mutation testing found unobserved: the
 * verdict's thresholds at their boundaries (an error limit reached rolls back,
 * a rate only equal to the stable version's does not, the verdict waits for
 * CloudWatch's delay to the millisecond), the settings' limits at both ends,
 * and the record in the alias's description, which decides whether a canary
 * is in progress.
 */

const START = Date.parse("2026-12-01T09:00:00.000Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const record: CanaryRecord = { version: "7", stableVersion: "6", weight: 0.25, startedAt: START, bakeMs: 2 * HOUR, minInvocations: 5, maxErrors: 2 };
const counts = (canary: [number, number], stable: [number, number]) => ({
  canary: { invocations: canary[0], errors: canary[1] },
  stable: { invocations: stable[0], errors: stable[1] },
});
const kind = (c: ReturnType<typeof counts>, now: number, r: CanaryRecord = record) => judge({ record: r, counts: c, now }).kind;

describe("the canary's verdict at its boundaries", () => {
  it("waits for the bake plus three minutes of CloudWatch's delay, and not a millisecond more", () => {
    expect(verdictAt(record)).toBe(START + 2 * HOUR + 3 * MINUTE);
    expect(kind(counts([50, 0], [150, 0]), START + 2 * HOUR + 3 * MINUTE - 1)).toBe("watch");
    expect(kind(counts([50, 0], [150, 0]), START + 2 * HOUR + 3 * MINUTE)).toBe("complete");
  });

  it("rolls back when the errors reach the limit (not only above it), and not one error below it", () => {
    expect(kind(counts([10, 2], [30, 0]), START + 1)).toBe("roll-back");
    expect(kind(counts([10, 1], [30, 0]), START + 1)).toBe("watch");
    // Below the limit the canary completes after the bake, errors or not: the limit is the operator's choice.
    expect(kind(counts([10, 1], [30, 0]), verdictAt(record))).toBe("complete");
  });

  it("rolls back on errors even when the stable version had no invocations at all (no rate to compare is not an excuse)", () => {
    expect(kind(counts([4, 2], [0, 0]), START + 1)).toBe("roll-back");
  });

  it("the error rate is errors over invocations, never above one, and zero without errors", () => {
    expect(errorRate({ invocations: 10, errors: 2 })).toBe(0.2);
    expect(errorRate({ invocations: 1, errors: 3 })).toBe(1);
    expect(errorRate({ invocations: 0, errors: 0 })).toBe(0);
    expect(errorRate({ invocations: 7, errors: 0 })).toBe(0);
  });

  it("an equal error rate does not roll back; a higher one by a little does", () => {
    expect(kind(counts([10, 2], [20, 4]), START + 1)).toBe("watch");
    expect(kind(counts([10, 3], [20, 4]), START + 1)).toBe("roll-back");
  });

  it("completes with exactly the minimum of invocations, and is quiet one below", () => {
    expect(kind(counts([5, 0], [0, 0]), verdictAt(record))).toBe("complete");
    expect(kind(counts([4, 0], [0, 0]), verdictAt(record))).toBe("quiet");
  });

  it("an alarm that is not in ALARM (OK, INSUFFICIENT_DATA) changes nothing; errors still roll back with it", () => {
    const alarm = { name: "BostonInfoSkill-blue-errors", state: "INSUFFICIENT_DATA", reason: "" };
    expect(judge({ record, counts: counts([10, 0], [30, 0]), alarm, now: START + 1 }).kind).toBe("watch");
    expect(judge({ record, counts: counts([10, 2], [30, 0]), alarm: { ...alarm, state: "OK" }, now: START + 1 }).kind).toBe("roll-back");
    expect(judge({ record, counts: counts([10, 0], [30, 0]), alarm: { ...alarm, state: "ALARM" }, now: verdictAt(record) }).kind).toBe("roll-back");
  });
});

describe("the canary's settings at their limits", () => {
  it("takes 10 minutes and 24 hours of bake, and refuses a second less or more", () => {
    expect(parseBake("10m")).toBe(BAKE_LIMITS_MS.min);
    expect(parseBake("24h")).toBe(BAKE_LIMITS_MS.max);
    expect(BAKE_LIMITS_MS).toEqual({ min: 10 * MINUTE, max: 24 * HOUR });
    expect(() => parseBake("9m59s")).toThrow(UsageError);
    expect(() => parseBake("24h0m1s")).toThrow(UsageError);
  });

  it("reads each unit of a bake, alone or together, and refuses a number without its unit", () => {
    expect(parseBake("90m")).toBe(90 * MINUTE);
    expect(parseBake("1h0m30s")).toBe(HOUR + 30_000);
    expect(parseBake(" 2h ")).toBe(2 * HOUR);
    for (const bad of ["2h30", "30", "h2", "2h 30m", "1h-30m"]) expect(() => parseBake(bad)).toThrow(UsageError);
  });

  it("takes a percentage with spaces around it, and refuses anything but digits", () => {
    expect(parsePercent(" 25 ")).toBe(0.25);
    for (const bad of ["2e1", "0x19", "25%", "-25", "25 30"]) expect(() => parsePercent(bad)).toThrow(UsageError);
  });

  it("takes counts up to their maximum, and refuses one more or anything but digits", () => {
    expect(parseCount("--min-invocations", "1", 100)).toBe(1);
    expect(parseCount("--min-invocations", "100", 100)).toBe(100);
    expect(parseCount("--min-invocations", " 7 ", 100)).toBe(7);
    for (const bad of ["101", "1e2", "-1", "5.0", ""]) expect(() => parseCount("--min-invocations", bad, 100)).toThrow(UsageError);
  });

  it("formats every whole-minute bake so that --bake reads it back (the quiet verdict suggests one)", () => {
    for (let ms = BAKE_LIMITS_MS.min; ms <= BAKE_LIMITS_MS.max; ms += 7 * MINUTE) expect(parseBake(formatDuration(ms))).toBe(ms);
    expect(formatDuration(2 * HOUR)).toBe("2h");
    expect(formatDuration(59 * MINUTE + 31_000)).toBe("1h");
    expect(formatDuration(-5 * MINUTE)).toBe("0m");
  });
});

describe("the canary record decides whether a canary is in progress", () => {
  const alias = { name: "blue", version: "6", revisionId: "r", description: canaryRecord(record), weights: { "7": 0.25 } };

  it("a weight of 0 or of 1 (all of the traffic) is not a canary", () => {
    expect(parseCanaryRecord(canaryRecord({ ...record, weight: 1 }))).toBeUndefined();
    expect(parseCanaryRecord(canaryRecord({ ...record, weight: 0 }))).toBeUndefined();
    expect(parseCanaryRecord(canaryRecord({ ...record, weight: 0.01 }))?.weight).toBe(0.01);
    expect(parseCanaryRecord(canaryRecord({ ...record, weight: 0.99 }))?.weight).toBe(0.99);
  });

  it("round-trips a bake in whole seconds and many-digit numbers, and is found after other text", () => {
    const long = { ...record, version: "1234", stableVersion: "987", bakeMs: 90 * MINUTE + 15_000, minInvocations: 42, maxErrors: 13 };
    expect(parseCanaryRecord(`note: ${canaryRecord(long)}`)).toEqual(long);
  });

  it("an alias whose routing was cleared by hand, or that splits to another version, does not match its record", () => {
    expect(routingMatches(alias, record)).toBe(true);
    const { weights: _cleared, ...cleared } = alias;
    expect(routingMatches(cleared, record)).toBe(false);
    expect(routingMatches({ ...alias, weights: { "8": 0.25 } }, record)).toBe(false);
    expect(routingMatches({ ...alias, version: "5" }, record)).toBe(false);
  });

  it("refuses a command only when the alias's description records a canary", () => {
    expect(canaryOf(alias)).toEqual(record);
    expect(() => refuseDuringCanary(alias, "flip")).toThrow(/Refusing to flip: a canary is in progress on the live alias blue/);
    expect(() => refuseDuringCanary({ ...alias, description: "" }, "flip")).not.toThrow();
  });
});
