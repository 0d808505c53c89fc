/**
 * The SMAPI + LWA emulator, driven by the real ask-smapi-sdk over loopback
 * HTTP. Every test also asserts that neither the SDK's requests nor the
 * emulator's answers broke Amazon's SMAPI spec.
 */
import { getValueFromHeader } from "ask-smapi-sdk";
import type { v1, v2 } from "ask-smapi-model";
import {
  DEFAULT_FUNCTION_ARN,
  type JsonObject,
  type SimulationContext,
  type SmapiClient,
  type SmapiEmulator,
  type SmapiEmulatorOptions,
  fixtureManifest,
  modelBuildError,
  failedValidation,
  smapiClient,
  startSmapiEmulator,
} from "../../lib/emulators/smapi/index";

const BLUE = `${DEFAULT_FUNCTION_ARN}:blue`;
const GREEN = `${DEFAULT_FUNCTION_ARN}:green`;

interface ServiceErrorShape {
  name: string;
  statusCode: number;
  response: { message?: string; error?: string; error_description?: string; violations?: { code?: string; message: string }[] };
  headers: { key: string; value: string }[];
}

async function serviceError(promise: Promise<unknown>): Promise<ServiceErrorShape> {
  try {
    await promise;
  } catch (err) {
    return err as ServiceErrorShape;
  }
  throw new Error("expected the SMAPI call to fail");
}

/** A manual clock, so asynchronous SMAPI work finishes exactly when a test says. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = Date.parse("2026-03-02T15:00:00Z");
  return { now: () => t, advance: (ms) => void (t += ms) };
}

function manifestWithEndpoint(uri: string, regions: Record<string, string> = {}): v1.skill.Manifest.SkillManifestEnvelope {
  const envelope = fixtureManifest(uri);
  const custom = ((envelope.manifest as JsonObject).apis as JsonObject).custom as JsonObject;
  if (Object.keys(regions).length > 0) {
    custom.regions = Object.fromEntries(Object.entries(regions).map(([region, u]) => [region, { endpoint: { uri: u } }]));
  }
  return envelope as v1.skill.Manifest.SkillManifestEnvelope;
}

function etag(headers: { key: string; value: string }[]): string {
  // Node lower-cases response header names, and getValueFromHeader matches case-sensitively.
  const [value] = getValueFromHeader(headers, "etag");
  if (!value) throw new Error("no ETag header");
  return value;
}

/** A skill that answers like Boston Info: a welcome on launch, an answer otherwise. */
function bostonInfo(ctx: SimulationContext): { response: JsonObject } {
  const request = ctx.request.request as { type: string; intent?: { name: string } };
  const text = request.type === "LaunchRequest" ? "Welcome to Boston Info." : `You asked ${request.intent?.name}.`;
  return { response: { version: "1.0", response: { outputSpeech: { type: "PlainText", text }, shouldEndSession: request.type !== "LaunchRequest" } } };
}

describe("SMAPI emulator with the real ask-smapi-sdk", () => {
  let emu: SmapiEmulator;
  let smapi: SmapiClient;
  let clock: ReturnType<typeof manualClock>;

  async function start(options: SmapiEmulatorOptions = {}): Promise<void> {
    await emu?.close();
    clock = manualClock();
    emu = await startSmapiEmulator({ now: clock.now, ...options });
    smapi = smapiClient(emu);
  }

  beforeEach(async () => {
    await start();
  });

  afterEach(async () => {
    emu.assertNoSpecViolations();
    await emu.close();
  });

  describe("LWA", () => {
    it("exchanges the refresh token once and reuses the access token", async () => {
      await smapi.getSkillManifestV1(emu.skillId, "development");
      await smapi.getSkillStatusV1(emu.skillId, "manifest");
      expect(emu.calls.map((c) => c.operation)).toEqual(["lwaToken", "getSkillManifestV1", "getSkillStatusV1"]);
    });

    it("answers invalid_grant for a revoked or expired refresh token", async () => {
      emu.lwa.revokeRefreshToken();
      const revoked = await serviceError(smapi.getSkillManifestV1(emu.skillId, "development"));
      expect(revoked.statusCode).toBe(400);
      expect(revoked.response).toEqual({ error: "invalid_grant", error_description: "The request has an invalid grant parameter : refresh_token" });

      const other = emu.lwa.issueRefreshToken();
      emu.lwa.expireRefreshToken(other);
      const expired = await serviceError(smapiClient(emu, { refreshToken: other }).getSkillManifestV1(emu.skillId, "development"));
      expect(expired.response.error).toBe("invalid_grant");
      expect(emu.callsTo("getSkillManifestV1")).toHaveLength(0);
    });

    it("answers invalid_client for a wrong client secret", async () => {
      const err = await serviceError(smapiClient(emu, { clientSecret: "wrong" }).getSkillManifestV1(emu.skillId, "development"));
      expect(err.statusCode).toBe(401);
      expect(err.response.error).toBe("invalid_client");
    });

    it("refuses SMAPI calls without a bearer token, with a bad one, and once the access token expired", async () => {
      const path = `${emu.url}/v1/skills/${emu.skillId}/stages/development/manifest`;
      expect((await fetch(path)).status).toBe(401);
      const bad = await fetch(path, { headers: { Authorization: "Bearer Atza|forged" } });
      expect(bad.status).toBe(401);
      expect(bad.headers.get("www-authenticate")).toMatch(/^Bearer/);

      await start({ lwa: { accessTokenTtlSeconds: 120 } });
      await smapi.getSkillManifestV1(emu.skillId, "development");
      clock.advance(121_000);
      // The SDK keeps its cached token (its own clock says it is still valid) and does not retry.
      const err = await serviceError(smapi.getSkillManifestV1(emu.skillId, "development"));
      expect(err.statusCode).toBe(401);
      expect(err.response.message).toBe("Token is invalid/expired");
    });
  });

  describe("manifest", () => {
    it("reads with an ETag, updates with If-Match, and reports the update through the status", async () => {
      const read = await smapi.callGetSkillManifestV1(emu.skillId, "development");
      const tag = etag(read.headers);
      expect(tag).toBe(emu.manifestETag("development"));
      expect((read.body as v1.skill.Manifest.SkillManifestEnvelope).manifest?.apis?.custom?.endpoint?.uri).toBe(DEFAULT_FUNCTION_ARN);

      const update = await smapi.callUpdateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(BLUE), tag);
      expect(update.statusCode).toBe(202);
      expect(getValueFromHeader(update.headers, "location")).toEqual([`/v1/skills/${emu.skillId}/status?resource=manifest`]);

      const during = await smapi.getSkillStatusV1(emu.skillId, "manifest");
      expect(during.manifest?.lastUpdateRequest?.status).toBe("IN_PROGRESS");
      expect(during.manifest?.eTag).toBe(tag);
      // While the update is applied, a read is sent to the status (the SDK does not follow redirects).
      const redirected = await serviceError(smapi.getSkillManifestV1(emu.skillId, "development"));
      expect(redirected.statusCode).toBe(303);
      expect(getValueFromHeader(redirected.headers, "location")).toEqual([`/v1/skills/${emu.skillId}/status?resource=manifest`]);

      clock.advance(30);
      const after = await smapi.getSkillStatusV1(emu.skillId, "manifest");
      expect(after.manifest?.lastUpdateRequest?.status).toBe("SUCCEEDED");
      expect(after.manifest?.eTag).not.toBe(tag);
      expect(after.interactionModel).toBeUndefined();
      const reread = await smapi.callGetSkillManifestV1(emu.skillId, "development");
      expect(etag(reread.headers)).toBe(after.manifest?.eTag);
      expect(emu.endpoints("development")).toEqual([BLUE]);
      expect(emu.endpoints("live")).toEqual([DEFAULT_FUNCTION_ARN]);
    });

    it("answers 412 to a stale If-Match and 409 while an update is in progress", async () => {
      const stale = etag((await smapi.callGetSkillManifestV1(emu.skillId, "development")).headers);
      await smapi.updateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(BLUE), stale);
      const busy = await serviceError(smapi.updateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(GREEN)));
      expect(busy.statusCode).toBe(409);
      clock.advance(30);
      const conflict = await serviceError(smapi.updateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(GREEN), stale));
      expect(conflict.statusCode).toBe(412);
      expect(emu.endpoints("development")).toEqual([BLUE]);
    });

    it("finishes updates on the real clock for a client that polls", async () => {
      // 1 s: long enough that the first status read comes before the end even on a busy machine.
      await start({ now: Date.now, timings: { manifestUpdateMs: 1000 } });
      await smapi.updateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(GREEN));
      const seen: string[] = [];
      for (let i = 0; i < 1000 && seen[seen.length - 1] !== "SUCCEEDED"; i += 1) {
        seen.push((await smapi.getSkillStatusV1(emu.skillId, "manifest")).manifest?.lastUpdateRequest?.status ?? "");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(seen[0]).toBe("IN_PROGRESS");
      expect(seen[seen.length - 1]).toBe("SUCCEEDED");
      expect(emu.endpoints("development")).toEqual([GREEN]);
    });

    it("can lag like Amazon: the status repeats the previous update for N reads, a manifest read is briefly stale", async () => {
      await start({ consistency: { manifestStatusLagReads: 2, staleManifestReads: 1 } });
      const tag = etag((await smapi.callGetSkillManifestV1(emu.skillId, "development")).headers);
      await smapi.updateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(BLUE), tag);
      clock.advance(30); // applied, but the first two status reads still report the update before it
      const reads = [];
      for (let i = 0; i < 3; i++) reads.push((await smapi.getSkillStatusV1(emu.skillId, "manifest")).manifest);
      expect(reads.map((m) => [m?.lastUpdateRequest?.status, m?.eTag === tag])).toEqual([["SUCCEEDED", true], ["SUCCEEDED", true], ["SUCCEEDED", false]]);
      expect(reads[2]?.eTag).toBe(emu.manifestETag("development"));
      const stale = await smapi.callGetSkillManifestV1(emu.skillId, "development");
      expect(etag(stale.headers)).toBe(tag);
      expect((stale.body as v1.skill.Manifest.SkillManifestEnvelope).manifest?.apis?.custom?.endpoint?.uri).toBe(DEFAULT_FUNCTION_ARN);
      const fresh = await smapi.callGetSkillManifestV1(emu.skillId, "development");
      expect((fresh.body as v1.skill.Manifest.SkillManifestEnvelope).manifest?.apis?.custom?.endpoint?.uri).toBe(BLUE);
    });

    it("refuses to edit the live stage", async () => {
      const err = await serviceError(smapi.updateSkillManifestV1(emu.skillId, "live", manifestWithEndpoint(BLUE)));
      expect(err.statusCode).toBe(403);
    });

    it("fails the update in the status when a Lambda endpoint lacks the Alexa permission", async () => {
      await start({ lambdaPermissions: [DEFAULT_FUNCTION_ARN, BLUE] });
      await smapi.updateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(BLUE, { EU: GREEN }));
      clock.advance(30);
      const status = await smapi.getSkillStatusV1(emu.skillId, "manifest");
      expect(status.manifest?.lastUpdateRequest?.status).toBe("FAILED");
      expect(status.manifest?.lastUpdateRequest?.errors?.map((e) => e.message)).toEqual([
        expect.stringMatching(/^The trigger setting for the Lambda arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill:green is invalid\./),
      ]);
      expect(emu.endpoints("development")).toEqual([DEFAULT_FUNCTION_ARN]);

      emu.permitLambda(GREEN);
      await smapi.updateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(BLUE, { EU: GREEN }));
      clock.advance(30);
      expect((await smapi.getSkillStatusV1(emu.skillId, "manifest")).manifest?.lastUpdateRequest?.status).toBe("SUCCEEDED");
    });

    it("can refuse an unpermitted Lambda at once, asking a callback", async () => {
      const asked: string[] = [];
      await start({ endpointCheck: "immediate", lambdaPermissions: async (arn) => (asked.push(arn), arn !== GREEN) });
      const err = await serviceError(smapi.updateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(GREEN)));
      expect(err.statusCode).toBe(400);
      expect(err.response.violations?.[0]?.message).toContain(`The trigger setting for the Lambda ${GREEN} is invalid`);
      expect(asked).toEqual([GREEN]);
    });
  });

  describe("interaction models", () => {
    it("builds asynchronously; a failed build reports Amazon-shaped errors", async () => {
      const read = await smapi.callGetInteractionModelV1(emu.skillId, "development", "en-US");
      const model = read.body as v1.skill.interactionModel.InteractionModelData;
      expect(model.interactionModel?.languageModel?.invocationName).toBe("boston info");
      const head = await smapi.callGetInteractionModelMetadataV1(emu.skillId, "development", "en-US");
      expect(etag(head.headers)).toBe(etag(read.headers));

      emu.setModelBuildOutcome("en-US", {
        status: "FAILED",
        errors: [modelBuildError('Sample utterance "trash day" in intent "TrashDayIntent" must be unique.')],
        warnings: [{ code: "MissingSynonyms", message: "Slot type value has no synonyms." }],
      });
      const edited = structuredClone(model);
      edited.interactionModel!.languageModel!.invocationName = "boston information";
      await smapi.setInteractionModelV1(emu.skillId, "development", "en-US", edited, etag(read.headers));
      expect((await smapi.getSkillStatusV1(emu.skillId, "interactionModel")).interactionModel?.["en-US"]?.lastUpdateRequest?.status).toBe("IN_PROGRESS");
      clock.advance(60);
      const status = (await smapi.getSkillStatusV1(emu.skillId, "interactionModel")).interactionModel?.["en-US"];
      expect(status?.lastUpdateRequest?.status).toBe("FAILED");
      expect(status?.lastUpdateRequest?.errors?.[0]?.message).toContain("must be unique");
      expect(status?.lastUpdateRequest?.warnings).toHaveLength(1);
      expect(status?.lastUpdateRequest?.buildDetails?.steps?.[0]).toMatchObject({ name: "LANGUAGE_MODEL_QUICK_BUILD", status: "FAILED" });
      expect(status?.version).toBe("1");
      // The upload itself was stored: an old ETag is now stale.
      const stale = await serviceError(smapi.setInteractionModelV1(emu.skillId, "development", "en-US", model, etag(read.headers)));
      expect(stale.statusCode).toBe(412);

      emu.setModelBuildOutcome("en-US", { status: "SUCCEEDED" });
      await smapi.setInteractionModelV1(emu.skillId, "development", "en-US", model);
      clock.advance(60);
      const fixed = (await smapi.getSkillStatusV1(emu.skillId)).interactionModel?.["en-US"];
      expect(fixed?.lastUpdateRequest?.status).toBe("SUCCEEDED");
      expect(fixed?.version).toBe("2");
      expect(fixed?.eTag).toBe(etag((await smapi.callGetInteractionModelV1(emu.skillId, "development", "en-US")).headers));
    });

    it("answers 404 for a locale the skill does not have", async () => {
      expect((await serviceError(smapi.getInteractionModelV1(emu.skillId, "development", "de-DE"))).statusCode).toBe(404);
    });
  });

  describe("testing", () => {
    const utterance = (content: string): v2.skill.simulations.SimulationsApiRequest => ({
      input: { content },
      device: { locale: "en-US" },
      session: { mode: "FORCE_NEW_SESSION" },
    });

    it("needs enablement, runs the simulate callback at the stage's endpoint, and refuses a concurrent simulation", async () => {
      const seen: SimulationContext[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      await start({ simulate: async (ctx) => (seen.push(ctx), await gate, bostonInfo(ctx)) });

      expect((await serviceError(smapi.getSkillEnablementStatusV1(emu.skillId, "development"))).statusCode).toBe(404);
      expect((await serviceError(smapi.simulateSkillV2(emu.skillId, "development", utterance("open boston info")))).statusCode).toBe(400);
      await smapi.setSkillEnablementV1(emu.skillId, "development");
      await smapi.getSkillEnablementStatusV1(emu.skillId, "development");

      const started = await smapi.simulateSkillV2(emu.skillId, "development", utterance("open boston info"));
      expect(started.status).toBe("IN_PROGRESS");
      const second = await serviceError(smapi.simulateSkillV2(emu.skillId, "development", utterance("open boston info")));
      expect(second.statusCode).toBe(409);
      expect(seen[0]?.endpoint).toBe(DEFAULT_FUNCTION_ARN);
      expect(seen[0]?.request).toMatchObject({ version: "1.0", request: { type: "LaunchRequest", locale: "en-US" } });

      release();
      await emu.settle();
      const done = await smapi.getSkillSimulationV2(emu.skillId, "development", started.id!);
      expect(done.status).toBe("SUCCESSFUL");
      expect(done.result?.alexaExecutionInfo?.alexaResponses?.[0]?.content?.caption).toBe("Welcome to Boston Info.");
      expect(done.result?.skillExecutionInfo?.invocations?.[0]?.invocationRequest?.endpoint).toBe(DEFAULT_FUNCTION_ARN);

      await smapi.deleteSkillEnablementV1(emu.skillId, "development");
      expect((await serviceError(smapi.getSkillEnablementStatusV1(emu.skillId, "development"))).statusCode).toBe(404);
    });

    it("resolves intents from the model, uses the regional endpoint, and reports a failing skill", async () => {
      await start({
        enabledStages: ["development"],
        manifest: manifestWithEndpoint(BLUE, { NA: GREEN }),
        simulate: (ctx) => (ctx.endpoint === GREEN ? bostonInfo(ctx) : { error: "wrong endpoint" }),
      });
      const asked = await smapi.simulateSkillV2(emu.skillId, "development", utterance("ask boston info when does the trash go out at 1 City Hall Square"));
      await emu.settle();
      const result = await smapi.getSkillSimulationV2(emu.skillId, "development", asked.id!);
      expect(result.status).toBe("SUCCESSFUL");
      const body = result.result?.skillExecutionInfo?.invocations?.[0]?.invocationRequest?.body as { request: { intent: JsonObject } };
      expect(body.request.intent).toMatchObject({ name: "TrashDayIntent", slots: { Address: { value: "1 city hall square" } } });

      emu.setSimulateHandler(() => {
        throw new Error("Lambda timed out");
      });
      const failing = await smapi.simulateSkillV2(emu.skillId, "development", utterance("open boston info"));
      await emu.settle();
      const failed = await smapi.getSkillSimulationV2(emu.skillId, "development", failing.id!);
      expect(failed.status).toBe("FAILED");
      expect(failed.result?.error?.message).toContain("Lambda timed out");
    });

    it("runs validations with a configurable result and refuses a concurrent one", async () => {
      const started = await smapi.submitSkillValidationV1({ locales: ["en-US"] }, emu.skillId, "development");
      expect(started.status).toBe("IN_PROGRESS");
      const busy = await serviceError(smapi.submitSkillValidationV1({ locales: ["en-US"] }, emu.skillId, "development"));
      expect(busy.statusCode).toBe(409);
      clock.advance(30);
      const passed = await smapi.getSkillValidationsV1(emu.skillId, started.id!, "development");
      expect(passed.status).toBe("SUCCESSFUL");

      emu.setValidationOutcome({ status: "FAILED", validations: [failedValidation("en-US", "Privacy policy", "The privacy policy URL is not reachable.")] });
      const second = await smapi.submitSkillValidationV1({ locales: ["en-US"] }, emu.skillId, "development");
      clock.advance(30);
      const failed = await smapi.getSkillValidationsV1(emu.skillId, second.id!, "development");
      expect(failed.status).toBe("FAILED");
      expect(failed.result?.validations?.[0]).toMatchObject({ status: "FAILED", title: "Privacy policy" });
    });
  });

  describe("certification", () => {
    async function pointDevelopmentAt(uri: string): Promise<void> {
      await smapi.updateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(uri));
      clock.advance(30);
      expect((await smapi.getSkillStatusV1(emu.skillId, "manifest")).manifest?.lastUpdateRequest?.status).toBe("SUCCEEDED");
    }

    it("locks development during review; a pass with AUTO publishing makes the snapshot live", async () => {
      await pointDevelopmentAt(BLUE);
      const submitted = await smapi.callSubmitSkillForCertificationV1(emu.skillId, { publicationMethod: "AUTO_PUBLISHING", versionMessage: "Blue release" });
      expect(submitted.statusCode).toBe(202);
      const [location] = getValueFromHeader(submitted.headers, "location");
      const certificationId = location?.split("/").pop() ?? "";

      const list = await smapi.getCertificationsListV1(emu.skillId);
      expect(list.items?.[0]).toMatchObject({ id: certificationId, status: "IN_PROGRESS" });
      const locked = await serviceError(smapi.updateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(DEFAULT_FUNCTION_ARN)));
      expect(locked.statusCode).toBe(403);
      expect(locked.response.violations?.[0]?.code).toBe("RESOURCE_LOCKED");
      const model = await smapi.getInteractionModelV1(emu.skillId, "development", "en-US");
      expect((await serviceError(smapi.setInteractionModelV1(emu.skillId, "development", "en-US", model))).statusCode).toBe(403);
      expect((await serviceError(smapi.submitSkillForCertificationV1(emu.skillId))).statusCode).toBe(403);

      emu.passCertification();
      const review = await smapi.getCertificationReviewV1(emu.skillId, certificationId);
      expect(review.status).toBe("SUCCEEDED");
      expect(review.result?.distributionInfo?.publishedCountries).toEqual(["US"]);
      expect(emu.endpoints("live")).toEqual([BLUE]);
      const versions = await smapi.listVersionsForSkillV1(emu.skillId);
      expect(versions.skillVersions?.map((v) => [v.version, v.submissions?.[0]?.status])).toEqual([
        ["2", "LIVE"],
        ["1", "CERTIFIED"],
      ]);
      await pointDevelopmentAt(DEFAULT_FUNCTION_ARN);
      expect(emu.endpoints("live")).toEqual([BLUE]);
    });

    it("fails or withdraws a review, unlocking development", async () => {
      await smapi.submitSkillForCertificationV1(emu.skillId, { versionMessage: "first try" });
      emu.failCertification("Launch response is missing");
      expect((await smapi.getCertificationsListV1(emu.skillId)).items?.[0]?.status).toBe("FAILED");
      await pointDevelopmentAt(GREEN);

      await smapi.submitSkillForCertificationV1(emu.skillId);
      await smapi.withdrawSkillFromCertificationV1(emu.skillId, { reason: "DISCOVERED_ISSUE" });
      expect(emu.latestCertification()?.status).toBe("CANCELLED");
      const versions = await smapi.listVersionsForSkillV1(emu.skillId);
      expect(versions.skillVersions?.map((v) => v.submissions?.[0]?.status)).toEqual(["WITHDRAWN_FROM_CERTIFICATION", "FAILED_CERTIFICATION", "LIVE"]);
      expect((await serviceError(smapi.withdrawSkillFromCertificationV1(emu.skillId, { reason: "OTHER", message: "again" }))).statusCode).toBe(403);
      expect(emu.endpoints("live")).toEqual([DEFAULT_FUNCTION_ARN]);
    });

    it("keeps a MANUAL_PUBLISHING pass in the certified stage until it is published", async () => {
      await pointDevelopmentAt(GREEN);
      await smapi.submitSkillForCertificationV1(emu.skillId, { publicationMethod: "MANUAL_PUBLISHING" });
      expect((await serviceError(smapi.getSkillManifestV1(emu.skillId, "certified"))).statusCode).toBe(404);
      emu.passCertification();
      const certified = await smapi.getSkillManifestV1(emu.skillId, "certified");
      expect(certified.manifest?.apis?.custom?.endpoint?.uri).toBe(GREEN);
      expect(emu.endpoints("live")).toEqual([DEFAULT_FUNCTION_ARN]);

      const publishing = await smapi.publishSkillV1(emu.skillId, "en-US");
      expect(publishing.status).toBe("IN_PROGRESS");
      expect((await smapi.getSkillPublicationsV1(emu.skillId, "en-US")).status).toBe("IN_PROGRESS");
      clock.advance(30);
      expect((await smapi.getSkillPublicationsV1(emu.skillId, "en-US")).status).toBe("SUCCEEDED");
      expect(emu.endpoints("live")).toEqual([GREEN]);
      expect((await serviceError(smapi.getSkillManifestV1(emu.skillId, "certified"))).statusCode).toBe(404);
      expect((await serviceError(smapi.publishSkillV1(emu.skillId, "en-US"))).statusCode).toBe(403);
    });

    it("rolls live back to the previous certified version", async () => {
      await pointDevelopmentAt(BLUE);
      await smapi.submitSkillForCertificationV1(emu.skillId);
      emu.passCertification();
      expect(emu.endpoints("live")).toEqual([BLUE]);

      expect((await serviceError(smapi.rollbackSkillV1(emu.skillId, { targetVersion: "9" }))).statusCode).toBe(404);
      expect((await serviceError(smapi.rollbackSkillV1(emu.skillId, { targetVersion: "2" }))).statusCode).toBe(400);
      const created = await smapi.callRollbackSkillV1(emu.skillId, { targetVersion: "1" });
      expect(created.statusCode).toBe(201);
      const id = (created.body as v1.skill.CreateRollbackResponse).rollbackRequestId!;
      expect(getValueFromHeader(created.headers, "location")).toEqual([`/v1/skills/${emu.skillId}/rollbacks/${id}`]);
      expect((await serviceError(smapi.rollbackSkillV1(emu.skillId, { targetVersion: "1" }))).statusCode).toBe(409);
      expect((await smapi.getRollbackForSkillV1(emu.skillId, id)).status).toBe("IN_PROGRESS");
      clock.advance(30);
      const done = await smapi.getRollbackForSkillV1(emu.skillId, id);
      expect(done).toMatchObject({ status: "SUCCEEDED", targetVersion: "1" });
      expect(emu.endpoints("live")).toEqual([DEFAULT_FUNCTION_ARN]);
      const versions = await smapi.listVersionsForSkillV1(emu.skillId);
      expect(versions.skillVersions?.map((v) => [v.version, v.submissions?.[0]?.status])).toEqual([
        ["2", "CERTIFIED"],
        ["1", "LIVE"],
      ]);

      const again = await smapi.rollbackSkillV1(emu.skillId, { targetVersion: "2" });
      const ineligible = await smapi.getRollbackForSkillV1(emu.skillId, again.rollbackRequestId!);
      expect(ineligible.status).toBe("INELIGIBLE");
    });
  });

  describe("faults, latency and the call log", () => {
    it("fails, throttles and delays the next calls of an operation", async () => {
      emu.faults.failNext("getSkillStatusV1", { status: 503 }).throttleNext("updateSkillManifestV1");
      expect((await serviceError(smapi.getSkillStatusV1(emu.skillId))).statusCode).toBe(503);
      expect((await serviceError(smapi.updateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(BLUE)))).statusCode).toBe(429);
      expect(emu.endpoints("development")).toEqual([DEFAULT_FUNCTION_ARN]);
      await smapi.getSkillStatusV1(emu.skillId);

      emu.faults.delayNext("getSkillStatusV1", 60);
      const t0 = Date.now();
      await smapi.getSkillStatusV1(emu.skillId);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(55);

      emu.faults.failNext("lwaToken", { status: 500, body: { error: "server_error", error_description: "try later" } });
      emu.lwa.expireAccessTokens();
      const fresh = smapiClient(emu);
      expect((await serviceError(fresh.getSkillStatusV1(emu.skillId))).statusCode).toBe(500);
      expect(emu.faults.pending()).toBe(0);

      expect(emu.calls.filter((c) => c.operation !== "lwaToken").map((c) => [c.operation, c.method, c.mutating, c.status])).toEqual([
        ["getSkillStatusV1", "GET", false, 503],
        ["updateSkillManifestV1", "PUT", true, 429],
        ["getSkillStatusV1", "GET", false, 200],
        ["getSkillStatusV1", "GET", false, 200],
      ]);
    });

    it("runs a hook before a call, so a concurrent operator can win the race", async () => {
      const other = smapiClient(emu, { refreshToken: emu.lwa.issueRefreshToken() });
      const tag = etag((await smapi.callGetSkillManifestV1(emu.skillId, "development")).headers);
      emu.faults.beforeNext("updateSkillManifestV1", async () => {
        await other.updateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(GREEN), tag);
        clock.advance(30);
      });
      const lost = await serviceError(smapi.updateSkillManifestV1(emu.skillId, "development", manifestWithEndpoint(BLUE), tag));
      expect(lost.statusCode).toBe(412);
      expect(emu.endpoints("development")).toEqual([GREEN]);
    });

    it("adds a global latency to every call", async () => {
      emu.latencyMs = 40;
      const t0 = Date.now();
      await smapi.getSkillStatusV1(emu.skillId); // token call + status call
      expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
    });

    it("rejects and records a request that breaks the spec", async () => {
      const err = await serviceError(
        smapi.submitSkillForCertificationV1(emu.skillId, { publicationMethod: "SOMETIMES" } as unknown as v1.skill.SubmitSkillForCertificationRequest),
      );
      expect(err.statusCode).toBe(400);
      expect(err.response.message).toContain("publicationMethod");
      expect(emu.specViolations).toHaveLength(1);
      expect(() => emu.assertNoSpecViolations()).toThrow(/publicationMethod/);
      emu.specViolations.length = 0;
    });
  });
});
