import { ExitCode } from "../../lib/errors";
import { DryRunPlan } from "../../lib/dry-run";
import { recordingOutput } from "../../lib/output";
import { testEnvironment } from "../../lib/emulators/example-config";
import { PUBLICATION_TIMEOUT_MS, publishCertified, readCertification, submitForCertification, type CertifyDeps } from "../../lib/release/steps/certify";
import { runSkillValidations, VALIDATION_TIMEOUT_MS } from "../../lib/release/steps/validate-skill";
import { fakeClock } from "../helpers/fake-clock";
import { failure, fakeSmapi, serviceError, type Scripted } from "../helpers/smapi-fake";

/**
 * lib/release/steps/certify.ts and validate-skill.ts, the SMAPI side of submit
 * and finish. Which review a submission started decides what flip and finish
 * later refuse (invariant 2), so its id must come from the submission itself
 * or from the review SMAPI lists in progress, never be guessed; a publication
 * counts only when Amazon says SUCCEEDED (an answer without a status is still
 * under way); Amazon's validations must pass before anything is submitted,
 * with only their FAILED items reported. Under --dry-run none of it is called
 * (invariant 6).
 */

function setUp(script: Record<string, Scripted[]>, options: { dryRun?: DryRunPlan; locales?: string[] } = {}) {
  const fake = fakeSmapi(script);
  const clock = fakeClock();
  const output = recordingOutput();
  const config = testEnvironment((input) => {
    if (options.locales) input.skill.locales = options.locales;
  });
  const deps: CertifyDeps = { smapi: fake.smapi, config, output, clock, ...(options.dryRun ? { dryRun: options.dryRun } : {}) };
  return { ...fake, clock, output, deps, skillId: config.skill.id };
}

const SUBMIT = { publicationMethod: "MANUAL_PUBLISHING" as const, versionMessage: "Release on green" };
const submitted = (headers: Array<{ key: string; value: string }>) => ({ headers, statusCode: 202 });
const inReview = { items: [{ id: "cert-old", status: "FAILED" }, { id: "cert-listed", status: "IN_PROGRESS" }], isTruncated: false };

describe("submitForCertification: the review's id comes from Amazon, never a guess", () => {
  it("takes the id from the Location header (either spelling), decoded, without listing reviews", async () => {
    for (const [key, value] of [["Location", "/v1/skills/s/certifications/amzn1.ask.certification%2B1"], ["location", "/v1/skills/s/certifications/amzn1.ask.certification%2B1/"]]) {
      const run = setUp({ callSubmitSkillForCertificationV1: [submitted([{ key: key!, value: value! }])], getCertificationsListV1: [inReview] });
      expect(await submitForCertification(run.deps, SUBMIT)).toEqual({ outcome: "submitted", certificationId: "amzn1.ask.certification+1" });
      expect(run.callsTo("getCertificationsListV1")).toEqual([]);
      expect(run.callsTo("callSubmitSkillForCertificationV1")).toEqual([[run.skillId, { publicationMethod: "MANUAL_PUBLISHING", versionMessage: "Release on green" }]]);
    }
  });

  it("without a Location naming a certification, takes the review SMAPI lists in progress", async () => {
    for (const headers of [[], [{ key: "Location", value: "/v1/skills/s/status" }], [{ key: "Location", value: "/" }]]) {
      const run = setUp({ callSubmitSkillForCertificationV1: [submitted(headers)], getCertificationsListV1: [inReview] });
      expect(await submitForCertification(run.deps, SUBMIT)).toEqual({ outcome: "submitted", certificationId: "cert-listed" });
    }
  });

  it("fails when no review is in progress after submitting, and explains a listing that fails", async () => {
    const none = setUp({ callSubmitSkillForCertificationV1: [submitted([])], getCertificationsListV1: [{ items: [{ id: "cert-old", status: "FAILED" }] }] });
    expect((await failure(submitForCertification(none.deps, SUBMIT))).exitCode).toBe(ExitCode.Failed);
    const denied = setUp({ callSubmitSkillForCertificationV1: [submitted([])], getCertificationsListV1: [serviceError(403)] });
    expect((await failure(submitForCertification(denied.deps, SUBMIT))).exitCode).toBe(ExitCode.Usage);
  });

  it("a refused submission is explained (403 in review: exit 2 or 3 by SMAPI's words), and --dry-run submits nothing", async () => {
    const refused = setUp({ callSubmitSkillForCertificationV1: [serviceError(400, "Privacy policy missing")] });
    const error = await failure(submitForCertification(refused.deps, SUBMIT));
    expect(error.exitCode).toBe(ExitCode.Failed);
    expect(error.message).toContain("Privacy policy missing");

    const plan = new DryRunPlan();
    const dry = setUp({}, { dryRun: plan });
    expect(await submitForCertification(dry.deps, SUBMIT)).toEqual({ outcome: "planned" });
    expect(plan.calls).toHaveLength(1);
    expect(dry.calls).toEqual([]);
  });
});

describe("readCertification: a review as SMAPI reports it", () => {
  it("copies what SMAPI gives, and reads a review without a status as still in progress", async () => {
    const full = {
      id: "cert-1", status: "SUCCEEDED", skillSubmissionTimestamp: "2026-03-02T15:00:00Z",
      reviewTrackingInfo: { estimatedCompletionTimestamp: "2026-03-05T15:00:00Z", actualCompletionTimestamp: "2026-03-03T10:00:00Z" },
      result: { distributionInfo: { publishedCountries: ["US", "CA"] } },
    };
    const run = setUp({ getCertificationReviewV1: [full, {}, { id: "cert-3", status: "FAILED", result: {} }] });
    expect(await readCertification(run.deps, "cert-1")).toEqual({
      id: "cert-1", status: "SUCCEEDED", submittedAt: "2026-03-02T15:00:00Z", estimatedCompletionAt: "2026-03-05T15:00:00Z", completedAt: "2026-03-03T10:00:00Z", publishedCountries: ["US", "CA"],
    });
    expect(run.callsTo("getCertificationReviewV1")).toEqual([[run.skillId, "cert-1"]]);
    expect(await readCertification(run.deps, "cert-2")).toEqual({ id: "cert-2", status: "IN_PROGRESS" });
    expect(await readCertification(run.deps, "cert-3")).toEqual({ id: "cert-3", status: "FAILED" });
  });
});

describe("publishCertified: published only when Amazon says SUCCEEDED", () => {
  it("publishes in the first locale's language and waits through IN_PROGRESS, SCHEDULED and answers without a status", async () => {
    const run = setUp({ publishSkillV1: [undefined], getSkillPublicationsV1: [{ status: "IN_PROGRESS" }, {}, { status: "SCHEDULED" }, { status: "SUCCEEDED" }] }, { locales: ["en-GB", "en-US"] });
    expect(await publishCertified(run.deps)).toEqual({ outcome: "published", status: "SUCCEEDED" });
    expect(run.callsTo("publishSkillV1")).toEqual([[run.skillId, "en-GB"]]);
    expect(run.callsTo("getSkillPublicationsV1")).toHaveLength(4);
    expect(run.callsTo("getSkillPublicationsV1")[0]).toEqual([run.skillId, "en-GB"]);
  });

  it("a publication that ends otherwise is a failure; one that never ends stops at the time limit (30 minutes, or the one asked)", async () => {
    const failed = setUp({ publishSkillV1: [undefined], getSkillPublicationsV1: [{ status: "FAILED" }] });
    expect((await failure(publishCertified(failed.deps))).exitCode).toBe(ExitCode.Failed);

    const stuck = setUp({ publishSkillV1: [undefined], getSkillPublicationsV1: [{}] });
    const t0 = stuck.clock.now();
    expect((await failure(publishCertified(stuck.deps))).exitCode).toBe(ExitCode.Failed);
    expect(stuck.clock.now() - t0).toBe(PUBLICATION_TIMEOUT_MS);
    const short = setUp({ publishSkillV1: [undefined], getSkillPublicationsV1: [{ status: "IN_PROGRESS" }] });
    const t1 = short.clock.now();
    await failure(publishCertified(short.deps, { timeoutMs: 9000 }));
    expect(short.clock.now() - t1).toBe(9000);
  });

  it("a refused publication is explained and not waited for; --dry-run publishes nothing", async () => {
    const refused = setUp({ publishSkillV1: [serviceError(403, "Nothing certified")], getSkillPublicationsV1: [{ status: "SUCCEEDED" }] });
    expect((await failure(publishCertified(refused.deps))).exitCode).toBe(ExitCode.Usage);
    expect(refused.callsTo("getSkillPublicationsV1")).toEqual([]);

    const plan = new DryRunPlan();
    const dry = setUp({}, { dryRun: plan });
    expect(await publishCertified(dry.deps)).toEqual({ outcome: "planned" });
    expect(plan.calls).toHaveLength(1);
    expect(dry.calls).toEqual([]);
  });
});

const validation = (status: string, extra: object = {}) => ({ title: "Privacy policy", status, ...extra });

describe("runSkillValidations: nothing is submitted unless Amazon's validations pass", () => {
  it("validates every configured locale on the development stage, waits, and passes with only the FAILED items as warnings", async () => {
    const run = setUp(
      {
        submitSkillValidationV1: [{ id: "val-1", status: "IN_PROGRESS" }],
        getSkillValidationsV1: [
          { id: "val-1", status: "IN_PROGRESS" },
          {
            id: "val-1", status: "SUCCESSFUL",
            result: { validations: [validation("SUCCESSFUL", { title: "Endpoint" }), validation("FAILED", { title: "Example phrases", locale: "en-GB", description: "Add one.", importance: "RECOMMENDED" })] },
          },
        ],
      },
      { locales: ["en-US", "en-GB"] },
    );
    expect(await runSkillValidations(run.deps)).toEqual({
      outcome: "passed", id: "val-1", locales: ["en-US", "en-GB"], warnings: [{ title: "Example phrases", locale: "en-GB", description: "Add one.", importance: "RECOMMENDED" }],
    });
    expect(run.callsTo("submitSkillValidationV1")).toEqual([[{ locales: ["en-US", "en-GB"] }, run.skillId, "development"]]);
    expect(run.callsTo("getSkillValidationsV1")).toEqual([[run.skillId, "val-1", "development"], [run.skillId, "val-1", "development"]]);
    expect(run.output.lines.filter((l) => l.kind === "warn")).toHaveLength(1);
  });

  it("anything but SUCCESSFUL fails (exit 1) with each failed item and Amazon's own error, not the passed ones", async () => {
    const run = setUp({
      submitSkillValidationV1: [{ id: "val-1" }],
      getSkillValidationsV1: [{ id: "val-1", status: "FAILED", result: { validations: [validation("FAILED", { title: "Privacy policy" }), validation("SUCCESSFUL", { title: "Endpoint answers" })], error: { message: "Amazon's own reason" } } }],
    });
    const error = await failure(runSkillValidations(run.deps));
    expect(error.exitCode).toBe(ExitCode.Failed);
    expect(error.message).toContain("Privacy policy");
    expect(error.message).toContain("Amazon's own reason");
    expect(error.message).not.toContain("Endpoint answers");

    // No status at all is not a pass either.
    const bare = setUp({ submitSkillValidationV1: [{ id: "val-1" }], getSkillValidationsV1: [{ id: "val-1" }] });
    expect((await failure(runSkillValidations(bare.deps))).exitCode).toBe(ExitCode.Failed);
  });

  it("validations started without an id fail without polling; ones that never end stop at the time limit (15 minutes, or the one asked)", async () => {
    const noId = setUp({ submitSkillValidationV1: [{ status: "IN_PROGRESS" }], getSkillValidationsV1: [{ status: "SUCCESSFUL" }] });
    expect((await failure(runSkillValidations(noId.deps))).exitCode).toBe(ExitCode.Failed);
    expect(noId.callsTo("getSkillValidationsV1")).toEqual([]);

    const stuck = setUp({ submitSkillValidationV1: [{ id: "val-1" }], getSkillValidationsV1: [{ id: "val-1", status: "IN_PROGRESS" }] });
    const t0 = stuck.clock.now();
    expect((await failure(runSkillValidations(stuck.deps))).exitCode).toBe(ExitCode.Failed);
    expect(stuck.clock.now() - t0).toBe(VALIDATION_TIMEOUT_MS);
    const short = setUp({ submitSkillValidationV1: [{ id: "val-1" }], getSkillValidationsV1: [{ id: "val-1", status: "IN_PROGRESS" }] });
    const t1 = short.clock.now();
    await failure(runSkillValidations(short.deps, { timeoutMs: 4000 }));
    expect(short.clock.now() - t1).toBe(4000);
  });

  it("waits out another validation (409), gives up after four, and explains any other refusal at once", async () => {
    const busy = setUp({ submitSkillValidationV1: [serviceError(409), { id: "val-1" }], getSkillValidationsV1: [{ id: "val-1", status: "SUCCESSFUL" }] });
    expect(await runSkillValidations(busy.deps)).toMatchObject({ outcome: "passed" });
    expect(busy.callsTo("submitSkillValidationV1")).toHaveLength(2);

    const always = setUp({ submitSkillValidationV1: [serviceError(409)] });
    expect((await failure(runSkillValidations(always.deps))).exitCode).toBe(ExitCode.Failed);
    expect(always.callsTo("submitSkillValidationV1")).toHaveLength(4);

    const denied = setUp({ submitSkillValidationV1: [serviceError(403)] });
    expect((await failure(runSkillValidations(denied.deps))).exitCode).toBe(ExitCode.Usage);
    expect(denied.callsTo("submitSkillValidationV1")).toHaveLength(1);
  });

  it("under --dry-run runs nothing and passes nothing", async () => {
    const plan = new DryRunPlan();
    const dry = setUp({}, { dryRun: plan });
    expect(await runSkillValidations(dry.deps)).toEqual({ outcome: "planned", locales: ["en-US"], warnings: [] });
    expect(plan.calls).toHaveLength(1);
    expect(dry.calls).toEqual([]);
  });
});
