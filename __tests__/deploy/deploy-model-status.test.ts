/**
 * The SMAPI status and certification helpers that deploy:model uses and later
 * commands (flip, submit, finish) reuse, on the real ask-smapi-sdk through
 * createSmapiClient, against the emulator on a shared fake clock.
 */
import type { v1 } from "ask-smapi-model";
import { ResilientApiClient } from "../../lib/smapi/api-client";
import { describeCertification, findCertificationInProgress } from "../../lib/smapi/certification";
import { createSmapiClient, type SmapiClient } from "../../lib/smapi/client";
import { describeBuilds, waitForManifestUpdate, waitForModelBuilds } from "../../lib/smapi/skill-status";
import { recordingOutput } from "../../lib/output";
import { DEFAULT_FUNCTION_ARN, type SmapiEmulator, type SmapiEmulatorOptions, fixtureManifest, startSmapiEmulator } from "../../lib/emulators/smapi/index";
import { fakeClock } from "../helpers/fake-clock";

const BLUE = `${DEFAULT_FUNCTION_ARN}:blue`;

let emu: SmapiEmulator;
let clock: ReturnType<typeof fakeClock>;
let smapi: SmapiClient;

async function start(options: SmapiEmulatorOptions = {}): Promise<void> {
  clock = fakeClock(Date.parse("2026-03-02T15:00:00Z"));
  emu = await startSmapiEmulator({ now: clock.now, ...options });
  smapi = createSmapiClient({
    credentials: { kind: "refresh-token", ...emu.credentials },
    endpoints: { apiEndpoint: emu.url, authEndpoint: emu.url },
    apiClient: new ResilientApiClient({ clock }),
  });
}

afterEach(async () => {
  emu.assertNoSpecViolations();
  await emu.close();
});

const manifestWith = (uri: string) => fixtureManifest(uri) as v1.skill.Manifest.SkillManifestEnvelope;

describe("waitForManifestUpdate", () => {
  it("returns SUCCEEDED and the new ETag once the update is applied", async () => {
    await start({ timings: { manifestUpdateMs: 3000 } });
    await smapi.updateSkillManifestV1(emu.skillId, "development", manifestWith(BLUE));
    const output = recordingOutput();
    const result = await waitForManifestUpdate({ smapi, skillId: emu.skillId, timeoutMs: 60_000, clock, output });
    expect(result).toMatchObject({ finished: true, value: { status: "SUCCEEDED", errors: [], eTag: emu.manifestETag("development") } });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(3000);
    expect(output.text()).toContain("waiting for the manifest update: in progress (0 s of 60 s)");
  });

  it("returns Amazon's errors of a failed update instead of throwing", async () => {
    await start({ lambdaPermissions: [DEFAULT_FUNCTION_ARN] });
    await smapi.updateSkillManifestV1(emu.skillId, "development", manifestWith(BLUE));
    const result = await waitForManifestUpdate({ smapi, skillId: emu.skillId, timeoutMs: 60_000, clock });
    expect(result.finished).toBe(true);
    expect(result.value.status).toBe("FAILED");
    expect(result.value.errors[0]?.message).toMatch(/^The trigger setting for the Lambda .*:blue is invalid/);
  });

  it("reports an unfinished update at the time limit", async () => {
    await start({ timings: { manifestUpdateMs: 3_600_000 } });
    await smapi.updateSkillManifestV1(emu.skillId, "development", manifestWith(BLUE));
    const result = await waitForManifestUpdate({ smapi, skillId: emu.skillId, timeoutMs: 10_000, clock });
    expect(result).toMatchObject({ finished: false, elapsedMs: 10_000, value: { status: "IN_PROGRESS" } });
  });
});

describe("waitForModelBuilds", () => {
  it("counts a locale SMAPI does not report as still building", async () => {
    await start();
    const result = await waitForModelBuilds({ smapi, skillId: emu.skillId, locales: ["en-US", "fr-FR"], timeoutMs: 5000, clock });
    expect(result.finished).toBe(false);
    expect(result.value.map((b) => [b.locale, b.status])).toEqual([
      ["en-US", "SUCCEEDED"],
      ["fr-FR", undefined],
    ]);
    expect(describeBuilds(result.value)).toBe("building fr-FR; succeeded en-US");
  });
});

describe("findCertificationInProgress", () => {
  it("finds nothing for a skill that is not in review, and the review in progress among finished ones", async () => {
    await start();
    expect(await findCertificationInProgress(smapi, emu.skillId)).toBeUndefined();
    await smapi.submitSkillForCertificationV1(emu.skillId);
    emu.failCertification();
    expect(await findCertificationInProgress(smapi, emu.skillId)).toBeUndefined();

    await smapi.submitSkillForCertificationV1(emu.skillId);
    const review = emu.latestCertification();
    const found = await findCertificationInProgress(smapi, emu.skillId);
    expect(found).toEqual({ id: review?.id, submittedAt: review?.submittedAt, estimatedCompletionAt: review?.estimatedCompletionAt });
    expect(describeCertification(found!)).toBe(
      `certification ${review?.id} (submitted 2026-03-02T15:00:00.000Z, review expected to end by 2026-03-05T15:00:00.000Z)`,
    );
  });
});
