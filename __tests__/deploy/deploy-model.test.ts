/**
 * `npm run deploy:model` end to end: the script's `main` with the real
 * ask-smapi-sdk (through createSmapiClient and the resilient HTTP layer)
 * against the SMAPI + LWA emulator. The emulator and the command share one
 * fake clock, so builds and backoff take no real time and waits are exact.
 */
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { v1 } from "ask-smapi-model";
import { modelsEqual } from "../../lib/skill-package";
import { main } from "../../scripts/deploy-model";
import {
  type JsonObject,
  type SmapiEmulator,
  type SmapiEmulatorOptions,
  modelBuildError,
  smapiClient,
  startSmapiEmulator,
  smapiEnv,
} from "../../lib/emulators/smapi/index";
import { fakeClock } from "../helpers/fake-clock";

const FIXTURE = path.resolve(__dirname, "../../lib/emulators/fixtures/voiceapp311-skill-package");
const BAD_MODELS = path.resolve(__dirname, "../fixtures/bad-models");
const MODEL_PUT = "setInteractionModelV1";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let emu: SmapiEmulator;
let clock: ReturnType<typeof fakeClock>;
const temporary: string[] = [];

async function start(options: SmapiEmulatorOptions = {}): Promise<void> {
  clock = fakeClock(Date.parse("2026-03-02T15:00:00Z"));
  emu = await startSmapiEmulator({ now: clock.now, ...options });
}

afterEach(async () => {
  emu.assertNoSpecViolations();
  await emu.close();
  await Promise.all(temporary.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function credentialsEnv(): NodeJS.ProcessEnv {
  return smapiEnv(emu);
}

async function deploy(args: string[], env: NodeJS.ProcessEnv = credentialsEnv()): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(
    args,
    { env, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } },
    { clock, retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 } },
  );
  // Whatever happened, no secret reached the output.
  for (const secret of [emu.credentials.clientSecret, emu.credentials.refreshToken]) {
    expect(stdout + stderr).not.toContain(secret);
  }
  return { code, stdout, stderr };
}

function jsonResult(run: Run): { outcome: string; certification?: { id: string; submittedAt?: string }; locales: { locale: string; result: string; reason: string; build: { status: string; errors: { message: string }[]; warnings: { message: string }[] } | null }[] } {
  return JSON.parse(run.stdout);
}

const mutatingCalls = () => emu.calls.filter((c) => c.mutating).map((c) => `${c.method} ${c.path} ${c.status}`);

async function fixtureModel(): Promise<JsonObject> {
  return JSON.parse(await readFile(path.join(FIXTURE, "interactionModels/custom/en-US.json"), "utf8")) as JsonObject;
}

/** What the development stage held before the change being deployed: the fixture minus one sample. */
async function previousModel(): Promise<JsonObject> {
  const model = await fixtureModel();
  const intents = ((model.interactionModel as JsonObject).languageModel as JsonObject).intents as { samples?: string[] }[];
  (intents[0] as { samples: string[] }).samples.pop();
  return model;
}

const asModelData = (model: JsonObject) => model as unknown as v1.skill.interactionModel.InteractionModelData;

/** A package in a temporary directory: the fixture's skill.json and the given models. */
async function makePackage(models: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "deploy-model-"));
  temporary.push(dir);
  await cp(path.join(FIXTURE, "skill.json"), path.join(dir, "skill.json"));
  await mkdir(path.join(dir, "interactionModels/custom"), { recursive: true });
  for (const [locale, model] of Object.entries(models)) {
    const text = typeof model === "string" ? model : JSON.stringify(model, null, 2);
    await writeFile(path.join(dir, "interactionModels/custom", `${locale}.json`), text);
  }
  return dir;
}

/** Another operator, with their own refresh token. */
function otherOperator() {
  return smapiClient(emu, { refreshToken: emu.lwa.issueRefreshToken() });
}

describe("deploy:model uploads, builds and reports", () => {
  it("uploads the real package's en-US model with If-Match and waits for its build", async () => {
    await start({ interactionModels: { "en-US": await previousModel() } });
    const run = await deploy(["--skill-package", FIXTURE]);

    expect(run.code).toBe(0);
    expect(modelsEqual(emu.interactionModel("development", "en-US"), await fixtureModel())).toBe(true);
    expect(emu.callsTo(MODEL_PUT).map((c) => c.status)).toEqual([202]);
    expect(run.stdout).toMatch(/Uploading en-US from interactionModels\/custom\/en-US\.json \(changed; If-Match [0-9a-f]+\)/);
    expect(run.stdout).toContain("en-US: uploaded and built, model version 2.");
    expect(run.stderr).toMatch(/waiting for the interaction model build of en-US: building en-US \(0 s of 600 s\)/);
    // Check, status, read, upload, then polls with backoff: a handful of calls, not a loop.
    expect(emu.callsTo("getSkillStatusV1").length).toBeLessThanOrEqual(3);
  });

  it("skips an unchanged model on the second run, with no mutating call", async () => {
    await start({ interactionModels: { "en-US": await previousModel() } });
    expect((await deploy(["--skill-package", FIXTURE])).code).toBe(0);
    emu.calls.length = 0;

    const again = await deploy(["--skill-package", FIXTURE, "--json"]);
    expect(again.code).toBe(0);
    expect(mutatingCalls()).toEqual([]);
    expect(again.stderr).toContain("Unchanged in the development stage, not uploaded: en-US.");
    const result = jsonResult(again);
    expect(result.outcome).toBe("unchanged");
    expect(result.locales).toEqual([{ locale: "en-US", result: "skipped", reason: "unchanged", build: expect.objectContaining({ status: "SUCCEEDED" }) }]);
  });

  it("uploads three locales at the same time and waits for their builds together: about one build, not three", async () => {
    const buildMs = 2000;
    const previous = await previousModel();
    await start({ interactionModels: { "en-US": previous, "en-GB": previous, "en-CA": previous }, timings: { modelBuildMs: buildMs } });
    const model = await fixtureModel();
    const dir = await makePackage({ "en-US": model, "en-GB": model, "en-CA": model });

    // Each PUT waits (real time, at most 1 s) until all three have arrived: only concurrent uploads all get through at once.
    let arrived = 0;
    const seenTogether: number[] = [];
    emu.faults.before(MODEL_PUT, async () => {
      arrived += 1;
      const until = Date.now() + 1000;
      while (arrived < 3 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
      seenTogether.push(arrived);
    });
    const started = clock.now();
    const run = await deploy(["--skill-package", dir]);
    const elapsed = clock.now() - started;

    expect(run.code).toBe(0);
    expect(seenTogether).toEqual([3, 3, 3]);
    expect(emu.callsTo(MODEL_PUT).map((c) => c.path.split("/").pop())).toEqual(expect.arrayContaining(["en-US", "en-GB", "en-CA"]));
    for (const locale of ["en-US", "en-GB", "en-CA"]) expect(modelsEqual(emu.interactionModel("development", locale), model)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(buildMs);
    expect(elapsed).toBeLessThan(2 * buildMs);
    expect(run.stderr).toContain("waiting for the interaction model builds of en-CA, en-GB, en-US: building en-CA, en-GB, en-US");
    // The configuration lists en-US only: say so, but upload.
    expect(run.stderr).toContain("en-CA, en-GB, which the configuration's skill.locales does not list");
  });

  it("fails with Amazon's errors and warnings per locale when a build fails, and rebuilds on the next run", async () => {
    await start({ interactionModels: { "en-US": await previousModel() } });
    emu.setModelBuildOutcome("en-US", {
      status: "FAILED",
      errors: [modelBuildError('Sample utterance "trash day" in intent "TrashDayIntent" must be unique.')],
      warnings: [{ code: "MissingSynonyms", message: "Slot type value has no synonyms." }],
    });
    const failed = await deploy(["--skill-package", FIXTURE, "--json"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("deploy:model: The interaction model build failed for en-US. Amazon reported:");
    expect(failed.stderr).toContain('en-US error: Sample utterance "trash day" in intent "TrashDayIntent" must be unique. [InvalidInteractionModel]');
    expect(failed.stderr).toContain("en-US warning: Slot type value has no synonyms. [MissingSynonyms]");
    const result = jsonResult(failed);
    expect(result.outcome).toBe("build-failed");
    expect(result.locales[0]).toMatchObject({ locale: "en-US", result: "failed", build: { status: "FAILED" } });
    expect(result.locales[0]?.build?.errors).toHaveLength(1);

    // The same file again: the stage has it, unbuilt, so it is uploaded again rather than skipped.
    emu.setModelBuildOutcome("en-US", { status: "SUCCEEDED" });
    const retried = await deploy(["--skill-package", FIXTURE]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain("unchanged, but its last build failed");
    expect(emu.callsTo(MODEL_PUT)).toHaveLength(2);
  });

  it("stops at the time limit naming the locale still building, and a later run waits for that build without uploading", async () => {
    await start({ interactionModels: { "en-US": await previousModel() } });
    emu.setModelBuildOutcome("en-US", { status: "SUCCEEDED", durationMs: 3_600_000 });
    const started = clock.now();
    const run = await deploy(["--skill-package", FIXTURE, "--timeout", "5"]);
    expect(run.code).toBe(1);
    expect(clock.now() - started).toBe(5000);
    expect(run.stderr).toMatch(/Gave up after 5 s waiting for the interaction model build of en-US, still in progress/);
    expect(run.stderr).toContain("--timeout");

    // Ten seconds before the build ends, the next push (same model) finds it still building.
    await clock.sleep(3_600_000 - 5000 - 10_000);
    emu.calls.length = 0;
    const resumed = await deploy(["--skill-package", FIXTURE]);
    expect(resumed.code).toBe(0);
    expect(mutatingCalls()).toEqual([]);
    expect(resumed.stdout).toContain("en-US: built (uploaded earlier)");
  });

  it("retries throttled uploads and status polls, and succeeds", async () => {
    await start({ interactionModels: { "en-US": await previousModel() } });
    emu.faults.throttleNext(MODEL_PUT).throttleNext("getSkillStatusV1", 2);
    const run = await deploy(["--skill-package", FIXTURE]);
    expect(run.code).toBe(0);
    expect(emu.callsTo(MODEL_PUT).map((c) => c.status)).toEqual([429, 202]);
    expect(emu.callsTo("getSkillStatusV1").map((c) => c.status).slice(0, 2)).toEqual([429, 429]);
    expect(emu.faults.pending()).toBe(0);
    expect(run.stderr).toMatch(/Waiting for SMAPI \(PUT http:\/\/127\.0\.0\.1:\d+\/v1\/skills\/[^ ]+\/interactionModel\/locales\/en-US\): HTTP 429 \(throttled\); retry 1 of 3/);
  });

  it("reports an upload Amazon refuses (exit 1) with its message, secrets redacted", async () => {
    await start({ interactionModels: { "en-US": await previousModel() } });
    // An error that echoes a credential must not carry it into a CodeBuild log.
    emu.faults.failNext(MODEL_PUT, { status: 400, message: `Interaction model is not valid (request by ${emu.credentials.refreshToken}).` });
    const run = await deploy(["--skill-package", FIXTURE, "--json"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("SMAPI failed while uploading the en-US interaction model (400: Interaction model is not valid (request by ***).)");
    expect(jsonResult(run)).toMatchObject({ outcome: "upload-failed", locales: [{ locale: "en-US", result: "failed", build: null }] });
  });

  it("--dry-run lists the upload it would make and changes nothing", async () => {
    const previous = await previousModel();
    await start({ interactionModels: { "en-US": previous } });
    const run = await deploy(["--skill-package", FIXTURE, "--dry-run", "--json"]);
    expect(run.code).toBe(0);
    expect(mutatingCalls()).toEqual([]);
    expect(emu.interactionModel("development", "en-US")).toEqual(previous);
    expect(run.stderr).toMatch(/Would upload en-US from interactionModels\/custom\/en-US\.json \(changed; If-Match [0-9a-f]+\)/);
    expect(run.stderr).toContain("Would then wait up to 600 s for the builds of en-US.");
    expect(run.stderr).toContain("Dry run: nothing was changed.");
    expect(jsonResult(run)).toMatchObject({ outcome: "dry-run", locales: [{ locale: "en-US", result: "would-upload", reason: "changed" }] });
  });

  it("uploads a locale the development stage does not have yet, without If-Match", async () => {
    await start();
    const model = await fixtureModel();
    const dir = await makePackage({ "en-US": model, "en-GB": model });
    const run = await deploy(["--skill-package", dir, "--json"]);
    expect(run.code).toBe(0);
    expect(emu.callsTo(MODEL_PUT).map((c) => c.path.split("/").pop())).toEqual(["en-GB"]);
    expect(jsonResult(run).locales.map((l) => [l.locale, l.result, l.reason])).toEqual([
      ["en-GB", "uploaded", "new in the development stage"],
      ["en-US", "skipped", "unchanged"],
    ]);
  });

  it("--locale selects the models to deploy", async () => {
    const previous = await previousModel();
    await start({ interactionModels: { "en-US": previous, "en-GB": previous } });
    const dir = await makePackage({ "en-US": await fixtureModel(), "en-GB": await fixtureModel() });
    const run = await deploy(["--skill-package", dir, "--locale", "en-GB"]);
    expect(run.code).toBe(0);
    expect(emu.callsTo(MODEL_PUT).map((c) => c.path.split("/").pop())).toEqual(["en-GB"]);
    expect(emu.interactionModel("development", "en-US")).toEqual(previous);
  });

  it("runs on the real clock too", async () => {
    clock = undefined as unknown as ReturnType<typeof fakeClock>;
    emu = await startSmapiEmulator({ interactionModels: { "en-US": await previousModel() }, timings: { modelBuildMs: 50 } });
    let stdout = "";
    const code = await main(["--skill-package", FIXTURE], { env: credentialsEnv(), stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } }, { poll: { initialDelayMs: 20 } });
    expect(code).toBe(0);
    expect(stdout).toContain("en-US: uploaded and built");
  });
});

describe("deploy:model while the skill is in review", () => {
  it("does not upload, exits 0, and names the certification in a warning", async () => {
    await start({ interactionModels: { "en-US": await previousModel() } });
    await otherOperator().submitSkillForCertificationV1(emu.skillId, { versionMessage: "Blue release" });
    const review = emu.latestCertification();
    emu.calls.length = 0;

    const run = await deploy(["--skill-package", FIXTURE, "--json"]);
    expect(run.code).toBe(0);
    expect(mutatingCalls()).toEqual([]);
    expect(emu.callsTo(MODEL_PUT)).toEqual([]);
    expect(run.stderr).toContain(`warning: Skill ${emu.skillId} is in certification review: certification ${review?.id} (submitted ${review?.submittedAt}`);
    expect(run.stderr).toContain("was NOT uploaded. It will be uploaded by the first push after the review ends");
    expect(jsonResult(run)).toMatchObject({ outcome: "deferred", certification: { id: review?.id, submittedAt: review?.submittedAt }, locales: [{ locale: "en-US", result: "deferred" }] });
  });

  it("treats a review that starts during the upload (403 RESOURCE_LOCKED) the same way", async () => {
    await start({ interactionModels: { "en-US": await previousModel() } });
    const other = otherOperator();
    emu.faults.beforeNext(MODEL_PUT, async () => void (await other.submitSkillForCertificationV1(emu.skillId)));
    const run = await deploy(["--skill-package", FIXTURE]);
    expect(run.code).toBe(0);
    expect(emu.callsTo(MODEL_PUT).map((c) => c.status)).toEqual([403]);
    expect(run.stderr).toContain(`certification ${emu.latestCertification()?.id} (submitted`);
    expect(run.stderr).toContain("was NOT uploaded");
  });
});

describe("deploy:model refuses, before any upload, a package it would misread", () => {
  it("a <locale>.json that is a symbolic link: says so and what to do (exit 2)", async () => {
    await start();
    const dir = await makePackage({});
    await writeFile(path.join(dir, "model.json"), JSON.stringify(await fixtureModel()));
    await symlink("../../model.json", path.join(dir, "interactionModels/custom/en-US.json"));
    const run = await deploy(["--skill-package", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("interactionModels/custom/en-US.json is a symbolic link (to ../../model.json), not a file");
    expect(run.stderr).toContain("Replace the link with a copy of the model file.");
    expect(mutatingCalls()).toEqual([]);
  });

  it("a <locale>.json that is a directory: says so and what to do (exit 2)", async () => {
    await start();
    const dir = await makePackage({});
    await mkdir(path.join(dir, "interactionModels/custom/en-US.json"));
    const run = await deploy(["--skill-package", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("interactionModels/custom/en-US.json is a directory: the interaction model of a locale is one JSON file named <locale>.json");
    expect(run.stderr).not.toMatch(/has no <locale>\.json interaction model/);
  });

  it("duplicate JSON keys, reported with their path and line (exit 2, nothing uploaded)", async () => {
    await start();
    const text = JSON.stringify(await fixtureModel(), null, 2).replace('"invocationName": ', '"invocationName": "boston data",\n      "invocationName": ');
    const dir = await makePackage({ "en-US": text });
    const run = await deploy(["--skill-package", dir]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/line \d+, column \d+: the key "invocationName" appears more than once in the same object; only the last one would be uploaded.*\[json-duplicate-key\]/);
    expect(emu.callsTo(MODEL_PUT)).toEqual([]);
  });

  it("a model over Amazon's size limits (exit 2, nothing uploaded)", async () => {
    await start();
    const model = await fixtureModel();
    const languageModel = (model.interactionModel as JsonObject).languageModel as JsonObject;
    languageModel.types = [
      ...((languageModel.types as unknown[]) ?? []),
      { name: "HUGE_LIST", values: Array.from({ length: 50_001 }, (_, i) => ({ name: { value: `street number ${i}` } })) },
    ];
    const dir = await makePackage({ "en-US": model });
    const run = await deploy(["--skill-package", dir]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/the model is \d+\.\d\d MB, probably over Amazon's limit of 1\.50 MB/);
    expect(run.stdout + run.stderr).toContain("the custom slot types hold");
    expect(run.stdout + run.stderr).toContain("values together, over Amazon's limit of 50000");
    expect(emu.callsTo(MODEL_PUT)).toEqual([]);
  });
});

describe("deploy:model and a 403 that only reads like the review lock", () => {
  it("is a failure with Amazon's message when SMAPI lists no certification in progress (nothing deferred, exit 1)", async () => {
    await start({ interactionModels: { "en-US": await previousModel() } });
    emu.faults.failNext(MODEL_PUT, { status: 403, message: "The skill's certification settings forbid this change" });
    const run = await deploy(["--skill-package", FIXTURE, "--json"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "SMAPI refused uploading the en-US interaction model (403: The skill's certification settings forbid this change), but lists no certification in progress",
    );
    expect(run.stderr).not.toContain("was NOT uploaded");
    expect(run.stderr).not.toMatch(/is in certification review/);
  });

  it("is the review lock, whatever its text, when SMAPI lists a certification in progress (exit 0, deferred)", async () => {
    await start({ interactionModels: { "en-US": await previousModel() } });
    const other = otherOperator();
    emu.faults.beforeNext(MODEL_PUT, async () => void (await other.submitSkillForCertificationV1(emu.skillId)));
    emu.faults.failNext(MODEL_PUT, { status: 403, message: "Forbidden" });
    const run = await deploy(["--skill-package", FIXTURE]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`certification ${emu.latestCertification()?.id} (submitted`);
    expect(run.stderr).toContain("was NOT uploaded");
  });
});

describe("deploy:model with a concurrent change", () => {
  it("exits 4 naming the locale when somebody else uploaded a different model after it was read, and keeps theirs", async () => {
    await start({ interactionModels: { "en-US": await previousModel() } });
    const theirs = await previousModel();
    ((theirs.interactionModel as JsonObject).languageModel as JsonObject).invocationName = "boston information";
    const other = otherOperator();
    emu.faults.beforeNext(MODEL_PUT, async () => void (await other.setInteractionModelV1(emu.skillId, "development", "en-US", asModelData(theirs))));

    const run = await deploy(["--skill-package", FIXTURE, "--json"]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("The en-US interaction model of the development stage changed after it was read (412 precondition failed)");
    expect(emu.callsTo(MODEL_PUT).map((c) => c.status)).toEqual([202, 412]);
    expect(emu.interactionModel("development", "en-US")).toEqual(theirs);
    expect(jsonResult(run)).toMatchObject({ outcome: "conflict", locales: [{ locale: "en-US", result: "failed" }] });
  });

  it("treats a 412 as done when the stage already has the file's model (a repeated PUT whose first attempt landed)", async () => {
    await start({ interactionModels: { "en-US": await previousModel() } });
    const ours = await fixtureModel();
    const other = otherOperator();
    emu.faults.beforeNext(MODEL_PUT, async () => void (await other.setInteractionModelV1(emu.skillId, "development", "en-US", asModelData(ours))));

    const run = await deploy(["--skill-package", FIXTURE, "--json"]);
    expect(run.code).toBe(0);
    expect(emu.callsTo(MODEL_PUT).map((c) => c.status)).toEqual([202, 412]);
    expect(jsonResult(run).locales[0]).toMatchObject({ locale: "en-US", result: "uploaded", build: { status: "SUCCEEDED" } });
    expect(jsonResult(run).locales[0]?.reason).toContain("an earlier attempt had landed");
  });
});

describe("deploy:model refuses bad input before calling Amazon", () => {
  beforeEach(() => start());

  it.each([
    ["syntax-error.json", "json-syntax"],
    ["invocation-name-wake-word.json", "invocation-name-wake-word"],
    ["undefined-slot-type.json", "slot-type-undefined"],
    ["duplicate-sample-across-intents.json", "utterance-duplicate"],
  ])("%s: prints the report, exits 2, makes no call", async (file, rule) => {
    const dir = await makePackage({ "en-US": await readFile(path.join(BAD_MODELS, file), "utf8") });
    const run = await deploy(["--skill-package", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`The skill package ${dir} has errors, so nothing was uploaded:`);
    expect(run.stderr).toContain(`[${rule}]`);
    expect(emu.calls).toEqual([]);
  });

  it("reports every problem of every file at once", async () => {
    const run = await deploy(["--skill-package", path.join(BAD_MODELS, "package-with-many-problems"), "--json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("6 errors, 0 warnings in 5 files.");
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: "invalid", locales: [] });
    expect(emu.calls).toEqual([]);
  });

  it("prints warnings but uploads", async () => {
    const dir = await makePackage({ "en-US": await readFile(path.join(BAD_MODELS, "invocation-name-one-word.json"), "utf8") });
    const run = await deploy(["--skill-package", dir]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("warning: The skill package has warnings; they do not stop the upload:");
    expect(run.stderr).toContain("[invocation-name-one-word]");
    expect(emu.callsTo(MODEL_PUT).map((c) => c.status)).toEqual([202]);
  });

  it("lists every missing credential and exits 2", async () => {
    const run = await deploy(["--skill-package", FIXTURE], { SKILL_ID: emu.skillId, ASK_SMAPI_SERVER_BASE_URL: emu.url, ASK_LWA_TOKEN_HOST: emu.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Missing Alexa (SMAPI) credentials: ASK_LWA_CLIENT_ID, ASK_LWA_CLIENT_SECRET (or ASK_LWA_CLIENT_CONFIRMATION), ASK_REFRESH_TOKEN.");
    expect(emu.calls).toEqual([]);
  });

  it("explains a revoked refresh token with how to mint a new one, and exits 2", async () => {
    emu.lwa.revokeRefreshToken();
    const run = await deploy(["--skill-package", FIXTURE]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Login with Amazon refused the refresh token");
    expect(run.stderr).toContain("npm run setup:credentials -- --overwrite");
    expect(emu.calls.map((c) => c.operation)).toEqual(["lwaToken"]);
  });

  it.each([
    [["--skill-package"], "argument missing"],
    [[], "--skill-package <dir> is required"],
    [["--skill-package", FIXTURE, "--timeout", "0"], "--timeout takes a number of seconds from 1 to 3600"],
    [["--skill-package", FIXTURE, "--locale", "en_US"], "--locale"],
    [["--skill-package", FIXTURE, "--locale", "de-DE"], "has no interaction model interactionModels/custom/de-DE.json"],
    [["--skill-package", "/nonexistent/package"], "does not exist"],
    [["--skill-package", FIXTURE, "extra"], "Unexpected argument"],
  ])("%j: bad usage, exit 2", async (args, message) => {
    const run = await deploy(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(emu.calls).toEqual([]);
  });

  it("--help prints the usage and calls nothing, even without credentials", async () => {
    const run = await deploy(["--help"], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: npm run deploy:model -- --skill-package <dir> [options]");
    expect(emu.calls).toEqual([]);
  });
});
