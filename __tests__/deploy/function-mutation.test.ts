import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { loadEnvironment } from "../../config";
import { awsClientConfig } from "../../lib/aws/client-config";
import { deployFunction, type DeployFunctionOptions } from "../../lib/deploy/function";
import { ExitCode } from "../../lib/errors";
import type { CommitHistory } from "../../lib/lambda/commit";
import { RECORD_TAGS, tagsOfRecord } from "../../lib/lambda/record-tags";
import { recordingOutput } from "../../lib/output";
import { alexaSkillHandler, functionError, makeZip, startLambdaEmulator, type InvokeContext, type LambdaEmulator, type LambdaEmulatorOptions } from "../../lib/emulators/lambda";
import { fakeClock } from "../helpers/fake-clock";
import { failure } from "../helpers/release-run";

/**
 * deploy:function (lib/deploy/function.ts) called directly against the Lambda
 * emulator on a fake clock: `$LATEST` never stays on code that does not answer
 * when working code is known (invariant 8), an older build never replaces a
 * newer one, the commit record names what `$LATEST` holds, and a dry run
 * changes nothing (invariant 6).
 */

const FN = "BostonInfoSkill";
const NEW = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const OLD = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const config = loadEnvironment({ env: {} });
const pkg = makeZip({ "lambda_function.py": "def lambda_handler(event, context):\n    return {}\n" });
const sha = (zip: Buffer) => createHash("sha256").update(zip).digest("base64");

let work: string;
let zipFile: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "function-mutation-"));
  zipFile = join(work, "skill.zip");
  await writeFile(zipFile, pkg);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const open: LambdaEmulator[] = [];
afterEach(async () => {
  for (const emu of open.splice(0)) await emu.close();
});

interface Harness {
  emu: LambdaEmulator;
  output: ReturnType<typeof recordingOutput>;
  clock: ReturnType<typeof fakeClock>;
  deploy(options?: Partial<DeployFunctionOptions>, deps?: { commit?: string | undefined; history?: CommitHistory; lambda?: LambdaClient }): ReturnType<typeof deployFunction>;
}

async function harness(lambda: LambdaEmulatorOptions = {}): Promise<Harness> {
  const clock = fakeClock(Date.UTC(2026, 10, 25, 14, 30));
  const emu = await startLambdaEmulator({ now: clock.now, updateDurationMs: 1000, ...lambda });
  open.push(emu);
  const output = recordingOutput();
  const client = new LambdaClient({ ...awsClientConfig({ region: emu.region }), endpoint: emu.url, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
  return {
    emu,
    output,
    clock,
    deploy: (options = {}, deps = {}) =>
      deployFunction(
        { functionName: FN, region: emu.region, source: { kind: "zip", file: zipFile }, publish: false, dryRun: false, timeoutMs: 60_000, launch: config, ...options },
        {
          lambda: deps.lambda ?? client,
          s3: () => {
            throw new Error("no S3 in these tests");
          },
          output,
          clock,
          resolveCommit: async () => ("commit" in deps ? deps.commit : NEW),
          ...(deps.history && { history: deps.history }),
        },
      ),
  };
}

const latest = (emu: LambdaEmulator) => emu.state.get(FN).latest;
const updates = (emu: LambdaEmulator) => emu.calls.of("UpdateFunctionCode").length;
/** Only code with this hash answers; any other fails to import. */
const onlyAnswers = (hash: () => string) => (ctx: InvokeContext) =>
  ctx.codeSha256 === hash() ? alexaSkillHandler(ctx) : functionError("Unable to import module 'lambda_function'", "Runtime.ImportModuleError");
const record = (emu: LambdaEmulator, commit: string, extra: { committedAt?: string; codeSha256?: string } = {}) =>
  emu.state.tagFunction(FN, tagsOfRecord({ commit, codeSha256: extra.codeSha256 ?? latest(emu).code.sha256, ...(extra.committedAt !== undefined && { committedAt: extra.committedAt }) }));
const olderThanNew: CommitHistory = { committedAt: async () => undefined, isAncestor: async (a, d) => a === OLD && d === NEW };

describe("deployFunction: the build order (a newer commit on $LATEST is never replaced by an older build)", () => {
  it("an older build of the code $LATEST already has changes nothing and keeps the newer commit's record (exit 0)", async () => {
    const h = await harness({ functions: [{ name: FN, code: pkg }] });
    record(h.emu, NEW);
    const result = await h.deploy({}, { commit: OLD, history: olderThanNew });
    expect(result.action).toBe("skipped");
    expect(h.emu.calls.mutating()).toEqual([]);
    expect(h.emu.state.tagsOf(FN)[RECORD_TAGS.commit]).toBe(NEW);
    expect(result.record).toBeUndefined();
  });

  it("an older build is refused (exit 3, nothing changed) even with the same code when $LATEST's last update failed", async () => {
    const h = await harness({ functions: [{ name: FN, code: pkg }] });
    h.emu.state.failNextUpdate(FN, "Lambda was unable to configure your environment", "EniLimitExceeded");
    h.emu.state.updateCode(FN, makeZip({ "other.py": "x" }));
    h.emu.state.finishUpdate(FN);
    expect(latest(h.emu)).toMatchObject({ lastUpdateStatus: "Failed", code: { sha256: sha(pkg) } });
    record(h.emu, NEW);
    const error = await failure(h.deploy({}, { commit: OLD, history: olderThanNew }));
    expect(error.exitCode).toBe(ExitCode.Refused);
    expect(h.emu.calls.mutating()).toEqual([]);
  });

  it("records the commit and its committer time on a deploy, and does not tag again when the record already says so", async () => {
    const h = await harness();
    const history: CommitHistory = { committedAt: async () => "2026-11-25T10:00:00.000Z", isAncestor: async () => undefined };
    const first = await h.deploy({}, { history });
    expect(first.record).toEqual({ commit: NEW, codeSha256: sha(pkg), committedAt: "2026-11-25T10:00:00.000Z" });
    h.emu.calls.clear();
    const second = await h.deploy({}, { history });
    expect(second.record).toEqual(first.record);
    expect(h.emu.calls.mutating()).toEqual([]);
  });

  it("a record of the same commit but other code is written again: the record names the code $LATEST holds", async () => {
    const h = await harness();
    record(h.emu, NEW, { codeSha256: "code-of-another-build-of-this-commit=" });
    const result = await h.deploy({}, { history: olderThanNew });
    expect(h.emu.calls.of("TagResource")).toHaveLength(1);
    expect(h.emu.state.tagsOf(FN)[RECORD_TAGS.codeSha256]).toBe(sha(pkg));
    expect(result.record).toMatchObject({ commit: NEW, codeSha256: sha(pkg) });
  });

  it("a GetFunction refused (access denied) is a typed failure before anything changes", async () => {
    const h = await harness();
    h.emu.faults.failNext("GetFunction", { status: 403, errorType: "AccessDeniedException", message: "not allowed: lambda:GetFunction" });
    const error = await failure(h.deploy());
    expect(error.exitCode).toBe(ExitCode.Failed);
    expect(h.emu.calls.mutating()).toEqual([]);
  });

  it("a record with another committer time is written again", async () => {
    const h = await harness({ functions: [{ name: FN, code: pkg }] });
    record(h.emu, NEW, { committedAt: "2026-11-25T09:00:00.000Z" });
    const result = await h.deploy({}, { history: { committedAt: async () => "2026-11-25T10:00:00.000Z", isAncestor: async () => undefined } });
    expect(h.emu.calls.of("TagResource")).toHaveLength(1);
    expect(result.record?.committedAt).toBe("2026-11-25T10:00:00.000Z");
  });

  it("without a known commit nothing is recorded and nothing is refused", async () => {
    const h = await harness();
    record(h.emu, NEW);
    const result = await h.deploy({}, { commit: undefined, history: olderThanNew });
    expect(result.action).toBe("updated");
    expect(result.record).toBeUndefined();
    expect(h.emu.calls.of("TagResource")).toEqual([]);
  });

  it("a failed TagResource does not fail the deploy: the code stays, nothing is reported as recorded", async () => {
    const h = await harness();
    h.emu.faults.failNext("TagResource", { status: 403, errorType: "AccessDeniedException", message: "not allowed: lambda:TagResource" });
    const result = await h.deploy();
    expect(result.action).toBe("updated");
    expect(result.record).toBeUndefined();
    expect(latest(h.emu).code.sha256).toBe(sha(pkg));
  });
});

describe("deployFunction: $LATEST answers after the update, or gets its previous code back (invariant 8)", () => {
  it("when the new code does not answer, the previous code is put back and verified (exit 1)", async () => {
    let original = "";
    const h = await harness({ invoke: onlyAnswers(() => original) });
    original = latest(h.emu).code.sha256;
    const error = await failure(h.deploy());
    expect(error.exitCode).toBe(ExitCode.Failed);
    expect(latest(h.emu).code.sha256).toBe(original);
    expect(updates(h.emu)).toBe(2);
    expect(h.emu.calls.of("TagResource")).toEqual([]);
  });

  it("an invocation that cannot be made (access denied) is not an answer: the previous code goes back", async () => {
    const h = await harness();
    const original = latest(h.emu).code.sha256;
    h.emu.faults.failNext("Invoke", { status: 403, errorType: "AccessDeniedException", message: "not allowed: lambda:InvokeFunction" });
    const error = await failure(h.deploy());
    expect(error.exitCode).toBe(ExitCode.Failed);
    expect(latest(h.emu).code.sha256).toBe(original);
    expect(updates(h.emu)).toBe(2);
  });

  it("with no known-good code (the last update failed), a new package that does not answer stays, and the failure says so", async () => {
    const h = await harness({ invoke: onlyAnswers(() => "nothing answers") });
    h.emu.state.failNextUpdate(FN, "Lambda was unable to configure your environment", "EniLimitExceeded");
    h.emu.state.updateCode(FN, makeZip({ "other.py": "x" }));
    h.emu.state.finishUpdate(FN);
    const error = await failure(h.deploy());
    expect(error.exitCode).toBe(ExitCode.Failed);
    expect(updates(h.emu)).toBe(1);
    expect(h.emu.calls.of("GetFunction").length).toBe(1);
    expect(latest(h.emu).code.sha256).toBe(sha(pkg));
  });

  it("an earlier update in progress that ends Failed is waited for, and leaves no code to put back", async () => {
    const h = await harness({ invoke: onlyAnswers(() => "nothing answers") });
    h.emu.state.failNextUpdate(FN, "Lambda was unable to configure your environment", "EniLimitExceeded");
    h.emu.state.updateCode(FN, makeZip({ "other.py": "x" }));
    const error = await failure(h.deploy());
    expect(error.exitCode).toBe(ExitCode.Failed);
    expect(updates(h.emu)).toBe(1);
    expect(h.output.lines.filter((l) => l.kind === "warn").length).toBeGreaterThanOrEqual(2);
  });

  it("a package that answers stays, and the result carries the speech it answered with", async () => {
    const h = await harness();
    const result = await h.deploy();
    expect(result.launchCheck?.speech).toEqual(expect.any(String));
    expect(latest(h.emu).code.sha256).toBe(sha(pkg));
    expect(updates(h.emu)).toBe(1);
  });
});

describe("deployFunction: publishing and --dry-run", () => {
  it("publishes the deployed package from a read made after the record was written (its RevisionId moved)", async () => {
    const h = await harness();
    const result = await h.deploy({ publish: true });
    expect(result).toMatchObject({ version: "1", versionCreated: true, record: { commit: NEW } });
    expect(h.emu.state.get(FN).versions.get("1")?.code.sha256).toBe(sha(pkg));
  });

  /** Another operator's code lands on $LATEST just before deploy:function reads it back after writing its record. */
  const otherCode = makeZip({ "lambda_function.py": "# somebody else's code\n" });
  const otherPushesBeforeTheReadBack = (emu: LambdaEmulator) =>
    emu.faults.beforeNext("TagResource", () => void emu.faults.beforeNext("GetFunctionConfiguration", () => void emu.state.updateCode(FN, otherCode)));

  it.each([
    { when: "once applied", emulator: { updateDurationMs: 0 } },
    // Waiting for their update must not swap this package's hash for theirs in the precondition.
    { when: "while still being applied", emulator: {} },
  ])("never publishes somebody else's code pushed after ours ($when): the publish keeps this package's CodeSha256 (exit 4)", async ({ emulator }) => {
    const h = await harness(emulator);
    otherPushesBeforeTheReadBack(h.emu);
    const error = await failure(h.deploy({ publish: true }));
    expect(error.exitCode).toBe(ExitCode.Conflict);
    expect([...h.emu.state.get(FN).versions.values()].map((v) => v.code.sha256)).not.toContain(sha(otherCode));
  });

  it("publishing an unchanged $LATEST again gives back the existing version, not created", async () => {
    const h = await harness();
    await h.deploy({ publish: true });
    const again = await h.deploy({ publish: true });
    expect(again).toMatchObject({ version: "1", versionCreated: false, action: "skipped" });
  });

  it("--dry-run --publish changes nothing, and plans the publish without a version", async () => {
    const h = await harness();
    const result = await h.deploy({ publish: true, dryRun: true });
    expect(h.emu.calls.mutating()).toEqual([]);
    expect(result.version).toBeUndefined();
    expect(result.plannedCalls?.map((c) => c.operation)).toEqual(["UpdateFunctionCode", "Invoke", "TagResource", "PublishVersion"]);
  });

  it("a function that runs a container image is refused before anything changes (exit 2)", async () => {
    const h = await harness();
    const client = new LambdaClient({ ...awsClientConfig({ region: h.emu.region }), endpoint: h.emu.url, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
    // The emulator has zip functions only: Lambda's answer for an image function, by a middleware.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === "GetFunctionConfigurationCommand") Object.assign(result.output as object, { PackageType: "Image" });
        return result;
      },
      { step: "initialize" },
    );
    const error = await failure(h.deploy({}, { lambda: client }));
    expect(error.exitCode).toBe(ExitCode.Usage);
    expect(h.emu.calls.mutating()).toEqual([]);
  });
});
