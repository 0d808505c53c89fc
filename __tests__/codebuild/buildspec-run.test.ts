/**
 * The buildspec that synth produces, executed: its install and build phases
 * run with bash as CodeBuild runs them (lib/emulators/codebuild.ts), on a copy
 * of this project as the `tooling` secondary source and a committed copy of
 * voiceapp311 as the primary source, offline against the stand-in
 * wheelhouse, against the Lambda and SMAPI emulators. Only `runtime-versions`
 * is not applied (this machine's Node and Python run instead).
 *
 * The install runs once (npm against the npm registry's cache); each test
 * then runs the build phase, the single deploy:skill command, for a push.
 * Failures that need no real package (a FAILED manifest update, a review,
 * an If-Match conflict) are tested faster in __tests__/deploy/deploy-skill.test.ts.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadEnvironment } from "../../config";
import { listZipEntries } from "../../lib/package";
import { RECORD_TAGS } from "../../lib/lambda/record-tags";
import { checkoutCopy, commitAll, copyTooling, parseBuildspec, runPhases, type Buildspec, type PhaseRun } from "../../lib/emulators/codebuild";
import { alexaSkillHandler, functionError, type InvokeContext } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, startReleaseWorld, type ReleaseWorld, type ReleaseWorldOptions } from "../../lib/emulators/release-world";
import { PipelineStack } from "../../stacks/pipeline-stack";
import { onlyResource, policyApp, synth } from "../helpers/synth";
import { buildWheelhouse, offlinePipEnv } from "../helpers/wheelhouse";

jest.setTimeout(300_000);

const PROJECT = path.resolve(__dirname, "..", "..");
const VOICEAPP311 = path.join(PROJECT, "__tests__", "fixtures", "voiceapp311");
const SUMMARY = "Answers questions about Boston: trash day, alerts, parking (changed by this push).";

let work: string;
let tooling: string;
let wheelhouse: string;
let spec: Buildspec;
let install: PhaseRun;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "buildspec-run-"));
  tooling = path.join(work, "tooling");
  const stack = new PipelineStack(policyApp(), "pipeline", { config: loadEnvironment({ env: {} }) });
  spec = parseBuildspec(onlyResource(synth(stack), "aws_codebuild_project").source.buildspec);
  await copyTooling(PROJECT, tooling);
  wheelhouse = await buildWheelhouse();
  [install] = await runPhases(spec, ["install"], codebuildEnv({ src: path.join(work, "none"), commit: "0".repeat(40) }), { cwd: work }) as [PhaseRun];
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(wheelhouse, { recursive: true, force: true });
});

/** CodeBuild's variables, the project's environment variables (as the stack declares them, pointed at the emulators) and pip offline. */
function codebuildEnv(options: { src: string; commit: string; world?: ReleaseWorld }): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CODEBUILD_SRC_DIR: options.src,
    CODEBUILD_SRC_DIR_tooling: tooling,
    CODEBUILD_RESOLVED_SOURCE_VERSION: options.commit,
    CODEBUILD_BUILD_ID: "BostonInfoSkill-deploy:test",
    PIPELINE_ENV: "example",
  };
  return offlinePipEnv(wheelhouse, { ...base, ...(options.world?.env ?? {}) });
}

async function runBuild(world: ReleaseWorld, src: string, commit: string): Promise<PhaseRun> {
  const [build] = await runPhases(spec, ["build"], codebuildEnv({ src, commit, world }), { cwd: src });
  return build as PhaseRun;
}

async function withWorld(options: ReleaseWorldOptions, test: (world: ReleaseWorld) => Promise<void>): Promise<void> {
  const world = await startReleaseWorld(options);
  try {
    await test(world);
    world.smapiEmu.assertNoSpecViolations();
  } finally {
    await world.close();
  }
}

/** voiceapp311 as pushed: a new summary in skill.json and a new sample utterance, so the manifest and the model change. */
async function pushedSkill(name: string, committedAt = "2026-11-25T10:00:00Z"): Promise<{ dir: string; commit: string }> {
  const dir = path.join(work, name);
  await checkoutCopy(VOICEAPP311, dir, { committedAt });
  const manifestFile = path.join(dir, "skill-package", "skill.json");
  const manifest = JSON.parse(await readFile(manifestFile, "utf8"));
  manifest.manifest.publishingInformation.locales["en-US"].summary = SUMMARY;
  await writeFile(manifestFile, JSON.stringify(manifest, null, 2));
  const modelFile = path.join(dir, "skill-package", "interactionModels", "custom", "en-US.json");
  const model = JSON.parse(await readFile(modelFile, "utf8"));
  const intent = model.interactionModel.languageModel.intents.find((i: { name: string; samples?: string[] }) => (i.samples ?? []).length > 0);
  intent.samples.push("tell me something new about boston");
  await writeFile(modelFile, JSON.stringify(model, null, 2));
  const commit = await commitAll(dir, "a push", committedAt);
  return { dir, commit };
}

const latestZipNames = (world: ReleaseWorld) => listZipEntries(world.lambdaEmu.state.get(FUNCTION_NAME).latest.code.zip).map((e) => e.name);
const latestSha = (world: ReleaseWorld) => world.lambdaEmu.state.get(FUNCTION_NAME).latest.code.sha256;

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await dirBytes(full);
    else if (entry.isFile()) total += (await stat(full)).size;
  }
  return total;
}

describe("the synthesized buildspec, executed as CodeBuild would", () => {
  it("installs only deploy:skill's own dependencies, not this project's (no full npm ci)", async () => {
    expect(install.code).toBe(0);
    // The tooling checkout itself gets no node_modules: nothing of cdktf, the provider, jest or TypeScript.
    expect(existsSync(path.join(tooling, "node_modules"))).toBe(false);
    const installed = await readdir(path.join(tooling, "tooling", "deploy-skill", "node_modules"));
    expect(installed).toEqual(expect.arrayContaining(["@aws-sdk", "ask-smapi-sdk", "esbuild", "zod", "yazl"]));
    for (const heavy of ["cdktf", "@cdktf", "cdktf-cli", "jest", "typescript", "@swc", "@octokit"]) expect(installed).not.toContain(heavy);
    // At most a tenth of the full install (about 1 GB).
    expect(await dirBytes(path.join(tooling, "tooling", "deploy-skill", "node_modules"))).toBeLessThan(100 * 1024 * 1024);
    expect(existsSync(path.join(tooling, "dist", "deploy-skill.cjs"))).toBe(true);
    expect(existsSync(path.join(tooling, "dist", "harness.py"))).toBe(true);
  });

  it("deploys a push: the package on $LATEST, the model and skill.json in the development stage, the endpoint untouched, the commit recorded", () =>
    withWorld({}, async (world) => {
      const endpointsBefore = world.smapiEmu.endpoints("development");
      const { dir, commit } = await pushedSkill("push");
      const build = await runBuild(world, dir, commit);
      expect({ code: build.code, stderr: build.stderr.includes("warning: Skill") }).toEqual({ code: 0, stderr: false });

      expect(latestZipNames(world)).toEqual(expect.arrayContaining([
        "lambda_function.py",
        "mycity/mycity_controller.py",
        "requests/__init__.py",
        "usaddress/__init__.py",
        "arcgis/gis.py",
      ]));
      expect(latestZipNames(world).filter((n) => /linux_wheels|__pycache__|\.pyc$/.test(n))).toEqual([]);
      const model = world.smapiEmu.interactionModel("development", "en-US") as { interactionModel: { languageModel: { intents: { samples?: string[] }[] } } };
      expect(model.interactionModel.languageModel.intents.some((i) => (i.samples ?? []).includes("tell me something new about boston"))).toBe(true);
      const manifest = world.smapiEmu.manifest("development") as { publishingInformation: { locales: Record<string, { summary: string }> } };
      expect(manifest.publishingInformation.locales["en-US"]?.summary).toBe(SUMMARY);
      expect(world.smapiEmu.endpoints("development")).toEqual(endpointsBefore);
      expect(world.lambdaEmu.state.tagsOf(FUNCTION_NAME)).toMatchObject({ [RECORD_TAGS.commit]: commit, [RECORD_TAGS.codeSha256]: latestSha(world) });

      // The same push again uploads nothing.
      const mutatingBefore = world.lambdaEmu.calls.mutating().length;
      const manifestUpdates = world.smapiEmu.callsTo("updateSkillManifestV1").length;
      const again = await runBuild(world, dir, commit);
      expect(again.code).toBe(0);
      expect(world.lambdaEmu.calls.mutating().length).toBe(mutatingBefore);
      expect(world.smapiEmu.callsTo("updateSkillManifestV1").length).toBe(manifestUpdates);
      expect(again.stdout + again.stderr).toContain("$LATEST already has this package: nothing to upload.");
    }));

  it("puts the previous code back when the new package passes the local check but $LATEST does not answer (exit 1), and stops before the model", () => {
    let original = "";
    const brokenInLambda = (ctx: InvokeContext) =>
      ctx.codeSha256 === original ? alexaSkillHandler(ctx) : functionError("Unable to import module 'lambda_function': No module named 'pycrfsuite._pycrfsuite'", "Runtime.ImportModuleError");
    return withWorld({ lambda: { invoke: brokenInLambda } }, async (world) => {
      original = latestSha(world);
      const modelBefore = world.smapiEmu.interactionModel("development", "en-US");
      const { dir, commit } = await pushedSkill("broken-in-lambda");
      const build = await runBuild(world, dir, commit);

      expect(build.code).toBe(1);
      expect(latestSha(world)).toBe(original);
      expect(world.lambdaEmu.state.get(FUNCTION_NAME).latest.lastUpdateStatus).toBe("Successful");
      expect(build.stderr).toContain("does not answer a LaunchRequest: the function failed with Runtime.ImportModuleError");
      expect(build.stderr).toContain(`The previous code was put back: $LATEST has SHA-256 ${original} again, verified by its hash, and it answers the LaunchRequest again.`);
      // Later steps did not run; the broken code's commit was not recorded.
      expect(world.smapiEmu.interactionModel("development", "en-US")).toEqual(modelBefore);
      expect(world.smapiEmu.callsTo("updateSkillManifestV1")).toEqual([]);
      expect(world.lambdaEmu.state.tagsOf(FUNCTION_NAME)[RECORD_TAGS.commit]).toBeUndefined();
    });
  });

  it("refuses an older build that finishes after a newer one (exit 3), shallow clone or full history, and changes nothing", () =>
    withWorld({}, async (world) => {
      const older = await pushedSkill("older", "2026-11-25T10:00:00Z");
      // The newer push: a descendant of the older commit, in a clone of its own.
      const newerDir = path.join(work, "newer");
      await cp(older.dir, newerDir, { recursive: true });
      await appendFile(path.join(newerDir, "mycity", "lambda_function.py"), "\n# the newer push\n");
      const newer = await commitAll(newerDir, "the newer push", "2026-11-25T11:00:00Z");

      expect((await runBuild(world, newerDir, newer)).code).toBe(0);
      const newerSha = latestSha(world);
      const mutating = world.lambdaEmu.calls.mutating().length;
      const smapiCalls = world.smapiEmu.calls.length;

      // The older build's clone does not have the newer commit (CodeBuild clones one commit deep): committer times decide.
      const shallow = await runBuild(world, older.dir, older.commit);
      expect(shallow.code).toBe(3);
      expect(shallow.stderr).toContain(`Refusing to replace the code of ${FUNCTION_NAME}'s $LATEST: $LATEST holds commit ${newer.slice(0, 7)} (committed 2026-11-25T11:00:00.000Z), newer than this build's commit ${older.commit.slice(0, 7)}`);
      // With the history at hand, ancestry decides.
      execFileSync("git", ["checkout", "-q", older.commit], { cwd: newerDir });
      const full = await runBuild(world, newerDir, older.commit);
      expect(full.code).toBe(3);
      expect(full.stderr).toContain(`$LATEST holds commit ${newer.slice(0, 7)}, which descends from this build's commit ${older.commit.slice(0, 7)}`);

      expect(latestSha(world)).toBe(newerSha);
      expect(world.lambdaEmu.calls.mutating().length).toBe(mutating);
      expect(world.smapiEmu.calls.slice(smapiCalls).filter((c) => c.method !== "GET" && !c.path.includes("/auth/"))).toEqual([]);
    }));
});
