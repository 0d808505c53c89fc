/**
 * deploy:function's safety checks (invariant 8 and the commit order), through
 * its `main` and the real Lambda client against the emulator: the new code
 * must answer a LaunchRequest on $LATEST or the saved code goes back; a
 * restore that fails says what $LATEST holds; the code is saved before
 * anything changes; an older build does not replace a newer one.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { awsClientConfig } from "../../lib/aws/client-config";
import type { CommitHistory } from "../../lib/lambda/commit";
import { RECORD_TAGS, tagsOfRecord } from "../../lib/lambda/record-tags";
import { alexaSkillHandler, functionError, makeZip, startLambdaEmulator, type InvokeContext, type LambdaEmulator, type LambdaEmulatorOptions } from "../../lib/emulators/lambda";
import { main } from "../../scripts/deploy-function";
import { fakeClock } from "../helpers/fake-clock";

const FN = "BostonInfoSkill";
const NEW = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const OLD = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

let work: string;
let zipFile: string;
const pkg = makeZip({ "lambda_function.py": "def lambda_handler(event, context):\n    raise ImportError('broken in Lambda')\n" });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "deploy-function-safety-"));
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

async function harness(options: { lambda?: LambdaEmulatorOptions; commit?: string; history?: CommitHistory } = {}) {
  const clock = fakeClock(Date.UTC(2026, 10, 25, 14, 30));
  const emu = await startLambdaEmulator({ now: clock.now, updateDurationMs: 3000, ...options.lambda });
  open.push(emu);
  const run = async () => {
    let stdout = "";
    let stderr = "";
    const code = await main(["--zip", zipFile], {
      env: {},
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      lambdaClient: ({ region }) => new LambdaClient({ ...awsClientConfig({ region }), endpoint: emu.url, credentials }),
      clock,
      resolveCommit: async () => options.commit ?? NEW,
      ...(options.history && { history: options.history }),
    });
    return { code, stdout, stderr };
  };
  return { emu, run };
}

const latest = (emu: LambdaEmulator) => emu.state.get(FN).latest;
/** Answers only while $LATEST has the code it had at the start: the new package fails in Lambda. */
function onlyOriginalAnswers(): { handler: (ctx: InvokeContext) => unknown; original: { sha: string } } {
  const original = { sha: "" };
  return {
    original,
    handler: (ctx) => (ctx.codeSha256 === original.sha ? alexaSkillHandler(ctx) : functionError("Unable to import module 'lambda_function'", "Runtime.ImportModuleError")),
  };
}

describe("deploy:function checks that $LATEST answers", () => {
  it("puts the saved code back when the new code does not answer, verifies it, reports both, and fails (exit 1)", async () => {
    const { handler, original } = onlyOriginalAnswers();
    const { emu, run } = await harness({ lambda: { invoke: handler } });
    original.sha = latest(emu).code.sha256;
    const { code, stderr } = await run();
    expect(code).toBe(1);
    expect(latest(emu).code.sha256).toBe(original.sha);
    expect(latest(emu).lastUpdateStatus).toBe("Successful");
    expect(emu.calls.of("UpdateFunctionCode")).toHaveLength(2);
    expect(stderr).toContain("does not answer a LaunchRequest: the function failed with Runtime.ImportModuleError: Unable to import module 'lambda_function'");
    expect(stderr).toContain(`The previous code was put back: $LATEST has SHA-256 ${original.sha} again, verified by its hash, and it answers the LaunchRequest again.`);
    // The code that failed is not recorded as what $LATEST holds.
    expect(emu.state.tagsOf(FN)).toEqual({});
  });

  it("says plainly that $LATEST keeps the broken code when putting the old code back fails too", async () => {
    const { handler, original } = onlyOriginalAnswers();
    const { emu, run } = await harness({ lambda: { invoke: handler } });
    original.sha = latest(emu).code.sha256;
    // The first update (the new code) succeeds; the restore's update fails.
    emu.faults.beforeNext("Invoke", async () => emu.state.failNextUpdate(FN, "Lambda was unable to configure your environment", "EniLimitExceeded"));
    const { code, stderr } = await run();
    expect(code).toBe(1);
    expect(latest(emu).code.sha256).not.toBe(original.sha);
    expect(stderr).toContain("Putting the previous code back FAILED");
    expect(stderr).toContain(`$LATEST now reports SHA-256 ${latest(emu).code.sha256} (the NEW, BROKEN code)`);
  });

  it("saves the code before changing anything: a failed download leaves $LATEST untouched", async () => {
    const { emu, run } = await harness();
    emu.faults.failNext("DownloadCode", { status: 403, times: 1 });
    const before = latest(emu).code.sha256;
    const { code, stderr } = await run();
    expect(code).toBe(1);
    expect(stderr).toContain("Downloading the code of BostonInfoSkill (GetFunction's Code.Location) answered HTTP 403");
    expect(latest(emu).code.sha256).toBe(before);
    expect(emu.calls.mutating()).toEqual([]);
  });
});

describe("deploy:function refuses an older build", () => {
  const recorded = (emu: LambdaEmulator, commit: string, committedAt?: string) =>
    emu.state.tagFunction(FN, tagsOfRecord({ commit, codeSha256: latest(emu).code.sha256, ...(committedAt !== undefined && { committedAt }) }));

  it("when git shows $LATEST's recorded commit descends from the build's (exit 3, nothing changed)", async () => {
    const history: CommitHistory = { committedAt: async () => undefined, isAncestor: async (a, d) => a === OLD && d === NEW };
    const { emu, run } = await harness({ commit: OLD, history });
    recorded(emu, NEW);
    const before = latest(emu).code.sha256;
    const { code, stderr } = await run();
    expect(code).toBe(3);
    expect(stderr).toContain(`$LATEST holds commit bbbbbbb, which descends from this build's commit aaaaaaa`);
    expect(latest(emu).code.sha256).toBe(before);
    expect(emu.calls.mutating()).toEqual([]);
  });

  it("in a shallow clone, when the build's commit is older than the recorded one", async () => {
    const history: CommitHistory = { committedAt: async (c) => (c === OLD ? "2026-11-25T10:00:00.000Z" : undefined), isAncestor: async () => undefined };
    const { emu, run } = await harness({ commit: OLD, history });
    recorded(emu, NEW, "2026-11-25T11:00:00.000Z");
    const { code } = await run();
    expect(code).toBe(3);
    expect(emu.calls.mutating()).toEqual([]);
  });

  it("but deploys a newer commit, and one whose record belongs to other code (the record then says nothing)", async () => {
    const history: CommitHistory = { committedAt: async (c) => (c === NEW ? "2026-11-25T11:00:00.000Z" : undefined), isAncestor: async () => undefined };
    const { emu, run } = await harness({ commit: NEW, history });
    recorded(emu, OLD, "2026-11-25T10:00:00.000Z");
    expect((await run()).code).toBe(0);
    expect(emu.state.tagsOf(FN)[RECORD_TAGS.commit]).toBe(NEW);

    const stale = await harness({ commit: OLD, history: { committedAt: async () => "2026-11-25T09:00:00.000Z", isAncestor: async () => undefined } });
    stale.emu.state.tagFunction(FN, tagsOfRecord({ commit: NEW, codeSha256: "not-the-code-latest-has", committedAt: "2026-11-25T11:00:00.000Z" }));
    expect((await stale.run()).code).toBe(0);
  });
});
