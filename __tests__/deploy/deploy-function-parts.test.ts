/**
 * The parts of deploy:function that need no emulator: the version
 * description and the commit behind it, the upload path, and how SDK errors
 * become the contract's exit codes (including the ones an emulator cannot
 * produce cheaply: throttling that outlasts every retry, missing
 * credentials, an unreachable endpoint).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TooManyRequestsException } from "@aws-sdk/client-lambda";
import { commitResolver, gitHead, shortCommit, versionDescription } from "../../lib/lambda/commit";
import { translateAwsError, type AwsCall } from "../../lib/aws/errors";
import { packageKey, planUpload } from "../../lib/deploy/upload-plan";
import { ConcurrentChange, ExitCode, OperationFailed, UsageError, type PipelineError } from "../../lib/errors";
import { needsS3Upload } from "../../lib/package";

const SHA = "3f9c2a1e5b7d9f0a1c3e5b7d9f0a1c3e5b7d9f0a";

describe("version description", () => {
  test("UTC date and short commit", () => {
    // 23:30 on the 24th in Boston is already the 25th in UTC.
    expect(versionDescription(Date.UTC(2026, 10, 25, 4, 30), SHA)).toBe("2026-11-25 commit 3f9c2a1");
    expect(versionDescription(Date.UTC(2026, 10, 25), undefined)).toBe("2026-11-25");
    expect(shortCommit(SHA.toUpperCase())).toBe("3f9c2a1");
    expect(shortCommit("release-2026.11")).toBe("release-2026.11");
  });

  describe("the commit", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "deploy-commit-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test("CodeBuild's resolved source version comes first; outside a checkout there is none", async () => {
      expect(await commitResolver({ CODEBUILD_RESOLVED_SOURCE_VERSION: ` ${SHA}\n` }, dir)()).toBe(SHA);
      expect(await commitResolver({}, dir)()).toBeUndefined();
      expect(await gitHead(join(dir, "does-not-exist"))).toBeUndefined();
    });

    test("git's HEAD, from a directory inside the checkout", async () => {
      const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: dir, stdio: "pipe" });
      git("init", "--quiet");
      writeFileSync(join(dir, "lambda_function.py"), "x = 1\n");
      git("add", ".");
      git("commit", "--quiet", "-m", "first");
      const head = git("rev-parse", "HEAD").toString().trim();
      expect(await commitResolver({}, dir)()).toBe(head);
      mkdirSync(join(dir, ".build", "package"), { recursive: true });
      expect(await commitResolver({ CODEBUILD_RESOLVED_SOURCE_VERSION: "" }, join(dir, ".build", "package"))()).toBe(head);
    });
  });
});

describe("upload path", () => {
  const base = { functionName: "BostonInfoSkill", sha256Hex: "ab".repeat(32), needsS3Upload };

  test("direct when it fits, even with PACKAGE_BUCKET set; S3 when asked or when too large", () => {
    expect(planUpload({ ...base, size: 1000, bucket: undefined })).toEqual({ kind: "direct" });
    expect(planUpload({ ...base, size: 1000, bucket: { name: "pkgs", from: "PACKAGE_BUCKET" } })).toEqual({ kind: "direct" });
    const key = `BostonInfoSkill/${"ab".repeat(32)}.zip`;
    expect(planUpload({ ...base, size: 1000, bucket: { name: "pkgs", from: "--s3-bucket" } })).toEqual({ kind: "s3", bucket: "pkgs", key, reason: "asked" });
    expect(planUpload({ ...base, size: 60 * 1024 * 1024, bucket: { name: "pkgs", from: "PACKAGE_BUCKET" } })).toEqual({ kind: "s3", bucket: "pkgs", key, reason: "size" });
    expect(() => planUpload({ ...base, size: 60 * 1024 * 1024, bucket: undefined })).toThrow(UsageError);
    expect(packageKey(base)).toBe(key);
  });
});

describe("AWS errors", () => {
  const call: AwsCall = { action: "lambda:UpdateFunctionCode", target: "function BostonInfoSkill in us-east-1" };
  const translate = (error: unknown) => translateAwsError(error, call) as PipelineError;
  const sdkError = (name: string, message: string, status?: number, attempts = 1) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, attempts } });

  test("throttling that outlasted the SDK's retries says so", () => {
    const error = translate(new TooManyRequestsException({ message: "Rate exceeded", $metadata: { httpStatusCode: 429, attempts: 5 } }));
    expect(error).toBeInstanceOf(OperationFailed);
    expect(error.message).toBe(
      "AWS kept throttling lambda:UpdateFunctionCode on function BostonInfoSkill in us-east-1 after 5 attempts (TooManyRequestsException: Rate exceeded). Run again in a few minutes.",
    );
  });

  test("credentials problems are configuration errors (exit 2)", () => {
    const missing = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    expect(translate(missing).exitCode).toBe(ExitCode.Usage);
    expect(translate(sdkError("ExpiredTokenException", "The security token included in the request is expired", 403)).exitCode).toBe(ExitCode.Usage);
  });

  test("an unreachable endpoint is a failure that names the endpoint variables", () => {
    const error = translate(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED", $metadata: { attempts: 5 } }));
    expect(error).toBeInstanceOf(OperationFailed);
    expect(error.message).toContain("Could not reach AWS for lambda:UpdateFunctionCode on function BostonInfoSkill in us-east-1: the connection was refused (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1) after 5 attempts");
    expect(error.message).toContain("AWS_ENDPOINT_URL_LAMBDA");
  });

  test("conflicts are exit 4; the package-too-large answer points at --s3-bucket", () => {
    expect(translate(sdkError("PreconditionFailedException", "The Revision Id provided does not match", 412))).toBeInstanceOf(ConcurrentChange);
    expect(translate(sdkError("RequestEntityTooLargeException", "Request must be smaller than 69905067 bytes", 413)).message).toContain("--s3-bucket");
  });

  test("anything that is not from AWS is a bug and passes through untouched", () => {
    const bug = new TypeError("cannot read properties of undefined");
    expect(translateAwsError(bug, call)).toBe(bug);
  });
});
