import { createHash } from "node:crypto";
import { GetFunctionConfigurationCommand, UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { ExitCode } from "../../lib/errors";
import { type ReleaseDeps } from "../../lib/release/deps";
import { DryRunPlan } from "../../lib/dry-run";
import { readAlias } from "../../lib/release/read-state";
import { moveAlias } from "../../lib/release/steps/alias";
import { alexaStatement, checkAlexaPermission } from "../../lib/release/steps/permission";
import { PLANNED_VERSION, publishLatest } from "../../lib/lambda/publish";
import { versionDescription } from "../../lib/lambda/commit";
import { alexaResponseProblems } from "../../lib/alexa/launch";
import { SmokeTestFailed, smokeTest } from "../../lib/lambda/smoke-test";
import { alexaSkillHandler, functionError, makeZip, type InvokeContext } from "../../lib/emulators/lambda";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { failure, releaseDeps, within } from "../helpers/release-run";

/** A full commit SHA, as CodeBuild gives it: descriptions carry its first 7 characters. */
const COMMIT = "3f9c2a1d0b7e4c5f6a8b9c0d1e2f3a4b5c6d7e8f";

const depsOf = (world: ReleaseWorld, extra: Partial<ReleaseDeps> = {}): ReleaseDeps => releaseDeps(world, { resolveCommit: async () => COMMIT, ...extra });

describe("publishLatest", () => {
  it("waits for an update in progress, then publishes with the CodeSha256 and RevisionId read and a description of the date and commit", () =>
    // The update lasts until the step's second read, however slow the machine: outcomes, not timings.
    within({ lambda: { updateDurationMs: 3_600_000 } }, async (world) => {
      const pkg = makeZip({ "lambda_function.py": "# new code\n" });
      const updated = await world.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION_NAME, ZipFile: pkg }));
      expect(updated.LastUpdateStatus).toBe("InProgress");
      let reads = 0;
      world.lambdaEmu.faults.before("GetFunctionConfiguration", () => {
        if (++reads === 2) world.lambdaEmu.state.finishUpdate(FUNCTION_NAME);
      });

      const published = await publishLatest(depsOf(world), { names: world.names });

      expect(published).toEqual({ version: "2", codeSha256: updated.CodeSha256, description: versionDescription(new Date(), COMMIT), outcome: "published" });
      expect(published.description).toMatch(/^\d{4}-\d\d-\d\d commit 3f9c2a1$/);
      const v2 = await world.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION_NAME, Qualifier: "2" }));
      expect(v2).toMatchObject({ Description: published.description, CodeSha256: updated.CodeSha256 });
      // It polled while the update was in progress, said so, and published only once it had finished.
      expect(world.output.lines.some((l) => l.kind === "progress" && /waiting for the update .* InProgress/.test(l.text))).toBe(true);
      const ops = world.lambdaEmu.calls.operations();
      expect(ops.filter((o) => o === "GetFunctionConfiguration").length).toBeGreaterThan(1);
      expect(world.lambdaEmu.calls.of("PublishVersion").map((c) => c.status)).toEqual([201]);
      expect(world.output.text()).toContain("Published $LATEST as version 2");
    }));

  it("gives back the version already published when $LATEST is unchanged, and says so", () =>
    within({}, async (world) => {
      const first = await publishLatest(depsOf(world), { names: world.names });
      const second = await publishLatest(depsOf(world, { resolveCommit: async () => "0123456789" }), { names: world.names });
      expect(second).toMatchObject({ version: first.version, outcome: "existing", description: first.description });
      expect(world.output.text()).toContain(`already published as version ${first.version}`);
      expect(world.lambdaEmu.state.listVersions(FUNCTION_NAME).map((v) => v.version)).toEqual(["$LATEST", "1", "2"]);
    }));

  it("refuses to publish after a failed update, with Lambda's reason", () =>
    within({ lambda: { updateDurationMs: 0 } }, async (world) => {
      world.lambdaEmu.state.failNextUpdate(FUNCTION_NAME, "Lambda was unable to decrypt the environment variables.", "KMSAccessDenied");
      await world.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION_NAME, ZipFile: makeZip({ "x.py": "x" }) }));
      const error = await failure(publishLatest(depsOf(world), { names: world.names }));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(error.message).toMatch(/last update .* failed \(KMSAccessDenied: Lambda was unable to decrypt/);
      expect(world.lambdaEmu.calls.mutating().map((c) => c.operation)).toEqual(["UpdateFunctionCode"]);
    }));

  it("publishes nothing when $LATEST changed after it was read (exit 4)", () =>
    within({ lambda: { updateDurationMs: 0 } }, async (world) => {
      const read = await world.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION_NAME }));
      await world.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION_NAME, ZipFile: makeZip({ "y.py": "y" }) }));
      const latest = { codeSha256: read.CodeSha256 ?? "", revisionId: read.RevisionId ?? "", lastUpdateStatus: "Successful", lastModified: "" };
      const error = await failure(publishLatest(depsOf(world), { names: world.names, latest }));
      expect(error.exitCode).toBe(ExitCode.Conflict);
      expect(error.message).toMatch(/\$LATEST changed after it was read/);
      expect(world.lambdaEmu.state.listVersions(FUNCTION_NAME)).toHaveLength(2);
    }));

  it("publishes nothing when $LATEST does not hold the code expected, even with a current RevisionId (exit 4)", () =>
    within({}, async (world) => {
      // deploy:function publishes "this package": the code hash is its own precondition, not implied by the revision.
      const read = await world.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION_NAME }));
      const expected = makeZip({ "lambda_function.py": "# the package the caller checked\n" });
      const latest = { codeSha256: createHash("sha256").update(expected).digest("base64"), revisionId: read.RevisionId ?? "", lastUpdateStatus: "Successful", lastModified: "" };
      const error = await failure(publishLatest(depsOf(world), { names: world.names, latest }));
      expect(error.exitCode).toBe(ExitCode.Conflict);
      expect(error.message).toContain(`its code is no longer ${latest.codeSha256}`);
      expect(world.lambdaEmu.state.listVersions(FUNCTION_NAME).map((v) => v.version)).toEqual(["$LATEST", "1"]);
    }));

  it("under --dry-run publishes nothing and stands for the version it would publish", () =>
    within({}, async (world) => {
      const dryRun = new DryRunPlan();
      const planned = await publishLatest(depsOf(world, { dryRun }), { names: world.names });
      expect(planned).toMatchObject({ version: PLANNED_VERSION, outcome: "planned" });
      expect(dryRun.calls).toEqual([expect.stringMatching(/^publish \$LATEST of BostonInfoSkill as a version \(CodeSha256 .*\), described "\d{4}-\d\d-\d\d commit 3f9c2a1"$/)]);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
    }));
});

describe("moveAlias", () => {
  it("moves with the RevisionId read, returns the new one, and does nothing when the alias is already there", () =>
    within({ versions: 2 }, async (world) => {
      const deps = depsOf(world);
      const blue = await readAlias(world.lambda, FUNCTION_NAME, "blue");
      const revision = await moveAlias(deps, { alias: blue!, toVersion: "2", description: "previous-version=1" });
      const after = world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue");
      expect(after).toMatchObject({ functionVersion: "2", description: "previous-version=1", revisionId: revision });

      world.lambdaEmu.calls.clear();
      const again = await moveAlias(deps, { alias: (await readAlias(world.lambda, FUNCTION_NAME, "blue"))!, toVersion: "2", description: "previous-version=1" });
      expect(again).toBe(revision);
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
    }));

  it("clears weighted routing, so the alias runs exactly the version that was checked", () =>
    within({ versions: 3 }, async (world) => {
      world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "1", { "3": 0.1 }); // a canary left running
      const blue = await readAlias(world.lambda, FUNCTION_NAME, "blue");
      await moveAlias(depsOf(world), { alias: blue!, toVersion: "2" });
      const after = world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue");
      expect(after.functionVersion).toBe("2");
      expect(after.additionalVersionWeights).toBeUndefined();
    }));

  it("reports a stale RevisionId as a concurrent change naming the alias's current version, and overwrites nothing", () =>
    within({ versions: 3 }, async (world) => {
      const blue = await readAlias(world.lambda, FUNCTION_NAME, "blue");
      world.lambdaEmu.state.setAlias(FUNCTION_NAME, "blue", "3"); // another operator, after our read
      const error = await failure(moveAlias(depsOf(world), { alias: blue!, toVersion: "2" }));
      expect(error.exitCode).toBe(ExitCode.Conflict);
      expect(error.message).toMatch(/Alias blue was changed by someone else after it was read at version 1: it now points at version 3/);
      expect(world.lambdaEmu.state.getAlias(FUNCTION_NAME, "blue").functionVersion).toBe("3");
    }));
});

describe("smokeTest", () => {
  it("passes on the default handler, sending a LaunchRequest built from the configuration", () => {
    const seen: InvokeContext[] = [];
    return within(
      { lambda: { invoke: (ctx) => (seen.push(ctx), alexaSkillHandler(ctx)) } },
      async (world) => {
        const result = await smokeTest(depsOf(world), { qualifier: "blue", expectVersion: "1" });
        expect(result).toEqual({ qualifier: "blue", executedVersion: "1", speech: "Welcome to Boston Info. What would you like to know?" });
        const payload = seen[0]?.payload as { session: any; context: any; request: any };
        expect(payload.context.System.application.applicationId).toBe(world.config.skill.id);
        expect(payload.session.application.applicationId).toBe(world.config.skill.id);
        expect(payload.request).toMatchObject({ type: "LaunchRequest", locale: world.config.skill.locales[0], requestId: expect.stringMatching(/^amzn1\.echo-api\.request\./) });
        expect(payload.request.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(world.lambdaEmu.calls.of("Invoke")).toHaveLength(1);
      },
    );
  });

  it("fails, saying exactly what is wrong, on a version whose handler answers garbage or raises", () =>
    within(
      {
        versions: 4,
        lambda: {
          invoke: (ctx) => {
            if (ctx.resolvedVersion === "2") return { hello: "world" };
            if (ctx.resolvedVersion === "3") return functionError("'NoneType' object has no attribute 'get'", "AttributeError");
            if (ctx.resolvedVersion === "4") return { version: "1.0", response: { outputSpeech: { type: "PlainText", text: "" } } };
            return alexaSkillHandler(ctx);
          },
        },
      },
      async (world) => {
        const garbage = await failure(smokeTest(depsOf(world), { qualifier: "2" }));
        expect(garbage).toBeInstanceOf(SmokeTestFailed);
        expect(garbage.exitCode).toBe(ExitCode.Failed);
        expect(garbage.message).toBe('Version 2 failed its smoke test (a LaunchRequest): it has no "version" string; it has no "response" object.');
        const raised = await failure(smokeTest(depsOf(world), { qualifier: "3" }));
        expect(raised.message).toBe("Version 3 failed its smoke test (a LaunchRequest): the function failed with AttributeError: 'NoneType' object has no attribute 'get'.");
        const silent = await failure(smokeTest(depsOf(world), { qualifier: "4" }));
        expect(silent.message).toContain("PlainText without text");
        const missing = await failure(smokeTest(depsOf(world), { qualifier: "9" }));
        expect(missing.message).toMatch(/BostonInfoSkill:9 does not exist/);
      },
    ));

  it("fails when the alias ran another version than the one it must run (ExecutedVersion)", () =>
    within({ versions: 2 }, async (world) => {
      // Right after a move, the alias must answer from the version it was moved to, not from the one it left.
      const error = await failure(smokeTest(depsOf(world), { qualifier: "blue", expectVersion: "2" }));
      expect(error).toBeInstanceOf(SmokeTestFailed);
      expect(error.message).toContain("version 1 answered instead of version 2");
      await expect(smokeTest(depsOf(world), { qualifier: "blue", expectVersion: "1" })).resolves.toMatchObject({ executedVersion: "1" });
    }));

  it("only lists a check of what does not exist yet under --dry-run", () =>
    within({}, async (world) => {
      const dryRun = new DryRunPlan();
      const result = await smokeTest(depsOf(world, { dryRun }), { qualifier: PLANNED_VERSION });
      expect(result).toEqual({ qualifier: PLANNED_VERSION, planned: true });
      expect(dryRun.calls).toEqual([`invoke BostonInfoSkill:${PLANNED_VERSION} with a LaunchRequest and check the answer (smoke test)`]);
      expect(world.lambdaEmu.calls.of("Invoke")).toEqual([]);
    }));

  it("recognises well-formed answers with SSML or only directives", () => {
    expect(alexaResponseProblems({ version: "1.0", response: { outputSpeech: { type: "SSML", ssml: "<speak>Hi</speak>" } } })).toEqual([]);
    expect(alexaResponseProblems({ version: "1.0", response: { directives: [{ type: "Dialog.Delegate" }] } })).toEqual([]);
    expect(alexaResponseProblems({ version: "1.0", response: {} })).toEqual([expect.stringContaining("neither outputSpeech nor directives")]);
    expect(alexaResponseProblems(null)).toEqual(["the answer is null, not an Alexa response object"]);
  });
});

describe("checkAlexaPermission", () => {
  it("passes on the function and the seeded aliases, and refuses an alias without this skill's permission (exit 3)", () =>
    within({ live: "legacy" }, async (world) => {
      const deps = depsOf(world);
      for (const qualifier of [undefined, "blue", "green", "production-3"]) {
        await expect(checkAlexaPermission(deps, qualifier ? { qualifier } : {})).resolves.toEqual({ statementId: expect.stringMatching(/^AlexaSkillsKit/) });
      }
      world.lambdaEmu.state.setAlias(FUNCTION_NAME, "orange", "1");
      const none = await failure(checkAlexaPermission(deps, { qualifier: "orange" }));
      expect(none.exitCode).toBe(ExitCode.Refused);
      expect(none.message).toMatch(/Alexa may not invoke BostonInfoSkill:orange .*no resource policy.*npx cdktf deploy/);

      world.lambdaEmu.state.addPermission(FUNCTION_NAME, "orange", {
        StatementId: "other-skill", Action: "lambda:InvokeFunction", Principal: "alexa-appkit.amazon.com", EventSourceToken: "amzn1.ask.skill.other",
      });
      const other = await failure(checkAlexaPermission(deps, { qualifier: "orange" }));
      expect(other.message).toContain("scoped to other skills (amzn1.ask.skill.other)");
      expect(world.lambdaEmu.calls.mutating()).toEqual([]);
    }));

  it("requires the statement to be scoped to the skill", () => {
    const statement = { Sid: "open", Effect: "Allow", Principal: { Service: "alexa-appkit.amazon.com" }, Action: "lambda:InvokeFunction" };
    expect(alexaStatement({ Statement: [statement] }, "amzn1.ask.skill.x")).toEqual({ problem: expect.stringContaining("not scoped to a skill") });
    expect(alexaStatement({ Statement: [] }, "amzn1.ask.skill.x")).toEqual({ problem: expect.stringContaining("no statement lets") });
  });
});
