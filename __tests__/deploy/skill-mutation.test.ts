import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { BuildOptions, BuiltPackage } from "../../lib/build";
import { deploySkill, type DeploySkillOptions } from "../../lib/deploy/skill";
import { ExitCode } from "../../lib/errors";
import { NO_HISTORY } from "../../lib/lambda/commit";
import { makeZip } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { codeSha256 } from "../../lib/package";
import type { Clock } from "../../lib/clock";
import { failure, quickClock, within } from "../helpers/release-run";

/**
 * deploy:skill's orchestration (lib/deploy/skill.ts), called directly with a
 * fake builder against the release world: a broken skill package changes
 * nothing, `$LATEST` included (invariant 8's local check); a push never
 * publishes a version or touches an alias (invariant 1); `--dry-run` reaches
 * every step and changes nothing (invariant 6); the caller's limits reach the
 * steps.
 */

const FIXTURE_PACKAGE = path.join(__dirname, "..", "..", "lib", "emulators", "fixtures", "voiceapp311-skill-package");
const COMMIT = "3f9c2a1d0b7e4c5f6a8b9c0d1e2f3a4b5c6d7e8f";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "skill-mutation-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

let builds = 0;
/** A builder whose package's skill.json summary is changed and whose files are then `edit`ed. */
async function fakeBuilder(edit: (dir: string) => Promise<void> = async () => undefined) {
  const dir = path.join(work, `build-${++builds}`);
  const skillPackageDir = path.join(dir, "skill-package");
  await cp(FIXTURE_PACKAGE, skillPackageDir, { recursive: true });
  const manifestFile = path.join(skillPackageDir, "skill.json");
  const manifest = JSON.parse(await readFile(manifestFile, "utf8"));
  manifest.manifest.publishingInformation.locales["en-US"].summary = `build ${builds}`;
  await writeFile(manifestFile, JSON.stringify(manifest));
  await edit(skillPackageDir);
  const zip = makeZip({ "lambda_function.py": `# build ${builds}\ndef lambda_handler(event, context):\n    return {}\n` });
  const zipPath = path.join(dir, "package.zip");
  await writeFile(zipPath, zip);
  const calls: BuildOptions[] = [];
  const build = async (options: BuildOptions): Promise<BuiltPackage> => {
    calls.push(options);
    return { zipPath, sha256: codeSha256(zip), bytes: zip.length, flow: "zip-only", handler: "lambda_function.lambda_handler", skillPackageDir } as BuiltPackage;
  };
  return { dir, build, calls, sha: codeSha256(zip) };
}

function run(world: ReleaseWorld, build: (o: BuildOptions) => Promise<BuiltPackage>, options: Partial<DeploySkillOptions> = {}, needsS3Upload?: (size: number) => boolean, clock: Clock = quickClock) {
  return deploySkill(
    { repo: work, config: world.config, dryRun: false, env: {}, ...options },
    {
      buildPackage: build,
      lambda: world.lambda,
      s3: () => {
        throw new Error("no S3 here");
      },
      smapi: world.smapi,
      output: world.output,
      clock,
      resolveCommit: async () => COMMIT,
      history: NO_HISTORY,
      poll: { initialDelayMs: 5, maxDelayMs: 20 },
      ...(needsS3Upload && { needsS3Upload }),
    },
  );
}

/** A changed en-US model: deploy:model uploads it and waits for its build. */
async function addSample(dir: string): Promise<void> {
  const file = path.join(dir, "interactionModels/custom/en-US.json");
  const model = JSON.parse(await readFile(file, "utf8"));
  model.interactionModel.languageModel.intents[0].samples.push("a sample added by this push");
  await writeFile(file, JSON.stringify(model));
}

const smapiWrites = (world: ReleaseWorld) => world.smapiEmu.calls.filter((c) => c.method !== "GET" && !/\/auth\//.test(c.path));
const latestSha = (world: ReleaseWorld) => world.lambdaEmu.state.get(FUNCTION_NAME).latest.code.sha256;

describe("deploySkill", () => {
  it("puts the package on $LATEST, the models and skill.json on development, and publishes nothing, moves no alias", () =>
    within({}, async (world) => {
      const { build, calls, sha, dir } = await fakeBuilder();
      const result = await run(world, build, { repo: dir });
      expect(calls.map((c) => c.repo)).toEqual([dir]);
      expect(latestSha(world)).toBe(sha);
      expect(result).toMatchObject({ package: { sha256: sha }, function: { action: "updated", record: { commit: COMMIT } }, model: { outcome: "unchanged" }, manifest: { outcome: "updated" } });
      expect(result.dryRun).toBeUndefined();
      expect(world.lambdaEmu.calls.mutating().map((c) => c.operation)).toEqual(["UpdateFunctionCode", "TagResource"]);
    }));

  it("--dry-run goes through every step and changes nothing, Lambda or SMAPI", () =>
    within({}, async (world) => {
      const { build } = await fakeBuilder();
      const before = latestSha(world);
      const result = await run(world, build, { dryRun: true });
      expect(result).toMatchObject({ dryRun: true, function: { dryRun: true }, model: { outcome: "dry-run" }, manifest: { outcome: "planned" } });
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
      expect(smapiWrites(world)).toEqual([]);
      expect(latestSha(world)).toBe(before);
    }));

  it("a model that does not validate stops the push before $LATEST changes (exit 2, nothing written)", () =>
    within({}, async (world) => {
      const { build } = await fakeBuilder(async (dir) => writeFile(path.join(dir, "interactionModels/custom/en-US.json"), '{"interactionModel": {}}'));
      const before = latestSha(world);
      const error = await failure(run(world, build));
      expect(error.exitCode).toBe(ExitCode.Usage);
      expect(world.lambdaEmu.calls.entries).toEqual([]);
      expect(smapiWrites(world)).toEqual([]);
      expect(latestSha(world)).toBe(before);
    }));

  it("a skill.json that is not a manifest stops the push before $LATEST changes (exit 2)", () =>
    within({}, async (world) => {
      const { build } = await fakeBuilder(async (dir) => writeFile(path.join(dir, "skill.json"), '{"manifest": []}'));
      const error = await failure(run(world, build));
      expect(error.exitCode).toBe(ExitCode.Usage);
      expect(world.lambdaEmu.calls.entries).toEqual([]);
    }));

  it("passes the bucket and the direct-upload limit on: a package over the limit goes through the configured bucket", () =>
    within({}, async (world) => {
      const { build } = await fakeBuilder();
      const error = await run(world, build, {}, () => true).then(
        () => undefined,
        (e: unknown) => e,
      );
      // No bucket known: refused before any change.
      expect((error as { exitCode?: number }).exitCode).toBe(ExitCode.Usage);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
      const withBucket = await run(world, build, { dryRun: true, bucket: { name: "packages-bucket", from: "PACKAGE_BUCKET" } }, () => true);
      expect(withBucket.function).toMatchObject({ upload: "s3", s3: { bucket: "packages-bucket" } });
    }));

  it("the caller's limits reach the steps: a Lambda update longer than the function limit fails, a manifest update or a model build longer than the SMAPI limit fails", async () => {
    await within({ lambda: { updateDurationMs: 2000 } }, async (world) => {
      const { build } = await fakeBuilder();
      const error = await failure(run(world, build, { functionTimeoutMs: 50 }));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(smapiWrites(world)).toEqual([]);
    });
    await within({ smapi: { timings: { manifestUpdateMs: 5000, modelBuildMs: 20, validationMs: 20, publicationMs: 20, rollbackMs: 20, simulationMs: 0 } } }, async (world) => {
      const { build } = await fakeBuilder();
      const error = await failure(run(world, build, { smapiTimeoutMs: 100 }));
      expect(error.exitCode).toBe(ExitCode.Failed);
    });
    // A model build longer than the SMAPI limit: deploy:model gives up, and skill.json is not uploaded after it.
    await within({ smapi: { timings: { manifestUpdateMs: 20, modelBuildMs: 5000, validationMs: 20, publicationMs: 20, rollbackMs: 20, simulationMs: 0 } } }, async (world) => {
      const { build } = await fakeBuilder(addSample);
      const error = await failure(run(world, build, { smapiTimeoutMs: 100 }));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(world.smapiEmu.callsTo("setInteractionModelV1")).toHaveLength(1);
      expect(world.smapiEmu.callsTo("updateSkillManifestV1")).toEqual([]);
    });
  });

  it("the caller's poll settings reach the model build wait", () =>
    // A build long enough that the wait polls more than once, whatever the machine's load.
    within({ smapi: { timings: { manifestUpdateMs: 20, modelBuildMs: 300, validationMs: 20, publicationMs: 20, rollbackMs: 20, simulationMs: 0 } } }, async (world) => {
      const { build } = await fakeBuilder(addSample);
      // The sleeps between the model upload and the manifest upload are the model build's polls.
      const sleeps: number[] = [];
      let polling = false;
      world.smapiEmu.faults.beforeNext("setInteractionModelV1", () => void (polling = true));
      world.smapiEmu.faults.beforeNext("updateSkillManifestV1", () => void (polling = false));
      const clock: Clock = { now: quickClock.now, sleep: (ms) => (polling && sleeps.push(ms), quickClock.sleep(ms)) };
      const result = await run(world, build, {}, undefined, clock);
      expect(result.model.outcome).toBe("deployed");
      expect(sleeps.length).toBeGreaterThan(0);
      expect(Math.max(...sleeps)).toBeLessThanOrEqual(20);
    }));
});
