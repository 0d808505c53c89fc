import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import * as path from "node:path";
import { RECORD_TAGS } from "../../lib/lambda/record-tags";
import { FUNCTION_NAME } from "../../lib/emulators/release-world";
import { dirBytes, latestSha, latestZipNames, pushedSkill, runBuild, SUMMARY, useBuildspec, withWorld } from "./buildspec-harness";

/** The synthesized buildspec, executed as CodeBuild runs it (see buildspec-harness.ts): the install, then pushes. */
const harness = useBuildspec();

describe("the synthesized buildspec, executed as CodeBuild would", () => {
  it("installs only deploy:skill's own dependencies, not this project's (no full npm ci)", async () => {
    expect(harness.install().code).toBe(0);
    // The tooling checkout itself gets no node_modules: nothing of cdktf, the provider, jest or TypeScript.
    expect(existsSync(path.join(harness.tooling(), "node_modules"))).toBe(false);
    const installed = await readdir(path.join(harness.tooling(), "tooling", "deploy-skill", "node_modules"));
    expect(installed).toEqual(expect.arrayContaining(["@aws-sdk", "ask-smapi-sdk", "esbuild", "zod", "yazl"]));
    for (const heavy of ["cdktf", "@cdktf", "cdktf-cli", "jest", "typescript", "@swc", "@octokit"]) expect(installed).not.toContain(heavy);
    // At most a tenth of the full install (about 1 GB).
    expect(await dirBytes(path.join(harness.tooling(), "tooling", "deploy-skill", "node_modules"))).toBeLessThan(100 * 1024 * 1024);
    expect(existsSync(path.join(harness.tooling(), "dist", "deploy-skill.cjs"))).toBe(true);
    expect(existsSync(path.join(harness.tooling(), "dist", "harness.py"))).toBe(true);
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
});
