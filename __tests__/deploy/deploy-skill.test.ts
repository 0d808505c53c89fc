/**
 * deploy:skill's own logic, through its `main` with the real Lambda and SMAPI
 * clients against the release world's emulators, and a fake package builder
 * (the builder has its own tests; the buildspec test runs the real one).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import type { BuildOptions, BuiltPackage } from "../../lib/build";
import { BuildFailed } from "../../lib/build";
import { codeSha256 } from "../../lib/package";
import { makeZip } from "../../lib/emulators/lambda";
import { fixtureManifest, smapiClient } from "../../lib/emulators/smapi";
import { FUNCTION_NAME, startReleaseWorld, type ReleaseWorld, type ReleaseWorldOptions } from "../../lib/emulators/release-world";
import { HELP, main } from "../../scripts/deploy-skill";
import { cappedClock } from "../helpers/release-run";

const FIXTURE_PACKAGE = path.join(__dirname, "..", "..", "lib", "emulators", "fixtures", "voiceapp311-skill-package");
const COMMIT = "3f9c2a1d0b7e4c5f6a8b9c0d1e2f3a4b5c6d7e8f";
const SUMMARY = "A summary changed by this push.";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "deploy-skill-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A builder that "builds" a fixed zip and points at a copy of the fixture skill package with a changed summary. */
async function fakeBuilder(name: string, options: { fail?: BuildFailed } = {}) {
  const dir = path.join(work, name);
  const skillPackageDir = path.join(dir, "skill-package");
  await cp(FIXTURE_PACKAGE, skillPackageDir, { recursive: true });
  const manifestFile = path.join(skillPackageDir, "skill.json");
  const manifest = JSON.parse(await readFile(manifestFile, "utf8"));
  manifest.manifest.publishingInformation.locales["en-US"].summary = SUMMARY;
  await writeFile(manifestFile, JSON.stringify(manifest));
  const zip = makeZip({ "lambda_function.py": `# ${name}\ndef lambda_handler(event, context):\n    return {}\n` });
  const zipPath = path.join(dir, "package.zip");
  await writeFile(zipPath, zip);
  const calls: BuildOptions[] = [];
  const build = async (buildOptions: BuildOptions): Promise<BuiltPackage> => {
    calls.push(buildOptions);
    if (options.fail) throw options.fail;
    return { zipPath, sha256: codeSha256(zip), bytes: zip.length, flow: "zip-only", handler: "lambda_function.lambda_handler", skillPackageDir } as BuiltPackage;
  };
  return { dir, build, calls, sha: codeSha256(zip) };
}

async function run(world: ReleaseWorld, argv: string[], build: (o: BuildOptions) => Promise<BuiltPackage>) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    env: { ...world.env, CODEBUILD_RESOLVED_SOURCE_VERSION: COMMIT },
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    clock: cappedClock(10),
    buildPackage: build,
    // The SDK reads credentials from the process's environment, not the command's.
    lambdaClient: (o) => new LambdaClient({ region: o.region, endpoint: world.lambdaEmu.url, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 2 }),
    poll: { initialDelayMs: 5, maxDelayMs: 20 },
  });
  return { code, stdout, stderr };
}

async function withWorld(options: ReleaseWorldOptions, test: (world: ReleaseWorld) => Promise<void>) {
  const world = await startReleaseWorld(options);
  try {
    await test(world);
    world.smapiEmu.assertNoSpecViolations();
  } finally {
    await world.close();
  }
}

const smapiWrites = (world: ReleaseWorld) => world.smapiEmu.calls.filter((c) => c.method !== "GET" && !/\/auth\//.test(c.path));

describe("deploy:skill", () => {
  it("needs --repo (exit 2) and has --help", () =>
    withWorld({}, async (world) => {
      const { build } = await fakeBuilder("usage");
      expect(await run(world, [], build)).toMatchObject({ code: 2, stderr: expect.stringContaining("--repo is required") });
      expect(await run(world, ["--help"], build)).toMatchObject({ code: 0, stdout: HELP });
    }));

  it("deploys the package, then the model step, then skill.json keeping the endpoint; --json gives each step's result", () =>
    withWorld({}, async (world) => {
      const { dir, build, calls, sha } = await fakeBuilder("push");
      const endpoints = world.smapiEmu.endpoints("development");
      const result = await run(world, ["--repo", dir, "--json"], build);
      expect(result.code).toBe(0);
      expect(calls.map((c) => c.repo)).toEqual([dir]);
      expect(world.lambdaEmu.state.get(FUNCTION_NAME).latest.code.sha256).toBe(sha);
      const json = JSON.parse(result.stdout);
      expect(json).toMatchObject({ package: { sha256: sha }, function: { action: "updated", record: { commit: COMMIT } }, model: { outcome: "unchanged" }, manifest: { outcome: "updated" } });
      expect(json.manifest.changed).toEqual(["manifest.publishingInformation.locales"]);
      expect((world.smapiEmu.manifest("development") as any).publishingInformation.locales["en-US"].summary).toBe(SUMMARY);
      expect(world.smapiEmu.endpoints("development")).toEqual(endpoints);
    }));

  it("waits for the manifest update it sent, not the earlier SUCCEEDED that the status still shows", () =>
    withWorld({ smapi: { consistency: { manifestStatusLagReads: 3 }, timings: { manifestUpdateMs: 300, modelBuildMs: 20, validationMs: 20, publicationMs: 20, rollbackMs: 20, simulationMs: 0 } } }, async (world) => {
      const { dir, build } = await fakeBuilder("lagging-status");
      const result = await run(world, ["--repo", dir], build);
      expect(result.code).toBe(0);
      // Had the stale SUCCEEDED been taken for ours, the command would have ended before Amazon applied the manifest.
      expect(world.smapiEmu.callsTo("getSkillStatusV1").length).toBeGreaterThan(3);
      expect((world.smapiEmu.manifest("development") as any).publishingInformation.locales["en-US"].summary).toBe(SUMMARY);
      expect(result.stdout).toContain("skill.json applied to the development stage");
    }));

  it("--dry-run builds and reads, and changes nothing remote", () =>
    withWorld({}, async (world) => {
      const { dir, build } = await fakeBuilder("dry-run");
      const before = world.lambdaEmu.state.get(FUNCTION_NAME).latest.code.sha256;
      const result = await run(world, ["--repo", dir, "--dry-run"], build);
      expect(result.code).toBe(0);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
      expect(world.lambdaEmu.state.get(FUNCTION_NAME).latest.code.sha256).toBe(before);
      expect(smapiWrites(world)).toEqual([]);
      expect(result.stdout).toContain("Dry run: would upload");
    }));

  it("stops at a failed build (its exit code) before any remote call", () =>
    withWorld({}, async (world) => {
      const { dir, build } = await fakeBuilder("failed-build", { fail: new BuildFailed("pip", "pip install -r requirements.txt failed") });
      const result = await run(world, ["--repo", dir], build);
      expect(result.code).toBe(1);
      expect(world.lambdaEmu.calls.entries).toEqual([]);
      expect(smapiWrites(world)).toEqual([]);
    }));

  it("stops after a failed Lambda update: the model and skill.json are not uploaded", () =>
    withWorld({}, async (world) => {
      const { dir, build } = await fakeBuilder("lambda-fails");
      world.lambdaEmu.state.failNextUpdate(FUNCTION_NAME, "The function's role cannot be assumed", "InvalidRole");
      const result = await run(world, ["--repo", dir], build);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Lambda could not apply the update");
      expect(smapiWrites(world)).toEqual([]);
    }));

  it("takes the conflict its own repeated upload meets (the first answer lost) for what it is: its update, applied (exit 0)", () =>
    withWorld({}, async (world) => {
      const { dir, build } = await fakeBuilder("lost-answer");
      const endpoints = world.smapiEmu.endpoints("development");
      world.smapiEmu.faults.dropNext("updateSkillManifestV1", { afterHandling: true });
      const result = await run(world, ["--repo", dir], build);
      expect(world.smapiEmu.callsTo("updateSkillManifestV1").length).toBe(2);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining("changed since it was read") });
      expect((world.smapiEmu.manifest("development") as any).publishingInformation.locales["en-US"].summary).toBe(SUMMARY);
      expect(world.smapiEmu.endpoints("development")).toEqual(endpoints);
    }));

  it("reports a concurrent change of the development manifest as exit 4, without overwriting it", () =>
    withWorld({}, async (world) => {
      const { dir, build } = await fakeBuilder("conflict");
      const theirs = `${world.lambdaEmu.functionArn(FUNCTION_NAME)}:green`;
      const other = smapiClient(world.smapiEmu, { refreshToken: world.smapiEmu.lwa.issueRefreshToken() });
      world.smapiEmu.faults.beforeNext("updateSkillManifestV1", async () => {
        await other.updateSkillManifestV1(world.config.skill.id, "development", fixtureManifest(theirs));
        await world.smapiEmu.settle();
      });
      const result = await run(world, ["--repo", dir], build);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain("The development manifest changed since it was read (412 precondition failed: its ETag no longer matches)");
      expect(world.smapiEmu.endpoints("development")).toEqual([theirs]);
      expect((world.smapiEmu.manifest("development") as any).publishingInformation.locales["en-US"].summary).not.toBe(SUMMARY);
    }));

  it("defers skill.json while the skill is in review (exit 0, a warning naming the certification), after updating $LATEST", () =>
    withWorld({}, async (world) => {
      const { dir, build, sha } = await fakeBuilder("review");
      await world.smapi.submitSkillForCertificationV1(world.config.skill.id, { versionMessage: "Blue release" });
      const review = world.smapiEmu.latestCertification();
      const result = await run(world, ["--repo", dir, "--json"], build);
      expect(result.code).toBe(0);
      expect(world.lambdaEmu.state.get(FUNCTION_NAME).latest.code.sha256).toBe(sha);
      expect(result.stderr).toContain(`so skill.json was NOT uploaded`);
      expect(JSON.parse(result.stdout).manifest).toMatchObject({ outcome: "deferred", certification: { id: review?.id } });
      expect(world.smapiEmu.callsTo("updateSkillManifestV1")).toEqual([]);
    }));

  it("fails (exit 1) with Amazon's errors when the manifest update FAILED, leaving the stage's manifest as it was", () =>
    withWorld({}, async (world) => {
      const { dir, build } = await fakeBuilder("manifest-failed");
      // The endpoint's Lambda loses its Alexa trigger: Amazon applies nothing and says why, in the update's status.
      world.smapiEmu.revokeLambda(world.lambdaEmu.functionArn(FUNCTION_NAME));
      const before = world.smapiEmu.manifest("development");
      const etag = world.smapiEmu.manifestETag("development");
      const result = await run(world, ["--repo", dir], build);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/Amazon did not apply .*skill\.json to the development stage: .*trigger setting for the Lambda/);
      expect(world.smapiEmu.manifest("development")).toEqual(before);
      expect(world.smapiEmu.manifestETag("development")).toBe(etag);
    }));
});
