import { ExitCode, PipelineError } from "../../lib/errors";
import {
  confirmReviewLock,
  describeCertification,
  findCertificationInProgress,
  latestCertification,
  listCertifications,
} from "../../lib/smapi/certification";
import type { CertificationRecord } from "../../lib/emulators/smapi/state";
import type { ReleaseWorld } from "../../lib/emulators/release-world";
import { failure, within } from "../helpers/release-run";

/**
 * lib/smapi/certification.ts: whether a review is in progress decides
 * whether flip and the development-stage writes may go on (a review locks the
 * development stage). These are the decisions mutation testing found
 * unobserved: paging, the answers that must not read as "never submitted",
 * which certification is the one in review or the latest, and when a 403 is
 * the review lock.
 */

function certification(n: number, status: CertificationRecord["status"], submittedAt: string): CertificationRecord {
  return {
    id: `amzn1.ask.certification.${n}`,
    status,
    publicationMethod: "MANUAL_PUBLISHING",
    version: "1",
    submittedAt,
    estimatedCompletionAt: "2026-03-05T00:00:00.000Z",
    lastUpdated: submittedAt,
  };
}

/** `count` past reviews; the emulator lists newest first, 50 a page. */
function seedHistory(world: ReleaseWorld, count: number): void {
  for (let n = 0; n < count; n++) {
    world.smapiEmu.state.certifications.push(certification(n, "FAILED", new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString()));
  }
}

const skillIdOf = (world: ReleaseWorld) => world.config.skill.id;

/** A development-stage write refused with 403, as ask-smapi-sdk throws it. */
async function refusedWrite(world: ReleaseWorld, message: string): Promise<unknown> {
  world.smapiEmu.faults.failNext("updateSkillManifestV1", { status: 403, message });
  return world.smapi.updateSkillManifestV1(skillIdOf(world), "development", { manifest: {} } as never).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("listCertifications", () => {
  it("reads every page, so a review listed after the first page is found", () =>
    within({}, async (world) => {
      world.smapiEmu.state.certifications.push(certification(999, "IN_PROGRESS", "2024-06-01T00:00:00.000Z"));
      seedHistory(world, 60);
      const all = await listCertifications(world.smapi, skillIdOf(world));
      expect(all).toHaveLength(61);
      expect(await findCertificationInProgress(world.smapi, skillIdOf(world))).toMatchObject({ id: "amzn1.ask.certification.999" });
    }));

  it("is empty for a skill never submitted (404), and explains any other failure", () =>
    within({}, async (world) => {
      world.smapiEmu.faults.failNext("getCertificationsListV1", { status: 404, message: "No certifications" });
      expect(await listCertifications(world.smapi, skillIdOf(world))).toEqual([]);
      world.smapiEmu.faults.failNext("getCertificationsListV1", { status: 400, message: "Bad request" });
      const error = await failure(listCertifications(world.smapi, skillIdOf(world)));
      expect(error.message).toContain("listing the skill's certifications");
      expect(error.message).toContain("Bad request");
    }));

  it("refuses an answer whose items are not a list instead of reading it as never submitted", () =>
    within({}, async (world) => {
      world.smapiEmu.faults.failNext("getCertificationsListV1", { status: 200, body: { items: { id: "x" }, isTruncated: false } });
      const error = await failure(listCertifications(world.smapi, skillIdOf(world)));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(error.message).toMatch(/unexpected shape \(items is object, not a list\)/);
    }));

  it("stops at a truncated page without a next token, and after 20 pages of a token that loops", () =>
    within({}, async (world) => {
      const listCalls = () => world.smapiEmu.calls.filter((c) => c.operation === "getCertificationsListV1").length;
      const item = { id: "c1", status: "FAILED", skillSubmissionTimestamp: "2026-01-01T00:00:00Z" };
      world.smapiEmu.faults.failNext("getCertificationsListV1", { status: 200, body: { items: [item], isTruncated: true } });
      expect(await listCertifications(world.smapi, skillIdOf(world))).toEqual([item]);
      expect(listCalls()).toBe(1);

      world.smapiEmu.faults.failNext("getCertificationsListV1", { status: 200, body: { items: [], isTruncated: true, nextToken: "again" }, times: 25 });
      await listCertifications(world.smapi, skillIdOf(world));
      expect(listCalls()).toBe(1 + 20);
    }));

  it("takes an answer without items as no certification", () =>
    within({}, async (world) => {
      world.smapiEmu.faults.failNext("getCertificationsListV1", { status: 200, body: { isTruncated: false } });
      expect(await listCertifications(world.smapi, skillIdOf(world))).toEqual([]);
    }));
});

describe("findCertificationInProgress and latestCertification", () => {
  it("finds only the review in progress, with its dates", () =>
    within({}, async (world) => {
      seedHistory(world, 2);
      expect(await findCertificationInProgress(world.smapi, skillIdOf(world))).toBeUndefined();
      world.smapiEmu.state.certifications.push(certification(7, "IN_PROGRESS", "2026-03-02T15:00:00.000Z"));
      expect(await findCertificationInProgress(world.smapi, skillIdOf(world))).toStrictEqual({
        id: "amzn1.ask.certification.7",
        submittedAt: "2026-03-02T15:00:00.000Z",
        estimatedCompletionAt: "2026-03-05T00:00:00.000Z",
      });
    }));

  it("reports a review without dates as such, and ignores entries without an ID", () =>
    within({}, async (world) => {
      world.smapiEmu.faults.failNext("getCertificationsListV1", { status: 200, body: { items: [{ id: "c1", status: "IN_PROGRESS" }], isTruncated: false } });
      expect(await findCertificationInProgress(world.smapi, skillIdOf(world))).toStrictEqual({ id: "c1" });
      world.smapiEmu.faults.failNext("getCertificationsListV1", {
        status: 200,
        body: { items: [{ status: "SUCCEEDED", skillSubmissionTimestamp: "2026-03-01T00:00:00Z" }, { id: "c1", status: "FAILED", skillSubmissionTimestamp: "2026-01-01T00:00:00Z" }], isTruncated: false },
      });
      expect((await latestCertification(world.smapi, skillIdOf(world)))?.id).toBe("c1");
    }));

  it("takes the most recently submitted certification as the latest, whatever the listing order", () =>
    within({}, async (world) => {
      // The emulator lists newest first; pushed out of order, the newest submission is in the middle of the list.
      world.smapiEmu.state.certifications.push(certification(1, "FAILED", "2026-01-01T00:00:00.000Z"));
      world.smapiEmu.state.certifications.push(certification(2, "SUCCEEDED", "2026-03-01T00:00:00.000Z"));
      world.smapiEmu.state.certifications.push(certification(3, "FAILED", "2026-02-01T00:00:00.000Z"));
      expect((await latestCertification(world.smapi, skillIdOf(world)))?.id).toBe("amzn1.ask.certification.2");
    }));

  it("describes a certification with and without its dates", () => {
    expect(describeCertification({ id: "c1", submittedAt: "2026-03-02T15:00:00Z", estimatedCompletionAt: "2026-03-05T00:00:00Z" })).toBe(
      "certification c1 (submitted 2026-03-02T15:00:00Z, review expected to end by 2026-03-05T00:00:00Z)",
    );
    expect(describeCertification({ id: "c1" })).toBe("certification c1 (submission time not reported)");
  });
});

describe("confirmReviewLock", () => {
  const context = { action: "updating the development manifest" };

  it("is the lock when a review is in progress, whatever the 403 says", () =>
    within({}, async (world) => {
      world.smapiEmu.state.certifications.push(certification(7, "IN_PROGRESS", "2026-03-02T15:00:00.000Z"));
      const error = await refusedWrite(world, "Forbidden");
      await expect(confirmReviewLock(world.smapi, skillIdOf(world), error, { ...context, skillId: skillIdOf(world) })).resolves.toMatchObject({ id: "amzn1.ask.certification.7" });
    }));

  it("is not the lock without a review in progress, even when the 403 talks of one (exit 1, Amazon's message)", () =>
    within({}, async (world) => {
      const error = await refusedWrite(world, "The skill is in certification review.");
      const thrown = await failure(confirmReviewLock(world.smapi, skillIdOf(world), error, context));
      expect(thrown.exitCode).toBe(ExitCode.Failed);
      expect(thrown.message).toMatch(/^SMAPI refused updating the development manifest \(403: The skill is in certification review\.\), but lists no certification in progress/);
    }));

  it("passes any other 403 on as its explained failure, and never looks for a review on another status", () =>
    within({}, async (world) => {
      const forbidden = await refusedWrite(world, "Access denied to this vendor");
      const thrown = await failure(confirmReviewLock(world.smapi, skillIdOf(world), forbidden, context));
      expect(thrown.message).not.toContain("lists no certification in progress");
      expect(thrown.exitCode).toBe(ExitCode.Usage);

      world.smapiEmu.state.certifications.push(certification(7, "IN_PROGRESS", "2026-03-02T15:00:00.000Z"));
      world.smapiEmu.faults.failNext("updateSkillManifestV1", { status: 400, message: "Invalid manifest" });
      const badRequest = await world.smapi.updateSkillManifestV1(skillIdOf(world), "development", { manifest: {} } as never).then(
        () => undefined,
        (e: unknown) => e,
      );
      const before = world.smapiEmu.calls.length;
      const explained = await failure(confirmReviewLock(world.smapi, skillIdOf(world), badRequest, context));
      expect(explained).toBeInstanceOf(PipelineError);
      expect(explained.message).toContain("Invalid manifest");
      expect(world.smapiEmu.calls.slice(before)).toEqual([]);
    }));
});
