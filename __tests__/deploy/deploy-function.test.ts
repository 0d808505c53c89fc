/**
 * deploy:function end to end: the command's `main` with the real
 * @aws-sdk/client-lambda and @aws-sdk/client-s3 (configured as the scripts
 * configure them, standard retries included) against the Lambda and S3
 * emulators on loopback. Lambda's update lifecycle runs on the same fake
 * clock as the command's waits, so minutes of waiting take milliseconds.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { awsClientConfig } from "../../lib/aws/client-config";
import { formatBytes } from "../../lib/deploy/package-input";
import { codeSha256, zipDirectory } from "../../lib/package";
import { HELP, main } from "../../scripts/deploy-function";
import { makeZip, startLambdaEmulator, type LambdaEmulator, type LambdaEmulatorOptions } from "../../lib/emulators/lambda";
import { startS3Emulator, type S3Emulator } from "../../lib/emulators/s3";
import { fakeClock } from "../helpers/fake-clock";

const FN = "BostonInfoSkill";
const BUCKET = "boston-info-packages";
const COMMIT = "3f9c2a1e5b7d9f0a1c3e5b7d9f0a1c3e5b7d9f0a";
const NOW = Date.UTC(2026, 10, 25, 14, 30);
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

let workDir: string;
let sourceDir: string;
let zipFile: string;
let zipBytes: Buffer;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "deploy-function-"));
  sourceDir = join(workDir, "package");
  await mkdir(join(sourceDir, "mycity", "__pycache__"), { recursive: true });
  await writeFile(join(sourceDir, "lambda_function.py"), "from mycity import intents\n\ndef lambda_handler(event, context):\n    return intents.handle(event)\n");
  await writeFile(join(sourceDir, "mycity", "__init__.py"), "");
  await writeFile(join(sourceDir, "mycity", "intents.py"), "def handle(event):\n    return {'version': '1.0', 'response': {}}\n");
  await writeFile(join(sourceDir, "mycity", "__pycache__", "intents.cpython-312.pyc"), "bytecode that must not be packaged");
  zipBytes = makeZip({ "lambda_function.py": "def lambda_handler(event, context):\n    return {}\n" });
  zipFile = join(workDir, "skill.zip");
  await writeFile(zipFile, zipBytes);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface HarnessOptions {
  lambda?: LambdaEmulatorOptions;
  commit?: string | undefined;
  /** Packages above this many bytes "need" S3, instead of Lambda's ~50 MiB. */
  s3Threshold?: number;
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function harness(options: HarnessOptions = {}) {
  const clock = fakeClock(NOW);
  const s3emu: S3Emulator = await startS3Emulator({ buckets: [BUCKET] });
  open.push(s3emu);
  const emu: LambdaEmulator = await startLambdaEmulator({ now: clock.now, updateDurationMs: 3000, s3: s3emu, ...options.lambda });
  open.push(emu);
  const regions: string[] = [];
  const commit = "commit" in options ? options.commit : COMMIT;
  const run = async (argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> => {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, {
      env,
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      lambdaClient: ({ region }) => {
        regions.push(region);
        return new LambdaClient({ ...awsClientConfig({ region }), endpoint: emu.url, credentials });
      },
      s3Client: ({ region }) => new S3Client({ ...awsClientConfig({ region }), endpoint: s3emu.url, forcePathStyle: true, credentials }),
      clock,
      resolveCommit: async () => commit,
      ...(options.s3Threshold !== undefined && { needsS3Upload: (size: number) => size > (options.s3Threshold as number) }),
    });
    return { code, stdout, stderr };
  };
  return { clock, emu, s3emu, regions, run };
}

const sha = (zip: Buffer) => createHash("sha256").update(zip).digest("base64");
const hex = (zip: Buffer) => createHash("sha256").update(zip).digest("hex");
const latestSha = (emu: LambdaEmulator, name = FN) => emu.state.get(name).latest.code.sha256;
const otherCode = () => makeZip({ "lambda_function.py": "# someone else's code\n" });

describe("deploying a package", () => {
  test("--source: zips deterministically, uploads directly, waits for the update and verifies the hash", async () => {
    const { emu, clock, run } = await harness();
    const before = latestSha(emu);
    const previousSize = emu.state.get(FN).latest.code.size;
    const zipped = await zipDirectory(sourceDir);
    const expected = codeSha256(zipped);
    const { code, stdout, stderr } = await run(["--source", sourceDir]);

    expect({ code, stderr }).toEqual({ code: 0, stderr: "waiting for the update of BostonInfoSkill: InProgress (0 s of 300 s)\n" });
    expect(latestSha(emu)).toBe(expected);
    expect(emu.state.get(FN).latest.lastUpdateStatus).toBe("Successful");
    expect(emu.calls.operations()).toEqual([
      "GetFunctionConfiguration",
      "GetFunction",
      "DownloadCode",
      "UpdateFunctionCode",
      "GetFunctionConfiguration",
      "GetFunctionConfiguration",
      "GetFunctionConfiguration",
      "GetFunctionConfiguration",
      "Invoke",
      "TagResource",
    ]);
    // 1 s, 1.5 s, 2.25 s of fake time: the 3 s update is over at the fourth poll.
    expect(clock.sleeps).toEqual([1000, 1500, 2250]);
    expect(stdout.split("\n")).toEqual([
      `Package ${sourceDir} (zipped): ${formatBytes(zipped.length)}, 3 files, SHA-256 ${expected}`,
      `BostonInfoSkill in us-east-1: $LATEST has SHA-256 ${before}, last update Successful`,
      "Commit 3f9c2a1: no commit is recorded for $LATEST.",
      `Saved the code $LATEST has now (${formatBytes(previousSize)}, SHA-256 ${before}), to put back if the new code does not answer.`,
      "Uploading directly to BostonInfoSkill (ZipFile)",
      `Update finished (Successful) after 4.8 s; $LATEST has SHA-256 ${expected}`,
      '$LATEST answered a LaunchRequest: "Welcome to Boston Info. What would you like to know?".',
      `Recorded on BostonInfoSkill: $LATEST holds commit 3f9c2a1 (SHA-256 ${expected}).`,
      `Done in 4.8 s: BostonInfoSkill $LATEST updated (direct upload, ${formatBytes(zipped.length)}, SHA-256 ${expected}).`,
      "",
    ]);
  });

  test("a second run with the same source changes nothing: no mutating call, exit 0", async () => {
    const { emu, run } = await harness();
    expect((await run(["--source", sourceDir])).code).toBe(0);
    emu.calls.clear();

    const again = await run(["--source", sourceDir, "--json"]);
    expect(again.code).toBe(0);
    expect(emu.calls.mutating()).toEqual([]);
    expect(emu.calls.operations()).toEqual(["GetFunctionConfiguration", "GetFunction"]);
    expect(again.stderr).toContain("$LATEST already has this package: nothing to upload.");
    expect(JSON.parse(again.stdout)).toEqual({
      functionName: FN,
      region: "us-east-1",
      codeSha256: latestSha(emu),
      size: expect.any(Number),
      action: "skipped",
      upload: "direct",
      record: { commit: COMMIT, codeSha256: latestSha(emu) },
      durationMs: 0,
    });
  });

  test("--zip: uploads the file as it is; --json gives the result alone on standard output", async () => {
    const { emu, run } = await harness();
    const { code, stdout, stderr } = await run(["--zip", zipFile, "--json"]);
    expect(code).toBe(0);
    expect(latestSha(emu)).toBe(sha(zipBytes));
    expect(JSON.parse(stdout)).toEqual({
      functionName: FN,
      region: "us-east-1",
      codeSha256: sha(zipBytes),
      size: zipBytes.length,
      action: "updated",
      upload: "direct",
      launchCheck: { speech: "Welcome to Boston Info. What would you like to know?" },
      record: { commit: COMMIT, codeSha256: sha(zipBytes) },
      durationMs: 4750,
    });
    expect(stderr).toContain(`Package ${zipFile}: ${zipBytes.length} B, 1 file, SHA-256 ${sha(zipBytes)}`);
  });

  test("the function name and the region come from the configuration and its environment overrides; --function wins", async () => {
    const { emu, regions, run } = await harness({ lambda: { functions: [{ name: FN }, { name: "BostonInfoSkillStaging" }, { name: "Manual" }] } });
    const env = { LAMBDA_FUNCTION_NAME: "BostonInfoSkillStaging", AWS_REGION: "eu-west-1" };
    const viaEnv = await run(["--zip", zipFile], env);
    expect(viaEnv.code).toBe(0);
    expect(regions).toEqual(["eu-west-1"]);
    expect(latestSha(emu, "BostonInfoSkillStaging")).toBe(sha(zipBytes));
    expect(latestSha(emu, FN)).not.toBe(sha(zipBytes));
    expect(viaEnv.stderr).toContain('warning: AWS_REGION=eu-west-1 overrides region of environment "example" (configured: "us-east-1")');
    expect(viaEnv.stdout).toContain("BostonInfoSkillStaging in eu-west-1: $LATEST has SHA-256");

    expect((await run(["--zip", zipFile, "--function", "Manual"], env)).code).toBe(0);
    expect(latestSha(emu, "Manual")).toBe(sha(zipBytes));
  });
});

describe("packages that would not run, refused before upload (exit 2, nothing sent)", () => {
  const zipWith = async (files: Record<string, string>): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), "deploy-function-bad-"));
    open.push({ close: () => rm(dir, { recursive: true, force: true }) });
    const file = join(dir, "package.zip");
    await writeFile(file, makeZip(files));
    return file;
  };

  test.each([
    ["../", { "lambda_function.py": "def lambda_handler(e, c):\n    return {}\n", "../outside.py": "x = 1\n" }, '"../outside.py"'],
    ["an absolute path", { "lambda_function.py": "def lambda_handler(e, c):\n    return {}\n", "/etc/cron.d/job": "x\n" }, '"/etc/cron.d/job"'],
    ["a nested ..", { "lambda_function.py": "def lambda_handler(e, c):\n    return {}\n", "lib/../../x.py": "x\n" }, '"lib/../../x.py"'],
  ])("a zip with an entry that escapes its directory (%s), naming it", async (_what, files, named) => {
    const { emu, run } = await harness();
    const { code, stderr } = await run(["--zip", await zipWith(files)]);
    expect(code).toBe(2);
    expect(stderr).toContain("has entries that point outside the directory it unpacks into");
    expect(stderr).toContain(named);
    expect(emu.calls.operations()).toEqual([]);
  });

  test("a package without the handler's file at its root, naming the handler and where the file is", async () => {
    const { emu, run } = await harness();
    const { code, stderr } = await run(["--zip", await zipWith({ "voiceapp311/lambda_function.py": "def lambda_handler(e, c):\n    return {}\n" })]);
    expect(code).toBe(2);
    expect(stderr).toContain("has no lambda_function.py at its root, which the function's handler lambda_function.lambda_handler (python3.12) imports");
    expect(stderr).toContain("It has voiceapp311/lambda_function.py: zip the contents of that directory");
    expect(emu.calls.mutating()).toEqual([]);
    expect(latestSha(emu)).not.toBe(undefined);
  });
});

describe("through S3", () => {
  test("--s3-bucket: stages the package under a content-addressed key with its SHA-256, then updates from S3", async () => {
    const { emu, s3emu, run } = await harness();
    const { code, stdout } = await run(["--zip", zipFile, "--s3-bucket", BUCKET, "--json"]);
    expect(code).toBe(0);
    const key = `${FN}/${hex(zipBytes)}.zip`;
    const stored = s3emu.store.getObject(BUCKET, key);
    expect(stored.body.equals(zipBytes)).toBe(true);
    expect(stored.checksums.sha256).toBe(sha(zipBytes));
    expect(stored.contentType).toBe("application/zip");
    expect(latestSha(emu)).toBe(sha(zipBytes));
    expect(JSON.parse(stdout)).toMatchObject({ action: "updated", upload: "s3", s3: { bucket: BUCKET, key } });
    expect(s3emu.calls.mutating().map((c) => c.operation)).toEqual(["PutObject"]);
  });

  test("a package over the direct-upload limit goes through PACKAGE_BUCKET without being asked", async () => {
    const { emu, s3emu, run } = await harness({ s3Threshold: 100 });
    const { code, stdout } = await run(["--source", sourceDir], { PACKAGE_BUCKET: BUCKET });
    expect(code).toBe(0);
    expect(stdout).toMatch(/Uploading through s3:\/\/boston-info-packages\/BostonInfoSkill\/[0-9a-f]{64}\.zip \(too large for a direct upload\)/);
    expect(s3emu.store.listObjects(BUCKET).map(([k]) => k)).toEqual([`${FN}/${hex(await zipDirectory(sourceDir))}.zip`]);
    expect(latestSha(emu)).toBe(codeSha256(await zipDirectory(sourceDir)));
  });

  test("PACKAGE_BUCKET is not used for a package that fits", async () => {
    const { s3emu, run } = await harness();
    expect((await run(["--zip", zipFile], { PACKAGE_BUCKET: BUCKET })).code).toBe(0);
    expect(s3emu.calls.count()).toBe(0);
  });

  test("too large and no bucket known: exit 2 before any call, naming --s3-bucket, PACKAGE_BUCKET and pipeline.packageBucket", async () => {
    const { emu, s3emu, run } = await harness({ s3Threshold: 100 });
    const { code, stderr } = await run(["--source", sourceDir]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^deploy:function: the package is .+, too large to send to Lambda directly/);
    for (const hint of ["--s3-bucket", "PACKAGE_BUCKET", "pipeline.packageBucket", "cdktf deploy"]) expect(stderr).toContain(hint);
    expect(emu.calls.count() + s3emu.calls.count()).toBe(0);
  });

  test("a bucket that does not exist is a clear configuration error", async () => {
    const { emu, run } = await harness();
    const { code, stderr } = await run(["--zip", zipFile, "--s3-bucket", "no-such-bucket"]);
    expect(code).toBe(2);
    expect(stderr).toContain("S3 bucket no-such-bucket does not exist.");
    expect(emu.calls.mutating()).toEqual([]);
  });
});

describe("publishing", () => {
  test("--publish publishes a version described by the UTC date and the short commit, with the CodeSha256 precondition", async () => {
    const { emu, run } = await harness();
    const { code, stdout } = await run(["--source", sourceDir, "--publish", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ action: "updated", version: "1", versionCreated: true });
    const version = emu.state.get(FN).versions.get("1");
    expect(version?.description).toBe("2026-11-25 commit 3f9c2a1");
    expect(version?.code.sha256).toBe(codeSha256(await zipDirectory(sourceDir)));
    expect(emu.calls.operations().slice(-1)).toEqual(["PublishVersion"]);
  });

  test("publishing unchanged code reports the version Lambda returns instead of a new one", async () => {
    const { emu, run } = await harness();
    expect((await run(["--source", sourceDir, "--publish"])).code).toBe(0);
    emu.calls.clear();

    const again = await run(["--source", sourceDir, "--publish", "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ action: "skipped", version: "1", versionCreated: false });
    expect(again.stderr).toContain(
      '$LATEST is unchanged since it was published: already published as version 1 ("2026-11-25 commit 3f9c2a1")',
    );
    expect(emu.calls.mutating().map((c) => c.operation)).toEqual(["PublishVersion"]);
    expect([...emu.state.get(FN).versions.keys()]).toEqual(["1"]);
  });

  test("without a known commit the description is the date alone, with a warning", async () => {
    const { emu, run } = await harness({ commit: undefined });
    const { code, stderr } = await run(["--zip", zipFile, "--publish"]);
    expect(code).toBe(0);
    expect(stderr).toContain("warning: No commit is known");
    expect(emu.state.get(FN).versions.get("1")?.description).toBe("2026-11-25");
  });

  test("code changed by someone else before the publish: exit 4, nothing published", async () => {
    const { emu, run } = await harness();
    emu.faults.beforeNext("PublishVersion", () => {
      emu.state.updateCode(FN, otherCode());
      emu.state.finishUpdate(FN);
    });
    const { code, stderr } = await run(["--zip", zipFile, "--publish"]);
    expect(code).toBe(4);
    expect(stderr).toContain("BostonInfoSkill's $LATEST changed after it was read");
    expect(stderr).toContain("Nothing was published");
    expect(emu.state.get(FN).versions.size).toBe(0);
  });
});

describe("failures", () => {
  test("an update that ends Failed: exit 1 with Lambda's reason and code", async () => {
    const { emu, run } = await harness();
    emu.state.failNextUpdate(FN, "Lambda was unable to decrypt the environment variables.", "KMSAccessDenied");
    const { code, stderr } = await run(["--zip", zipFile]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      "deploy:function: Lambda could not apply the update of BostonInfoSkill: Lambda was unable to decrypt the environment variables. (KMSAccessDenied).",
    );
  });

  test("a package whose last update failed is not taken as deployed: it is uploaded again", async () => {
    const { emu, run } = await harness({ lambda: { functions: [{ name: FN, code: zipBytes }] } });
    emu.state.failNextUpdate(FN, "Lambda was unable to configure access to your environment variables.", "KMSAccessDenied");
    emu.state.updateCode(FN, otherCode());
    emu.state.finishUpdate(FN);
    expect(emu.state.get(FN).latest).toMatchObject({ lastUpdateStatus: "Failed", code: { sha256: sha(zipBytes) } });

    const { code, stdout } = await run(["--zip", zipFile]);
    expect(code).toBe(0);
    expect(stdout).toContain("$LATEST reports this package, but its last update failed (Lambda was unable to configure access to your environment variables. (KMSAccessDenied)); uploading it again.");
    expect(emu.calls.of("UpdateFunctionCode")).toHaveLength(1);
    expect(emu.state.get(FN).latest.lastUpdateStatus).toBe("Successful");
  });

  test("an update already in progress at the start is waited for, then the package is deployed on top", async () => {
    const { emu, run } = await harness();
    emu.state.updateCode(FN, otherCode());
    const { code, stdout, stderr } = await run(["--zip", zipFile]);
    expect(code).toBe(0);
    expect(stdout).toContain("An earlier update of BostonInfoSkill is still in progress; waiting for it to finish first.");
    expect(stderr).toContain("waiting for the earlier update of BostonInfoSkill: InProgress");
    expect(emu.calls.of("UpdateFunctionCode").map((c) => c.status)).toEqual([200]);
    const ops = emu.calls.operations();
    expect(ops.indexOf("UpdateFunctionCode")).toBeGreaterThan(1);
    expect(latestSha(emu)).toBe(sha(zipBytes));
  });

  test("the function changed between the read and the update (stale RevisionId): exit 4, their change kept", async () => {
    const { emu, run } = await harness();
    const theirs = otherCode();
    emu.faults.beforeNext("UpdateFunctionCode", () => {
      emu.state.updateCode(FN, theirs);
      emu.state.finishUpdate(FN);
    });
    const { code, stderr } = await run(["--zip", zipFile]);
    expect(code).toBe(4);
    expect(stderr).toContain("BostonInfoSkill changed after this run read it");
    expect(stderr).toContain("PreconditionFailedException");
    expect(latestSha(emu)).toBe(sha(theirs));
  });

  test("another update started between the read and ours (409): exit 4 too", async () => {
    const { emu, run } = await harness();
    emu.faults.beforeNext("UpdateFunctionCode", () => void emu.state.updateCode(FN, otherCode()));
    const { code, stderr } = await run(["--zip", zipFile]);
    expect(code).toBe(4);
    expect(stderr).toContain("ResourceConflictException");
  });

  test("someone else's code in place once the update finished: exit 1", async () => {
    const { emu, run } = await harness();
    emu.faults.beforeNext("UpdateFunctionCode", () => {
      emu.faults.beforeNext("GetFunctionConfiguration", () => {
        emu.state.finishUpdate(FN);
        emu.state.updateCode(FN, otherCode());
        emu.state.finishUpdate(FN);
      });
    });
    const { code, stderr } = await run(["--zip", zipFile]);
    expect(code).toBe(1);
    expect(stderr).toContain(`not this package's ${sha(zipBytes)}: someone else uploaded code concurrently`);
  });

  test("the time limit is reached: exit 1 with the last status", async () => {
    const { clock, run } = await harness({ lambda: { updateDurationMs: 10 * 60_000 } });
    const { code, stderr } = await run(["--zip", zipFile, "--timeout", "30"]);
    expect(code).toBe(1);
    expect(stderr).toContain("deploy:function: Gave up waiting for the update of BostonInfoSkill after 30 s; last status: InProgress.");
    expect(stderr).toContain("--timeout");
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(30_000);
  });

  test("a missing function: exit 2 naming the function and region and suggesting cdktf deploy", async () => {
    const { emu, run } = await harness();
    const { code, stderr } = await run(["--zip", zipFile, "--function", "Nope"]);
    expect(code).toBe(2);
    expect(stderr).toContain("deploy:function: Lambda function Nope does not exist in us-east-1");
    expect(stderr).toContain("run `cdktf deploy` first");
    expect(emu.calls.mutating()).toEqual([]);
  });

  test("access denied names the action", async () => {
    const { emu, run } = await harness();
    emu.faults.failNext("UpdateFunctionCode", {
      status: 403,
      errorType: "AccessDeniedException",
      message: `User: arn:aws:sts::123456789012:assumed-role/ci/build is not authorized to perform: lambda:UpdateFunctionCode on resource: ${emu.functionArn(FN)}`,
    });
    const { code, stderr } = await run(["--zip", zipFile]);
    expect(code).toBe(1);
    expect(stderr).toContain("Access denied: these credentials may not call lambda:UpdateFunctionCode on function BostonInfoSkill in us-east-1");
  });

  test("throttled calls succeed after the SDK's retries", async () => {
    const { emu, s3emu, run } = await harness();
    emu.faults.throttleNext("GetFunctionConfiguration", 1).throttleNext("UpdateFunctionCode", 1);
    s3emu.faults.throttleNext("PutObject", 1);
    const { code } = await run(["--zip", zipFile, "--s3-bucket", BUCKET]);
    expect(code).toBe(0);
    expect(emu.calls.of("UpdateFunctionCode").map((c) => c.status)).toEqual([429, 200]);
    expect(emu.calls.of("GetFunctionConfiguration")[0]?.status).toBe(429);
    expect(s3emu.calls.of("PutObject").map((c) => c.status)).toEqual([503, 200]);
    expect(latestSha(emu)).toBe(sha(zipBytes));
  });
});

describe("--dry-run", () => {
  test("reads only and lists every call a real run would make", async () => {
    const { emu, s3emu, run } = await harness();
    const revision = emu.state.get(FN).latest.revisionId;
    const { code, stdout, stderr } = await run(["--zip", zipFile, "--s3-bucket", BUCKET, "--publish", "--dry-run", "--json"]);
    expect(code).toBe(0);
    expect(emu.calls.mutating()).toEqual([]);
    expect(s3emu.calls.count()).toBe(0);
    const key = `${FN}/${hex(zipBytes)}.zip`;
    expect(JSON.parse(stdout)).toMatchObject({
      action: "updated",
      upload: "s3",
      dryRun: true,
      plannedCalls: [
        { service: "s3", operation: "PutObject", parameters: { Bucket: BUCKET, Key: key, Body: `<${zipBytes.length} bytes>`, ChecksumSHA256: sha(zipBytes) } },
        { service: "lambda", operation: "UpdateFunctionCode", parameters: { FunctionName: FN, S3Bucket: BUCKET, S3Key: key, RevisionId: revision } },
        { service: "lambda", operation: "Invoke", parameters: { FunctionName: FN, Payload: "<LaunchRequest>" } },
        { service: "lambda", operation: "TagResource", parameters: { Resource: emu.functionArn(FN), Commit: COMMIT, CodeSha256: sha(zipBytes) } },
        { service: "lambda", operation: "PublishVersion", parameters: { FunctionName: FN, CodeSha256: sha(zipBytes), Description: "2026-11-25 commit 3f9c2a1" } },
      ],
    });
    expect(stderr).toContain(
      [
        "Dry run: nothing was changed. A real run would call:",
        `  s3:PutObject Bucket=${BUCKET} Key=${key} Body=<${zipBytes.length} bytes> ChecksumSHA256=${sha(zipBytes)}`,
        `  lambda:UpdateFunctionCode FunctionName=${FN} S3Bucket=${BUCKET} S3Key=${key} RevisionId=${revision}`,
        `  lambda:Invoke FunctionName=${FN} Payload=<LaunchRequest>`,
        `  lambda:TagResource Resource=${emu.functionArn(FN)} Commit=${COMMIT} CodeSha256=${sha(zipBytes)}`,
        `  lambda:PublishVersion FunctionName=${FN} CodeSha256=${sha(zipBytes)} Description="2026-11-25 commit 3f9c2a1"`,
      ].join("\n"),
    );
  });

  test("with the package already in place, says a real run would change nothing", async () => {
    const { emu, run } = await harness();
    expect((await run(["--zip", zipFile])).code).toBe(0);
    emu.calls.clear();
    const { code, stdout } = await run(["--zip", zipFile, "--dry-run"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Dry run: nothing was changed, and a real run would change nothing either.");
    expect(emu.calls.mutating()).toEqual([]);
  });

  test("does not wait for an update in progress", async () => {
    const { emu, clock, run } = await harness();
    emu.state.updateCode(FN, otherCode());
    const { code, stdout } = await run(["--zip", zipFile, "--dry-run"]);
    expect(code).toBe(0);
    expect(stdout).toContain("a real run would wait for it to finish first");
    expect(clock.sleeps).toEqual([]);
    expect(emu.calls.mutating()).toEqual([]);
  });
});

describe("usage", () => {
  test.each([
    [[], "Give the package with exactly one of --source <dir> or --zip <file>."],
    [["--source", "a", "--zip", "b.zip"], "Give the package with exactly one of --source <dir> or --zip <file>, not both."],
    [["--zip"], "Option '--zip <value>' argument missing"],
    [["--zip", "b.zip", "--force"], "Unknown option '--force'"],
    [["--zip", "b.zip", "extra"], "Unexpected argument 'extra'"],
  ])("%j: exit 2 with the help", async (argv, message) => {
    const { emu, run } = await harness();
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
    expect(stderr).toContain(HELP);
    expect(emu.calls.count()).toBe(0);
  });

  test.each([
    [["--zip", "b.zip", "--timeout", "0"], "--timeout takes a number of seconds from 1 to 3600"],
    [["--zip", "b.zip", "--timeout", "300000"], "--timeout takes a number of seconds from 1 to 3600"],
    [["--zip", "b.zip", "--function", "arn:aws:lambda:x"], "--function takes a Lambda function name"],
    [["--zip", "b.zip", "--s3-bucket", "Bad_Bucket"], "--s3-bucket must be an S3 bucket name"],
  ])("%j: exit 2", async (argv, message) => {
    const { run } = await harness();
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  test("a missing package file and an unknown PIPELINE_ENV are usage errors", async () => {
    const { run } = await harness();
    const missing = await run(["--zip", join(workDir, "nope.zip")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("does not exist");
    const env = await run(["--zip", zipFile], { PIPELINE_ENV: "boston-prod" });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('PIPELINE_ENV names "boston-prod", which is not configured');
  });

  test("--help prints the usage and exits 0 without touching AWS or the configuration", async () => {
    const { emu, run } = await harness();
    const { code, stdout } = await run(["--help"], { PIPELINE_ENV: "not-configured" });
    expect(code).toBe(0);
    expect(stdout).toBe(HELP);
    expect(emu.calls.count()).toBe(0);
  });
});
