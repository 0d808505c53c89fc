/**
 * The CodeBuild job: the install phase of the synthesized buildspec (the lean
 * install of tooling/deploy-skill and the esbuild bundle) against the install
 * it replaced (this project's full `npm ci`), measured in the same run on
 * temporary copies with the same warm npm cache; then the build phase,
 * deploy:skill end to end, against the Lambda and SMAPI emulators with
 * 100 ms added to every call, for a push and for the same push again.
 *
 * The skill is a minimal one that satisfies the example configuration's
 * recipe with no third-party requirement (PyPI is unreachable here): the
 * point is the pipeline's own cost, not pip's.
 */
import { spawnSync } from "node:child_process";
import { copyFile, cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadEnvironment } from "../config";
import { checkoutCopy, copyTooling, parseBuildspec, runPhases, type Buildspec } from "../lib/emulators/codebuild";
import { startReleaseWorld } from "../lib/emulators/release-world";
import { PipelineStack } from "../stacks/pipeline-stack";
import { App, Testing } from "cdktf";
import { ROOT, type BenchResult } from "./measure";

const LATENCY_MS = 100;

export async function benchCodeBuild(): Promise<BenchResult> {
  const work = await mkdtemp(path.join(tmpdir(), "bench-codebuild-"));
  try {
    const spec = synthesizedBuildspec();
    const tooling = path.join(work, "tooling");
    await copyTooling(ROOT, tooling);
    const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CODEBUILD_SRC_DIR_tooling: tooling };

    const [lean] = await runPhases(spec, ["install"], { ...baseEnv, CODEBUILD_SRC_DIR: work }, { cwd: work });
    if (lean?.code !== 0) throw new Error(`the lean install failed:\n${lean?.stderr}`);
    const leanBytes = bytes(path.join(tooling, "tooling", "deploy-skill", "node_modules")) + bytes(path.join(tooling, "dist"));

    const full = path.join(work, "full");
    await mkdir(full);
    for (const file of ["package.json", "package-lock.json"]) await copyFile(path.join(ROOT, file), path.join(full, file));
    const started = Date.now();
    const npm = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: full, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
    const fullMs = Date.now() - started;
    if (npm.status !== 0) throw new Error(`the full npm ci failed:\n${npm.stderr}`);
    const fullBytes = bytes(path.join(full, "node_modules"));
    await rm(full, { recursive: true, force: true });

    const skill = await minimalSkill(work);
    const world = await startReleaseWorld({ latencyMs: LATENCY_MS });
    try {
      const env = { ...baseEnv, ...world.env, CODEBUILD_SRC_DIR: skill.dir, CODEBUILD_RESOLVED_SOURCE_VERSION: skill.commit, PIPELINE_ENV: "example", PIP_NO_INDEX: "1" };
      const [push] = await runPhases(spec, ["build"], env, { cwd: skill.dir });
      if (push?.code !== 0) throw new Error(`deploy:skill failed:\n${push?.stderr}`);
      const callsAfterPush = { lambda: world.lambdaEmu.calls.count(), smapi: world.smapiEmu.calls.length };
      const [again] = await runPhases(spec, ["build"], env, { cwd: skill.dir });
      if (again?.code !== 0) throw new Error(`deploy:skill (again) failed:\n${again?.stderr}`);
      const mb = (n: number) => Math.round(n / 2 ** 20);
      return {
        name: "CodeBuild job: install phase (lean vs today's full npm ci) and deploy:skill end to end",
        metrics: {
          leanInstallMs: lean.durationMs,
          leanInstallMb: mb(leanBytes),
          fullNpmCiMs: fullMs,
          fullNpmCiMb: mb(fullBytes),
          bytesRatioPercent: Math.round((leanBytes / fullBytes) * 1000) / 10,
          timeRatioPercent: Math.round((lean.durationMs / fullMs) * 1000) / 10,
          latencyPerCallMs: LATENCY_MS,
          deploySkillPushMs: push.durationMs,
          deploySkillUnchangedMs: again.durationMs,
          lambdaCallsPush: callsAfterPush.lambda,
          smapiCallsPush: callsAfterPush.smapi,
        },
        notes:
          `Install: ${mb(leanBytes)} MB in ${(lean.durationMs / 1000).toFixed(1)} s (npm ci of tooling/deploy-skill, then the esbuild bundle) against ` +
          `${mb(fullBytes)} MB in ${(fullMs / 1000).toFixed(1)} s for this project's npm ci, both with a warm npm cache. ` +
          `deploy:skill with ${LATENCY_MS} ms per call: a push ${(push.durationMs / 1000).toFixed(1)} s (build, upload, wait, LaunchRequest, model build, manifest), ` +
          `the same push again ${(again.durationMs / 1000).toFixed(1)} s (reads only).`,
      };
    } finally {
      await world.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function synthesizedBuildspec(): Buildspec {
  const app = Testing.app() as App;
  const stack = new PipelineStack(app, "pipeline", { config: loadEnvironment({ env: {} }) });
  const json = JSON.parse(Testing.synth(stack)) as { resource: { aws_codebuild_project: Record<string, { source: { buildspec: string } }> } };
  const project = Object.values(json.resource.aws_codebuild_project)[0];
  if (!project) throw new Error("the pipeline stack has no CodeBuild project");
  return parseBuildspec(project.source.buildspec);
}

function bytes(dir: string): number {
  const du = spawnSync("du", ["-sb", dir], { encoding: "utf8" });
  return Number(du.stdout.split(/\s/)[0] ?? 0);
}

/** A skill that the example configuration's recipe builds without third-party packages, committed. */
async function minimalSkill(work: string): Promise<{ dir: string; commit: string }> {
  const source = path.join(work, "skill-source");
  const write = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(source, file)), { recursive: true });
    await writeFile(path.join(source, file), text);
  };
  await write(
    "mycity/lambda_function.py",
    [
      "def lambda_handler(event, context):",
      "    return {'version': '1.0', 'response': {'outputSpeech': {'type': 'PlainText', 'text': 'Welcome to Boston Info.'}, 'shouldEndSession': False}}",
      "",
    ].join("\n"),
  );
  await write("mycity/mycity/__init__.py", "");
  await write("mycity/mycity/deploy_tools/requirements.txt", "");
  await write("mycity/mycity/deploy_tools/requirements_no_deps.txt", "");
  await write("mycity/mycity/deploy_tools/linux_wheels/.keep", "");
  const fixture = path.join(ROOT, "lib", "emulators", "fixtures", "voiceapp311-skill-package");
  await cp(fixture, path.join(source, "skill-package"), { recursive: true });
  const dir = path.join(work, "skill");
  const commit = await checkoutCopy(source, dir);
  return { dir, commit };
}
