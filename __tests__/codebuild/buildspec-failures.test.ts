import { execFileSync } from "node:child_process";
import { appendFile, cp } from "node:fs/promises";
import * as path from "node:path";
import { RECORD_TAGS } from "../../lib/lambda/record-tags";
import { alexaSkillHandler, functionError, type InvokeContext } from "../../lib/emulators/lambda";
import { FUNCTION_NAME } from "../../lib/emulators/release-world";
import { commitAll } from "../../lib/emulators/codebuild";
import { latestSha, pushedSkill, runBuild, useBuildspec, withWorld } from "./buildspec-harness";

/** Failures of a push that need a real package, through the synthesized buildspec (see buildspec-harness.ts). */
const harness = useBuildspec();

describe("the synthesized buildspec, executed as CodeBuild would: failures", () => {
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
      const newerDir = path.join(harness.work(), "newer");
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
