/**
 * The buildspec that synth produces, executed: its install and build phases
 * run with bash as CodeBuild runs them (lib/emulators/codebuild.ts), on a copy
 * of this project as the `tooling` secondary source and a committed copy of
 * voiceapp311 as the primary source, offline against the stand-in
 * wheelhouse, against the Lambda and SMAPI emulators. Only `runtime-versions`
 * is not applied (this machine's Node and Python run instead).
 *
 * The install runs once per test file (npm against the npm registry's cache);
 * each test then runs the build phase, the single deploy:skill command, for a
 * push. buildspec-run.test.ts deploys pushes; buildspec-failures.test.ts the
 * failures that need a real package.
 * Failures that need no real package (a FAILED manifest update, a review,
 * an If-Match conflict) are tested faster in __tests__/deploy/deploy-skill.test.ts.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadEnvironment } from "../../config";
import { listZipEntries } from "../../lib/package";
import { checkoutCopy, commitAll, copyTooling, parseBuildspec, runPhases, type Buildspec, type PhaseRun } from "../../lib/emulators/codebuild";
import { FUNCTION_NAME, startReleaseWorld, type ReleaseWorld, type ReleaseWorldOptions } from "../../lib/emulators/release-world";
import { PipelineStack } from "../../stacks/pipeline-stack";
import { onlyResource, policyApp, synth } from "../helpers/synth";
import { buildWheelhouse, offlinePipEnv } from "../helpers/wheelhouse";

const PROJECT = path.resolve(__dirname, "..", "..");
const VOICEAPP311 = path.join(PROJECT, "__tests__", "fixtures", "voiceapp311");
export const SUMMARY = "Answers questions about Boston: trash day, alerts, parking (changed by this push).";

let work: string;
let tooling: string;
let wheelhouse: string;
let spec: Buildspec;
let install: PhaseRun;

/**
 * Registers the install of the synthesized buildspec (once per test file) and
 * its clean-up. Two test files share this, so jest runs them side by side.
 */
export function useBuildspec(): { work: () => string; tooling: () => string; install: () => PhaseRun } {
  jest.setTimeout(300_000);
  beforeAll(setUp);
  afterAll(tearDown);
  return { work: () => work, tooling: () => tooling, install: () => install };
}

async function setUp(): Promise<void> {
  work = await mkdtemp(path.join(tmpdir(), "buildspec-run-"));
  tooling = path.join(work, "tooling");
  const stack = new PipelineStack(policyApp(), "pipeline", { config: loadEnvironment({ env: {} }) });
  spec = parseBuildspec(onlyResource(synth(stack), "aws_codebuild_project").source.buildspec);
  await copyTooling(PROJECT, tooling);
  wheelhouse = await buildWheelhouse();
  [install] = await runPhases(spec, ["install"], codebuildEnv({ src: path.join(work, "none"), commit: "0".repeat(40) }), { cwd: work }) as [PhaseRun];
}

async function tearDown(): Promise<void> {
  await rm(work, { recursive: true, force: true });
  await rm(wheelhouse, { recursive: true, force: true });
}

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

export async function runBuild(world: ReleaseWorld, src: string, commit: string): Promise<PhaseRun> {
  const [build] = await runPhases(spec, ["build"], codebuildEnv({ src, commit, world }), { cwd: src });
  return build as PhaseRun;
}

export async function withWorld(options: ReleaseWorldOptions, test: (world: ReleaseWorld) => Promise<void>): Promise<void> {
  const world = await startReleaseWorld(options);
  try {
    await test(world);
    world.smapiEmu.assertNoSpecViolations();
  } finally {
    await world.close();
  }
}

/** voiceapp311 as pushed: a new summary in skill.json and a new sample utterance, so the manifest and the model change. */
export async function pushedSkill(name: string, committedAt = "2026-11-25T10:00:00Z"): Promise<{ dir: string; commit: string }> {
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

export const latestZipNames = (world: ReleaseWorld) => listZipEntries(world.lambdaEmu.state.get(FUNCTION_NAME).latest.code.zip).map((e) => e.name);
export const latestSha = (world: ReleaseWorld) => world.lambdaEmu.state.get(FUNCTION_NAME).latest.code.sha256;

export async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await dirBytes(full);
    else if (entry.isFile()) total += (await stat(full)).size;
  }
  return total;
}

