import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { deployModel, type DeployModelOptions } from "../../lib/deploy/model";
import { ExitCode } from "../../lib/errors";
import { recordingOutput } from "../../lib/output";
import { ResilientApiClient } from "../../lib/smapi/api-client";
import { createSmapiClient, type SmapiClient } from "../../lib/smapi/client";
import { modelsEqual } from "../../lib/skill-package";
import { type JsonObject, type SmapiEmulator, type SmapiEmulatorOptions, smapiClient, startSmapiEmulator } from "../../lib/emulators/smapi/index";
import { fakeClock } from "../helpers/fake-clock";
import { failure } from "../helpers/release-run";

/**
 * deploy:model's decisions (lib/deploy/model.ts and model-upload.ts), called
 * directly against the SMAPI emulator on a fake clock: a model somebody else
 * uploaded is never overwritten and is the exit code that wins (invariant 7),
 * a review that locks the stage mid-upload defers the rest (exit 0), and the
 * outcome says whether anything was deployed.
 */

const FIXTURE = path.resolve(__dirname, "../../lib/emulators/fixtures/voiceapp311-skill-package");
const MODEL_PUT = "setInteractionModelV1";

let emu: SmapiEmulator;
let clock: ReturnType<typeof fakeClock>;
let smapi: SmapiClient;
let output: ReturnType<typeof recordingOutput>;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "model-mutation-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function start(options: SmapiEmulatorOptions = {}): Promise<void> {
  clock = fakeClock(Date.parse("2026-03-02T15:00:00Z"));
  emu = await startSmapiEmulator({ now: clock.now, ...options });
  smapi = createSmapiClient({
    credentials: { kind: "refresh-token", ...emu.credentials },
    endpoints: { apiEndpoint: emu.url, authEndpoint: emu.url },
    apiClient: new ResilientApiClient({ clock, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }),
  });
  output = recordingOutput();
}

afterEach(async () => {
  emu.assertNoSpecViolations();
  await emu.close();
});

const fixtureModel = async (): Promise<JsonObject> => JSON.parse(await readFile(path.join(FIXTURE, "interactionModels/custom/en-US.json"), "utf8"));

/** The fixture model with `extra` as one more sample of its first intent: a different model. */
async function changedModel(extra: string): Promise<JsonObject> {
  const model = await fixtureModel();
  const intents = ((model.interactionModel as JsonObject).languageModel as JsonObject).intents as { samples?: string[] }[];
  (intents[0] as { samples: string[] }).samples.push(extra);
  return model;
}

let packages = 0;
async function makePackage(models: Record<string, unknown>): Promise<string> {
  const dir = path.join(work, `package-${++packages}`);
  await cp(path.join(FIXTURE, "skill.json"), path.join(dir, "skill.json"));
  await mkdir(path.join(dir, "interactionModels/custom"), { recursive: true });
  for (const [locale, model] of Object.entries(models)) await writeFile(path.join(dir, "interactionModels/custom", `${locale}.json`), JSON.stringify(model));
  return dir;
}

const run = (packageDir: string, options: Partial<DeployModelOptions> = {}, client: SmapiClient = smapi) =>
  deployModel({ skillId: emu.skillId, packageDir, ...options }, { smapi: client, clock, output });

/**
 * The client with uploads ordered: `locale`'s upload (after `first`) goes to
 * SMAPI and is answered before any other locale's, which runs `then` first.
 */
function oneLocaleFirst(client: SmapiClient, locale: string, hooks: { first?: () => Promise<void>; then?: () => Promise<void> }): SmapiClient {
  let done: () => void = () => undefined;
  const landed = new Promise<void>((resolve) => (done = resolve));
  const upload = async (...args: Parameters<SmapiClient["setInteractionModelV1"]>) => {
    if (args[2] === locale) {
      try {
        await hooks.first?.();
        return await client.setInteractionModelV1(...args);
      } finally {
        done();
      }
    }
    await landed;
    await hooks.then?.();
    return client.setInteractionModelV1(...args);
  };
  return new Proxy(client, { get: (target, key, receiver) => (key === "setInteractionModelV1" ? upload : Reflect.get(target, key, receiver)) });
}


describe("deploy:model: a review that locks the stage during the uploads", () => {
  it("reports the locale that got through as uploaded and the locked one as deferred (exit 0), not waiting for builds", async () => {
    const old = await changedModel("old sample");
    await start({ interactionModels: { "en-US": old, "en-GB": old } });
    const model = await fixtureModel();
    const dir = await makePackage({ "en-US": model, "en-GB": model });
    // en-US lands first; then a review starts, so en-GB's upload meets the lock (403).
    const review = { id: "amzn1.ask.certification.review", status: "IN_PROGRESS" as const, publicationMethod: "MANUAL_PUBLISHING" as const, version: "1", submittedAt: "2026-03-02T15:00:00.000Z", estimatedCompletionAt: "2026-03-05T00:00:00.000Z", lastUpdated: "2026-03-02T15:00:00.000Z" };
    const client = oneLocaleFirst(smapi, "en-US", { then: async () => void emu.state.certifications.push(review) });
    const result = await run(dir, {}, client);
    expect(result.outcome).toBe("deferred");
    expect(result.certification?.id).toBe(review.id);
    expect(result.locales.map((l) => [l.locale, l.result])).toEqual([
      ["en-GB", "deferred"],
      ["en-US", "uploaded"],
    ]);
    expect(modelsEqual(emu.interactionModel("development", "en-GB"), old)).toBe(true);
    expect(emu.callsTo("getSkillStatusV1").length).toBe(1);
  });
});

describe("deploy:model: several failures at once", () => {
  it("a model somebody else changed wins the exit code (4) over another locale's refused upload, and neither is overwritten", async () => {
    const old = await changedModel("old sample");
    await start({ interactionModels: { "en-US": old, "en-GB": old } });
    const model = await fixtureModel();
    const dir = await makePackage({ "en-US": model, "en-GB": model });
    const theirs = await changedModel("their sample");
    const other = smapiClient(emu, { refreshToken: emu.lwa.issueRefreshToken() });
    // Somebody else uploads en-US between our read and our upload; en-GB's upload, after that, is refused outright.
    const client = oneLocaleFirst(smapi, "en-US", {
      first: async () => void (await other.setInteractionModelV1(emu.skillId, "development", "en-US", theirs as never)),
      then: async () => void emu.faults.failNext(MODEL_PUT, { status: 400, message: "Interaction model is not valid." }),
    });
    const error = await failure(run(dir, { json: true }, client));
    expect(error.exitCode).toBe(ExitCode.Conflict);
    const json = JSON.parse(output.lines.find((l) => l.kind === "json")?.text ?? "{}");
    expect(json.outcome).toBe("conflict");
    expect(modelsEqual(emu.interactionModel("development", "en-US"), theirs)).toBe(true);
  });
});

describe("deploy:model: the outcome says what happened to the development stage", () => {
  it("an unchanged model whose earlier build is still running is waited for, without an upload: outcome deployed", async () => {
    await start({ timings: { modelBuildMs: 5000 } });
    const model = await changedModel("new sample");
    await smapi.setInteractionModelV1(emu.skillId, "development", "en-US", model as never);
    const result = await run(await makePackage({ "en-US": model }));
    expect(result.outcome).toBe("deployed");
    expect(result.waitedMs).toBeGreaterThan(0);
    expect(result.locales).toEqual([expect.objectContaining({ locale: "en-US", result: "skipped", build: expect.objectContaining({ status: "SUCCEEDED" }) })]);
    expect(emu.callsTo(MODEL_PUT)).toHaveLength(1);
  });

  it("a refused upload outranks another locale's failed build (outcome upload-failed), and the refused locale reports no build", async () => {
    const old = await changedModel("old sample");
    await start({ interactionModels: { "en-US": old, "en-GB": old } });
    emu.setModelBuildOutcome("en-US", { status: "FAILED", errors: [{ message: "Sample utterances must be unique." } as never] });
    const model = await fixtureModel();
    const client = oneLocaleFirst(smapi, "en-US", { then: async () => void emu.faults.failNext(MODEL_PUT, { status: 400, message: "Interaction model is not valid." }) });
    const error = await failure(run(await makePackage({ "en-US": model, "en-GB": model }), { json: true }, client));
    expect(error.exitCode).toBe(ExitCode.Failed);
    const json = JSON.parse(output.lines.find((l) => l.kind === "json")?.text ?? "{}");
    expect(json.outcome).toBe("upload-failed");
    expect(json.locales.map((l: { locale: string; result: string; build: unknown }) => [l.locale, l.result, l.build === null])).toEqual([
      ["en-GB", "failed", true],
      ["en-US", "failed", false],
    ]);
  });

  it("a failed build outranks another locale still building at the time limit (outcome build-failed, exit 1)", async () => {
    const old = await changedModel("old sample");
    await start({ interactionModels: { "en-US": old, "en-GB": old } });
    emu.setModelBuildOutcome("en-US", { status: "FAILED", errors: [{ message: "Sample utterances must be unique." } as never] });
    emu.setModelBuildOutcome("en-GB", { status: "SUCCEEDED", durationMs: 3_600_000 });
    const model = await fixtureModel();
    const error = await failure(run(await makePackage({ "en-US": model, "en-GB": model }), { json: true, timeoutMs: 10_000 }));
    expect(error.exitCode).toBe(ExitCode.Failed);
    const json = JSON.parse(output.lines.find((l) => l.kind === "json")?.text ?? "{}");
    expect(json.outcome).toBe("build-failed");
    expect(json.waitedMs).toBe(10_000);
    expect(json.locales.map((l: { locale: string; result: string }) => [l.locale, l.result])).toEqual([
      ["en-GB", "failed"],
      ["en-US", "failed"],
    ]);
  });

  it("a build still running at the time limit alone is outcome timed-out (exit 1), and its model stays uploaded", async () => {
    await start({ interactionModels: { "en-US": await changedModel("old sample") } });
    emu.setModelBuildOutcome("en-US", { status: "SUCCEEDED", durationMs: 3_600_000 });
    const model = await fixtureModel();
    const error = await failure(run(await makePackage({ "en-US": model }), { json: true, timeoutMs: 10_000 }));
    expect(error.exitCode).toBe(ExitCode.Failed);
    expect(JSON.parse(output.lines.find((l) => l.kind === "json")?.text ?? "{}").outcome).toBe("timed-out");
    expect(modelsEqual(emu.interactionModel("development", "en-US"), model)).toBe(true);
  });

  it("--dry-run plans each locale and changes nothing", async () => {
    await start({ interactionModels: { "en-US": await changedModel("old sample"), "en-GB": await fixtureModel() } });
    const model = await fixtureModel();
    const result = await run(await makePackage({ "en-US": model, "en-GB": model }), { dryRun: true });
    expect(result).toMatchObject({ outcome: "dry-run", dryRun: true });
    expect(result.locales.map((l) => [l.locale, l.result])).toEqual([
      ["en-GB", "skipped"],
      ["en-US", "would-upload"],
    ]);
    expect(emu.calls.filter((c) => c.mutating)).toEqual([]);
  });

  it("a review found before the uploads defers every locale and uploads nothing", async () => {
    await start({ interactionModels: { "en-US": await changedModel("old sample") } });
    await smapi.submitSkillForCertificationV1(emu.skillId);
    const result = await run(await makePackage({ "en-US": await fixtureModel() }));
    expect(result).toMatchObject({ outcome: "deferred", certification: { id: emu.latestCertification()?.id }, locales: [{ locale: "en-US", result: "deferred" }] });
    expect(emu.callsTo(MODEL_PUT)).toEqual([]);
  });

  it("warns about locales the configuration does not list or the package lacks, unless --locale chose them", async () => {
    await start();
    const model = await fixtureModel();
    const dir = await makePackage({ "en-US": model, "en-GB": model });
    await run(dir, { configuredLocales: ["en-US", "de-DE"] });
    const warned = output.lines.filter((l) => l.kind === "warn").map((l) => l.text);
    expect(warned.filter((w) => w.includes("en-GB"))).toHaveLength(1);
    expect(warned.filter((w) => w.includes("de-DE"))).toHaveLength(1);
    output.lines.length = 0;
    await run(dir, { configuredLocales: ["en-US", "de-DE"], locales: ["en-GB"] });
    expect(output.lines.filter((l) => l.kind === "warn")).toEqual([]);
    output.lines.length = 0;
    await run(dir, { configuredLocales: ["en-US", "en-GB"] });
    expect(output.lines.filter((l) => l.kind === "warn")).toEqual([]);
  });
});
