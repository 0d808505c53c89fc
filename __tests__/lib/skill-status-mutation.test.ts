import { ExitCode, PipelineError } from "../../lib/errors";
import { recordingOutput } from "../../lib/output";
import {
  LAGGING_STATUS_READS, describeBuilds, readManifestUpdateStatus, readModelBuildStatuses, sameETag, waitForManifestUpdate, waitForModelBuilds,
  type ManifestUpdateStatus,
} from "../../lib/smapi/skill-status";
import { fakeClock } from "../helpers/fake-clock";
import { fakeSmapi, serviceError, type Scripted } from "../helpers/smapi-fake";

/**
 * lib/smapi/skill-status.ts: SMAPI's updates finish later, and its status lags.
 * What deploy:model and every manifest update (flip, finish, deploy:skill)
 * decide from here: a build or update counts as finished only when SUCCEEDED
 * or FAILED, and a build only when every locale has; Amazon's errors (on the
 * request and on its steps) all reach the caller; and a status that may be an
 * earlier update's (SUCCEEDED without a new ETag, or the very status read
 * before ours) is not taken for ours, for a bounded number of reads
 * (invariant 7: our update is recognised by the ETag it replaced).
 */

const SKILL = "amzn1.ask.skill.s1";

function setUp(statuses: Scripted[]) {
  const fake = fakeSmapi({ getSkillStatusV1: statuses });
  const clock = fakeClock();
  return { ...fake, clock, options: { smapi: fake.smapi, skillId: SKILL, clock } };
}

const manifestStatus = (status: string | undefined, extra: { eTag?: string; errors?: object[]; warnings?: object[] } = {}) => ({
  manifest: {
    lastUpdateRequest: { ...(status !== undefined && { status }), ...(extra.errors && { errors: extra.errors }), ...(extra.warnings && { warnings: extra.warnings }) },
    ...(extra.eTag !== undefined && { eTag: extra.eTag }),
  },
});

describe("readManifestUpdateStatus and readModelBuildStatuses: every one of Amazon's problems reaches the caller", () => {
  it("reads the manifest's last update: status, errors with their codes, warnings and the applied ETag", async () => {
    const run = setUp([
      manifestStatus("FAILED", { eTag: "e1", errors: [{ code: "INVALID_TRIGGER", message: "The trigger setting is invalid" }, { message: "no code" }], warnings: [{ message: "a warning" }] }),
      {},
    ]);
    expect(await readManifestUpdateStatus(run.smapi, SKILL)).toEqual({
      status: "FAILED", errors: [{ code: "INVALID_TRIGGER", message: "The trigger setting is invalid" }, { message: "no code" }], warnings: [{ message: "a warning" }], eTag: "e1",
    });
    expect(run.callsTo("getSkillStatusV1")).toEqual([[SKILL, "manifest"]]);
    expect(await readManifestUpdateStatus(run.smapi, SKILL)).toEqual({ status: undefined, errors: [], warnings: [] });
  });

  it("reads each locale's build in the order asked, with the errors of the request and of its failed steps, each once", async () => {
    const run = setUp([
      {
        interactionModel: {
          "en-US": { lastUpdateRequest: { status: "SUCCEEDED", warnings: [{ message: "sample overlaps" }] }, version: "4" },
          "en-GB": {
            lastUpdateRequest: {
              status: "FAILED",
              errors: [{ code: "BUILD_FAILED", message: "Slot type missing" }],
              buildDetails: { steps: [{ stepName: "LANGUAGE_MODEL_FULL_BUILD", errors: [{ code: "BUILD_FAILED", message: "Slot type missing" }, { code: "OTHER", message: "Slot type missing" }, { message: "step only" }] }, { stepName: "DIALOG" }] },
            },
          },
        },
      },
    ]);
    expect(await readModelBuildStatuses(run.smapi, SKILL, ["en-GB", "fr-FR", "en-US"])).toEqual([
      { locale: "en-GB", status: "FAILED", errors: [{ code: "BUILD_FAILED", message: "Slot type missing" }, { code: "OTHER", message: "Slot type missing" }, { message: "step only" }], warnings: [] },
      { locale: "fr-FR", status: undefined, errors: [], warnings: [] },
      { locale: "en-US", status: "SUCCEEDED", errors: [], warnings: [{ message: "sample overlaps" }], version: "4" },
    ]);
    expect(run.callsTo("getSkillStatusV1")).toEqual([[SKILL, "interactionModel"]]);
    // A status without any model (a skill whose models were never uploaded): every locale is unreported, still building.
    const none = setUp([{}]);
    expect((await readModelBuildStatuses(none.smapi, SKILL, ["en-US"])).map((b) => b.status)).toEqual([undefined]);
  });

  it("a status that cannot be read is explained and thrown, not taken for a finished update", async () => {
    const run = setUp([serviceError(403)]);
    const error = await waitForManifestUpdate({ ...run.options, timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).exitCode).toBe(ExitCode.Usage);
  });
});

describe("waitForModelBuilds: finished only when every locale has succeeded or failed", () => {
  it("keeps waiting while any locale builds or is not reported, and takes FAILED as finished", async () => {
    const model = (us: string | undefined, gb: string | undefined) => ({
      interactionModel: Object.fromEntries(Object.entries({ "en-US": us, "en-GB": gb }).filter(([, s]) => s !== undefined).map(([l, s]) => [l, { lastUpdateRequest: { status: s } }])),
    });
    const run = setUp([model("SUCCEEDED", undefined), model("SUCCEEDED", "IN_PROGRESS"), model("SUCCEEDED", "FAILED")]);
    const output = recordingOutput();
    const result = await waitForModelBuilds({ ...run.options, output, locales: ["en-US", "en-GB"], timeoutMs: 60_000 });
    expect(result.finished).toBe(true);
    expect(result.value.map((b) => b.status)).toEqual(["SUCCEEDED", "FAILED"]);
    expect(run.callsTo("getSkillStatusV1")).toHaveLength(3);
    expect(result.elapsedMs).toBe(run.clock.sleeps.reduce((a, b) => a + b, 0));
    expect(output.lines.filter((l) => l.kind === "progress").length).toBeGreaterThan(0);
  });

  it("at the time limit says it did not finish, with the last statuses read", async () => {
    const run = setUp([{ interactionModel: { "en-US": { lastUpdateRequest: { status: "IN_PROGRESS" } } } }]);
    const result = await waitForModelBuilds({ ...run.options, locales: ["en-US"], timeoutMs: 30_000 });
    expect(result).toMatchObject({ finished: false, elapsedMs: 30_000, value: [{ locale: "en-US", status: "IN_PROGRESS" }] });
  });

  it("polls from 500 ms backing off to at most 10 s unless told otherwise, so a long build does not hammer SMAPI", async () => {
    const building = [{ interactionModel: { "en-US": { lastUpdateRequest: { status: "IN_PROGRESS" } } } }];
    const run = setUp(building);
    await waitForModelBuilds({ ...run.options, locales: ["en-US"], timeoutMs: 120_000 });
    expect(run.clock.sleeps[0]).toBe(500);
    expect(Math.max(...run.clock.sleeps)).toBe(10_000);
    const paced = setUp(building);
    await waitForModelBuilds({ ...paced.options, locales: ["en-US"], timeoutMs: 120_000, initialDelayMs: 2000, maxDelayMs: 3000 });
    expect(paced.clock.sleeps.slice(0, 3)).toEqual([2000, 3000, 3000]);
  });

  it("describeBuilds groups the locales building (unreported included), succeeded and failed, leaving out empty groups", () => {
    const b = (locale: string, status: "SUCCEEDED" | "FAILED" | "IN_PROGRESS" | undefined) => ({ locale, status, errors: [], warnings: [] });
    expect(describeBuilds([b("en-US", "SUCCEEDED"), b("fr-FR", undefined), b("en-GB", "FAILED"), b("de-DE", "IN_PROGRESS"), b("en-CA", "SUCCEEDED")])).toBe(
      "building fr-FR, de-DE; succeeded en-US, en-CA; failed en-GB",
    );
    expect(describeBuilds([b("en-US", "FAILED")])).toBe("failed en-US");
    expect(describeBuilds([])).toBe("");
  });
});

describe("sameETag: ETags compared as opaque values", () => {
  it("ignores quotes, a weak marker and surrounding space, and nothing else", () => {
    expect(sameETag('"abc"', "abc")).toBe(true);
    expect(sameETag('W/"abc"', '"abc"')).toBe(true);
    expect(sameETag(" abc ", "abc")).toBe(true);
    expect(sameETag("abc", "abd")).toBe(false);
    expect(sameETag('"abc', "abc")).toBe(false);
    // Only quotes around the whole value and a weak marker in front are ignored, not the same characters elsewhere.
    expect(sameETag('"aW/b"', "ab")).toBe(false);
    expect(sameETag('x"abc"', "xabc")).toBe(false);
    expect(sameETag('"abc"x', "abcx")).toBe(false);
    expect(sameETag("abc", undefined)).toBe(false);
    expect(sameETag(undefined, "abc")).toBe(false);
    expect(sameETag(undefined, undefined)).toBe(false);
  });
});

describe("waitForManifestUpdate: our update, not an earlier one's status", () => {
  it("without `ours`, waits while the update is in progress or not reported, and returns the first finished status", async () => {
    const run = setUp([manifestStatus(undefined), manifestStatus("IN_PROGRESS"), manifestStatus("FAILED", { errors: [{ message: "bad" }] })]);
    const result = await waitForManifestUpdate({ ...run.options, timeoutMs: 60_000 });
    expect(result).toMatchObject({ finished: true, value: { status: "FAILED", errors: [{ message: "bad" }] } });
    expect(run.callsTo("getSkillStatusV1")).toHaveLength(3);
  });

  it("a SUCCEEDED status still carrying the replaced ETag (however quoted), or no ETag, is an earlier update's: it waits for a new ETag", async () => {
    const run = setUp([manifestStatus("SUCCEEDED", { eTag: '"e1"' }), manifestStatus("SUCCEEDED"), manifestStatus("SUCCEEDED", { eTag: "e2" })]);
    const output = recordingOutput();
    const result = await waitForManifestUpdate({ ...run.options, output, timeoutMs: 60_000, ours: { replacedETag: "e1" } });
    expect(result).toMatchObject({ finished: true, value: { status: "SUCCEEDED", eTag: "e2" } });
    expect(run.callsTo("getSkillStatusV1")).toHaveLength(3);
  });

  it("a status exactly as read before ours is an earlier update's; one that differs (errors, ETag or status) is ours", async () => {
    const before: ManifestUpdateStatus = { status: "FAILED", errors: [{ message: "old failure" }], warnings: [], eTag: "e0" };
    const ours = { replacedETag: "e0", before };
    const same = manifestStatus("FAILED", { eTag: "e0", errors: [{ message: "old failure" }] });
    const cases: Array<[string, object, number]> = [
      ["other errors", manifestStatus("FAILED", { eTag: "e0", errors: [{ message: "new failure" }] }), 2],
      ["another ETag", manifestStatus("FAILED", { eTag: "e9", errors: [{ message: "old failure" }] }), 2],
      ["succeeded with a new ETag", manifestStatus("SUCCEEDED", { eTag: "e1" }), 2],
    ];
    for (const [name, next, reads] of cases) {
      const run = setUp([same, next]);
      const result = await waitForManifestUpdate({ ...run.options, timeoutMs: 60_000, ours });
      expect([name, result.finished, run.callsTo("getSkillStatusV1").length]).toEqual([name, true, reads]);
    }
    // A failure that is not the one read before is ours at once.
    const fresh = setUp([manifestStatus("FAILED", { eTag: "e0", errors: [{ message: "new failure" }] })]);
    await waitForManifestUpdate({ ...fresh.options, timeoutMs: 60_000, ours });
    expect(fresh.callsTo("getSkillStatusV1")).toHaveLength(1);
    // Only the status differs from the one read before: ours.
    const succeededBefore: ManifestUpdateStatus = { status: "SUCCEEDED", errors: [], warnings: [], eTag: "e0" };
    const flipped = setUp([manifestStatus("FAILED", { eTag: "e0", errors: [] })]);
    await waitForManifestUpdate({ ...flipped.options, timeoutMs: 60_000, ours: { replacedETag: "e0", before: succeededBefore } });
    expect(flipped.callsTo("getSkillStatusV1")).toHaveLength(1);
    // Without a status read before, a failure is ours at once too.
    const unread = setUp([same]);
    await waitForManifestUpdate({ ...unread.options, timeoutMs: 60_000, ours: { replacedETag: "e0" } });
    expect(unread.callsTo("getSkillStatusV1")).toHaveLength(1);
  });

  it(`an earlier-looking status is taken for ours after ${LAGGING_STATUS_READS} reads by default, or the number asked`, async () => {
    const stale = [manifestStatus("SUCCEEDED", { eTag: "e1" })];
    const byDefault = setUp(stale);
    const result = await waitForManifestUpdate({ ...byDefault.options, timeoutMs: 600_000, ours: { replacedETag: "e1" } });
    expect(result).toMatchObject({ finished: true, value: { status: "SUCCEEDED", eTag: "e1" } });
    expect(byDefault.callsTo("getSkillStatusV1")).toHaveLength(LAGGING_STATUS_READS + 1);
    const two = setUp(stale);
    await waitForManifestUpdate({ ...two.options, timeoutMs: 600_000, ours: { replacedETag: "e1", lagReads: 2 } });
    expect(two.callsTo("getSkillStatusV1")).toHaveLength(3);
  });

  it("at the time limit says it did not finish, with the last status read and the time waited", async () => {
    const run = setUp([manifestStatus("IN_PROGRESS", { eTag: "e1" })]);
    const result = await waitForManifestUpdate({ ...run.options, timeoutMs: 20_000 });
    expect(result).toEqual({ finished: false, elapsedMs: 20_000, value: { status: "IN_PROGRESS", errors: [], warnings: [], eTag: "e1" } });
    // Also while a status still looks like an earlier update's: the caller gets that status to report.
    const lagging = setUp([manifestStatus("SUCCEEDED", { eTag: "e1" })]);
    const stale = await waitForManifestUpdate({ ...lagging.options, timeoutMs: 20_000, ours: { replacedETag: "e1", lagReads: 1000 } });
    expect(stale).toEqual({ finished: false, elapsedMs: 20_000, value: { status: "SUCCEEDED", errors: [], warnings: [], eTag: "e1" } });
  });
});
