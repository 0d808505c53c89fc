import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { deployManifest, readManifestFile } from "../../lib/deploy/manifest";
import { ExitCode } from "../../lib/errors";
import type { ReleaseWorld } from "../../lib/emulators/release-world";
import type { SmapiClient } from "../../lib/smapi/client";
import { fastClock, failure, within } from "../helpers/release-run";

/**
 * deploy:skill's skill.json step (lib/deploy/manifest.ts), called directly
 * against the release world: a push changes the development manifest only
 * under the ETag it read (invariant 7), never while a review locks the stage,
 * never its endpoints, and reports what Amazon made of the update.
 */

const FIXTURE_PACKAGE = path.join(__dirname, "..", "..", "lib", "emulators", "fixtures", "voiceapp311-skill-package");
const SUMMARY = "A summary changed by this push.";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "manifest-mutation-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

let packages = 0;
/** A copy of the fixture skill package whose skill.json is `edit`ed (default: a changed summary). */
async function skillPackage(edit: (manifest: any) => unknown = (m) => void (m.manifest.publishingInformation.locales["en-US"].summary = SUMMARY)): Promise<string> {
  const dir = path.join(work, `package-${++packages}`);
  await cp(FIXTURE_PACKAGE, dir, { recursive: true });
  const file = path.join(dir, "skill.json");
  const manifest = JSON.parse(await readFile(file, "utf8"));
  const replaced = edit(manifest);
  await writeFile(file, typeof replaced === "string" ? replaced : JSON.stringify(replaced ?? manifest));
  return dir;
}

const deps = (world: ReleaseWorld, smapi: SmapiClient = world.smapi) => ({ smapi, output: world.output, clock: fastClock });
const skillId = (world: ReleaseWorld) => world.config.skill.id;
const writes = (world: ReleaseWorld) => world.smapiEmu.callsTo("updateSkillManifestV1");
const summary = (world: ReleaseWorld) => (world.smapiEmu.manifest("development") as any).publishingInformation.locales["en-US"].summary;

/** The world's SMAPI client with one method replaced. */
function withMethod<K extends keyof SmapiClient>(smapi: SmapiClient, name: K, replacement: SmapiClient[K]): SmapiClient {
  return new Proxy(smapi, { get: (target, key, receiver) => (key === name ? replacement : Reflect.get(target, key, receiver)) });
}

describe("deployManifest: what a push does to the development manifest", () => {
  it("uploads a changed skill.json, names what changed, keeps the endpoints, and reports no warnings when Amazon gives none", () =>
    within({}, async (world) => {
      const endpoints = world.smapiEmu.endpoints("development");
      const result = await deployManifest({ skillId: skillId(world), packageDir: await skillPackage(), dryRun: false }, deps(world));
      expect(result).toEqual({ outcome: "updated", changed: ["manifest.publishingInformation.locales"] });
      expect(summary(world)).toBe(SUMMARY);
      expect(world.smapiEmu.endpoints("development")).toEqual(endpoints);
      expect(writes(world)).toHaveLength(1);
    }));

  it("uploads nothing when the stage has the same manifest (endpoints aside)", () =>
    within({}, async (world) => {
      const dir = await skillPackage();
      await deployManifest({ skillId: skillId(world), packageDir: dir, dryRun: false }, deps(world));
      const again = await deployManifest({ skillId: skillId(world), packageDir: dir, dryRun: false }, deps(world));
      expect(again).toEqual({ outcome: "unchanged", changed: [] });
      expect(writes(world)).toHaveLength(1);
    }));

  it("--dry-run plans the upload and writes nothing", () =>
    within({}, async (world) => {
      const result = await deployManifest({ skillId: skillId(world), packageDir: await skillPackage(), dryRun: true }, deps(world));
      expect(result).toEqual({ outcome: "planned", changed: ["manifest.publishingInformation.locales"] });
      expect(writes(world)).toEqual([]);
      expect(summary(world)).not.toBe(SUMMARY);
    }));

  it("refuses to upload without the ETag of its read (invariant 7: no update that could overwrite a concurrent one)", () =>
    within({}, async (world) => {
      const noETag = withMethod(world.smapi, "callGetSkillManifestV1", async (...args: Parameters<SmapiClient["callGetSkillManifestV1"]>) => {
        const response = await world.smapi.callGetSkillManifestV1(...args);
        return { ...response, headers: response.headers.filter((h) => h.key.toLowerCase() !== "etag") };
      });
      const error = await failure(deployManifest({ skillId: skillId(world), packageDir: await skillPackage(), dryRun: false }, deps(world, noETag)));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(writes(world)).toEqual([]);
    }));

  it("defers (exit 0, nothing written, nothing reported changed) when a review is in progress before the upload", () =>
    within({}, async (world) => {
      await world.smapi.submitSkillForCertificationV1(skillId(world), { versionMessage: "review" });
      const result = await deployManifest({ skillId: skillId(world), packageDir: await skillPackage(), dryRun: false }, deps(world));
      expect(result).toEqual({ outcome: "deferred", changed: [], certification: expect.objectContaining({ id: world.smapiEmu.latestCertification()?.id }) });
      expect(writes(world)).toEqual([]);
    }));

  it("defers (exit 0, nothing written) when a review locks the stage between the look and the upload (403 with a certification listed)", () =>
    within({}, async (world) => {
      world.smapiEmu.faults.beforeNext("updateSkillManifestV1", async () => {
        await world.smapi.submitSkillForCertificationV1(skillId(world), { versionMessage: "review" });
      });
      const result = await deployManifest({ skillId: skillId(world), packageDir: await skillPackage(), dryRun: false }, deps(world));
      expect(result).toMatchObject({ outcome: "deferred", changed: ["manifest.publishingInformation.locales"], certification: { id: world.smapiEmu.latestCertification()?.id } });
      expect(summary(world)).not.toBe(SUMMARY);
    }));

  it("a 403 with no certification in progress is a failure with Amazon's reason, not a deferral", () =>
    within({}, async (world) => {
      world.smapiEmu.faults.failNext("updateSkillManifestV1", { status: 403, message: "User is not authorized to update this skill" });
      const error = await failure(deployManifest({ skillId: skillId(world), packageDir: await skillPackage(), dryRun: false }, deps(world)));
      expect(error.exitCode).toBe(ExitCode.Usage);
      expect(summary(world)).not.toBe(SUMMARY);
    }));

  it("a 409 (another update in progress) whose stage then holds something else is a concurrent change (exit 4), not overwritten", () =>
    within({}, async (world) => {
      world.smapiEmu.faults.failNext("updateSkillManifestV1", { status: 409, message: "A previous update of the skill manifest is still in progress." });
      const error = await failure(deployManifest({ skillId: skillId(world), packageDir: await skillPackage(), dryRun: false }, deps(world)));
      expect(error.exitCode).toBe(ExitCode.Conflict);
      expect(error.message).toContain("409");
      expect(writes(world)).toHaveLength(1);
    }));

  it("a 409 met by its own repeated upload (the stage holds exactly what was sent) is its update, applied", () =>
    within({}, async (world) => {
      const dir = await skillPackage();
      // The first PUT lands, its answer is lost, the repeat is refused as a conflict.
      world.smapiEmu.faults.beforeNext("updateSkillManifestV1", async () => {
        await deployManifest({ skillId: skillId(world), packageDir: dir, dryRun: false }, deps(world));
        world.smapiEmu.faults.failNext("updateSkillManifestV1", { status: 409, message: "conflict" });
      });
      const result = await deployManifest({ skillId: skillId(world), packageDir: dir, dryRun: false }, deps(world));
      expect(result).toEqual({ outcome: "updated", changed: ["manifest.publishingInformation.locales"] });
    }));

  it("any other refusal of the upload is an error (not a conflict, not success)", () =>
    within({}, async (world) => {
      world.smapiEmu.faults.failNext("updateSkillManifestV1", { status: 400, message: "Skill manifest is not valid." });
      const error = await failure(deployManifest({ skillId: skillId(world), packageDir: await skillPackage(), dryRun: false }, deps(world)));
      expect(error.exitCode).not.toBe(ExitCode.Conflict);
      expect(error.exitCode).not.toBe(ExitCode.Ok);
      expect(summary(world)).not.toBe(SUMMARY);
    }));

  it("passes Amazon's warnings on with the result when the update succeeded with warnings", () =>
    within({}, async (world) => {
      const warning = { code: "W1", message: "The example phrase is not a sample." };
      const warned = withMethod(world.smapi, "getSkillStatusV1", async (...args: Parameters<SmapiClient["getSkillStatusV1"]>) => {
        const status = await world.smapi.getSkillStatusV1(...args);
        const request = status.manifest?.lastUpdateRequest;
        return request?.status === "SUCCEEDED" ? { ...status, manifest: { ...status.manifest, lastUpdateRequest: { ...request, warnings: [warning] } } } : status;
      });
      const result = await deployManifest({ skillId: skillId(world), packageDir: await skillPackage(), dryRun: false }, deps(world, warned));
      expect(result).toMatchObject({ outcome: "updated", warnings: [warning] });
      expect(world.output.lines.filter((l) => l.kind === "warn").map((l) => l.text)).toContain("skill.json: Amazon's warning: The example phrase is not a sample. [W1]");
    }));
});

describe("readManifestFile: skill.json is checked before any call", () => {
  it("accepts an object with a manifest object, and refuses every other shape (exit 2)", async () => {
    expect(await readManifestFile(path.join(FIXTURE_PACKAGE, "skill.json"))).toMatchObject({ manifest: expect.any(Object) });
    for (const text of ["null", "[]", "{\"manifest\": []}", "\"manifest\"", "{\"manifest\": 1}", "{\"manifest\": null}", "{\"other\": {}}", "{not json"]) {
      const dir = await skillPackage(() => text);
      const error = await failure(readManifestFile(path.join(dir, "skill.json")));
      expect(error.exitCode).toBe(ExitCode.Usage);
    }
    expect((await failure(readManifestFile(path.join(work, "missing", "skill.json")))).exitCode).toBe(ExitCode.Usage);
  });
});
