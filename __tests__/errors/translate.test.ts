import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeZip } from "../../lib/emulators/lambda";
import { ExitCode } from "../../lib/errors";
import { createLambdaClient } from "../../lib/aws/lambda-client";
import { releaseDepsFromEnv } from "../../lib/release/wire";
import type { CommandIO } from "../../lib/cli";
import { closedPortUrl, startHostileServer, type HostileServer } from "../../lib/emulators/hostile";
import { startReleaseWorld, type ReleaseWorld } from "../../lib/emulators/release-world";
import { main as status } from "../../scripts/status";
import { main as flip } from "../../scripts/flip";
import { main as submit } from "../../scripts/submit";
import { main as finish } from "../../scripts/finish";
import { main as rollback } from "../../scripts/rollback";
import { main as promote } from "../../scripts/promote";
import { main as deployFunction } from "../../scripts/deploy-function";

/**
 * The one translation of AWS, SMAPI and network failures (issue 9): every
 * class, through the real SDK clients and a command's real wiring, against
 * the emulators or a hostile loopback server. No stack traces, no "unexpected
 * failure", the contract's exit code, and what to fix.
 */

/** The AWS SDK reads credentials and endpoint overrides from process.env itself: set it for one run. */
async function withProcessEnv<T>(env: NodeJS.ProcessEnv, run: () => Promise<T>): Promise<T> {
  const saved = process.env;
  process.env = { AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_EC2_METADATA_DISABLED: "true", ...env };
  try {
    return await run();
  } finally {
    process.env = saved;
  }
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

type Main = (argv: string[], io: CommandIO, options?: { wire?: (io: CommandIO, options: { dryRun: boolean; json?: boolean }) => ReturnType<typeof releaseDepsFromEnv> }) => Promise<number>;

/** Runs a release command's main as its script does, with its real wiring (short attempt timeouts and retries, so no test waits seconds). */
async function run(command: Main, argv: string[], env: NodeJS.ProcessEnv, awsTimeoutMs = 10_000): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  const io: CommandIO = { env, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } };
  const code = await withProcessEnv(env, () =>
    command(argv, io, {
      wire: (wiredIo, options) =>
        releaseDepsFromEnv(wiredIo, {
          ...options,
          clients: { aws: { readTimeoutMs: awsTimeoutMs, writeTimeoutMs: awsTimeoutMs, maxAttempts: 3 }, smapi: { timeoutMs: 10_000, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } } },
        }),
    }),
  );
  return { code, stdout, stderr };
}

function expectExplained(ran: Ran): void {
  expect(ran.stderr).not.toMatch(/unexpected failure|internal error|\n\s+at /);
  expect(ran.stderr).not.toMatch(/Call to service failed/);
}

describe("one translation of errors, in the shared entry point of every command", () => {
  let world: ReleaseWorld;
  const hostile: HostileServer[] = [];
  beforeAll(async () => {
    world = await startReleaseWorld();
  });
  afterAll(() => world.close());
  afterEach(async () => {
    await Promise.all(hostile.splice(0).map((s) => s.close()));
  });
  const hostileServer = async (...args: Parameters<typeof startHostileServer>) => {
    const server = await startHostileServer(...args);
    hostile.push(server);
    return server;
  };
  const withoutAwsCredentials = () => {
    const env = { ...world.env };
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    return env;
  };

  it("missing AWS credentials: exit 2 with what to set, from status, flip, submit, finish, rollback --release and promote alike", async () => {
    const env = withoutAwsCredentials();
    const commands: Array<[string, Main, string[]]> = [
      ["status", status as Main, []],
      ["flip", flip as Main, ["--yes"]],
      ["submit", submit as Main, ["--yes"]],
      ["finish", finish as Main, ["--yes"]],
      ["rollback --release", rollback as Main, ["--release", "--yes"]],
      ["promote", promote as Main, ["--yes"]],
    ];
    for (const [name, command, argv] of commands) {
      const ran = await run(command, argv, env);
      expectExplained(ran);
      expect({ name, code: ran.code }).toEqual({ name, code: ExitCode.Usage });
      expect(ran.stderr).toMatch(/No usable AWS credentials \(Could not load credentials from any providers\)\. Set credentials: AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    }
  });

  it("missing AWS credentials: deploy:function exits 2 with the same message", async () => {
    const env = withoutAwsCredentials();
    const dir = mkdtempSync(join(tmpdir(), "translate-"));
    const zip = join(dir, "package.zip");
    writeFileSync(zip, makeZip({ "lambda_function.py": "def lambda_handler(event, context):\n    return {}\n" }));
    let stderr = "";
    const code = await withProcessEnv(env, () => deployFunction(["--zip", zip], { env, stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } }));
    expect(stderr).not.toMatch(/unexpected failure|internal error|\n\s+at /);
    expect(stderr).toContain("deploy:function: No usable AWS credentials (Could not load credentials from any providers).");
    expect(code).toBe(ExitCode.Usage);
  });

  it("an unknown AWS_PROFILE: exit 2, naming the profile and how to check it", async () => {
    const env = { ...withoutAwsCredentials(), AWS_PROFILE: "no-such-profile" };
    const ran = await run(status as Main, [], env);
    expectExplained(ran);
    expect(ran.code).toBe(ExitCode.Usage);
    expect(ran.stderr).toContain('AWS_PROFILE is "no-such-profile": check that this profile exists (aws configure list-profiles)');
  });

  it.each([["not a url"], ["localhost:4566"], ["ftp://127.0.0.1:21"]])("a malformed AWS_ENDPOINT_URL_LAMBDA (%s): exit 2 before any call, naming it", async (value) => {
    const ran = await run(status as Main, [], { ...world.env, AWS_ENDPOINT_URL_LAMBDA: value });
    expectExplained(ran);
    expect(ran.code).toBe(ExitCode.Usage);
    expect(ran.stderr).toContain(`AWS_ENDPOINT_URL_LAMBDA is ${JSON.stringify(value)}, which is not an endpoint URL`);
    expect(world.smapiEmu.calls.length).toBeGreaterThanOrEqual(0);
  });

  it("an endpoint override where nothing listens: exit 2, naming the variable", async () => {
    const closed = await closedPortUrl();
    const ran = await run(status as Main, [], { ...world.env, AWS_ENDPOINT_URL_LAMBDA: closed });
    expectExplained(ran);
    expect(ran.code).toBe(ExitCode.Usage);
    expect(ran.stderr).toMatch(new RegExp(`Could not reach AWS at ${new URL(closed).host} for lambda:Get(FunctionConfiguration|Alias) on Lambda`));
    expect(ran.stderr).toContain("the connection was refused");
    expect(ran.stderr).toContain(`AWS_ENDPOINT_URL_LAMBDA is ${closed}: start what should answer there, correct it, or unset it`);
  });

  it("a Lambda endpoint that resets connections: a reset, not a timeout (exit 1), each retry announced, the step named", async () => {
    const server = await hostileServer("reset");
    const ran = await run(flip as Main, ["--yes"], { ...world.env, AWS_ENDPOINT_URL_LAMBDA: server.url });
    expectExplained(ran);
    expect(ran.code).toBe(ExitCode.Failed);
    expect(ran.stderr).toContain("the connection was reset before an answer arrived");
    expect(ran.stderr).not.toMatch(/timed? ?out|in time/i);
    expect(ran.stderr).toContain("flip: reading the release state failed: Could not reach AWS at");
    expect(ran.stderr).toContain("Nothing after that step was done; run npm run flip again to continue.");
    expect(ran.stderr).toMatch(/Waiting for AWS Lambda GetFunctionConfiguration at 127\.0\.0\.1:\d+: ECONNRESET \(read ECONNRESET\); retry 1 of 2\./);
  });

  it("a Lambda endpoint that never answers: each attempt ends at the read timeout, each retry says so, and the command fails (exit 1)", async () => {
    const server = await hostileServer("silent");
    const ran = await run(status as Main, [], { ...world.env, AWS_ENDPOINT_URL_LAMBDA: server.url }, 300);
    expectExplained(ran);
    expect(ran.code).toBe(ExitCode.Failed);
    expect(ran.stderr).toContain("no answer in time");
    expect(ran.stderr.match(/Waiting for AWS Lambda GetFunctionConfiguration at 127\.0\.0\.1:\d+: no answer in time; retry \d of 2\./g)?.length).toBe(2);
  });

  it("a Lambda endpoint that answers with an HTML page: said so, with the host (exit 1)", async () => {
    const server = await hostileServer("html");
    const ran = await run(status as Main, [], { ...world.env, AWS_ENDPOINT_URL_LAMBDA: server.url });
    expectExplained(ran);
    expect(ran.code).toBe(ExitCode.Failed);
    expect(ran.stderr).toContain(`got an HTML error page (HTTP 502) from ${new URL(server.url).host} instead of an AWS answer`);
  });

  it("an unreachable Login with Amazon is not SMAPI: exit 2 naming ASK_LWA_TOKEN_HOST, said once", async () => {
    const closed = await closedPortUrl();
    const ran = await run(status as Main, [], { ...world.env, ASK_LWA_TOKEN_HOST: closed });
    expectExplained(ran);
    expect(ran.code).toBe(ExitCode.Usage);
    expect(ran.stderr).toContain(`Could not reach Login with Amazon at ${new URL(closed).host}`);
    expect(ran.stderr).toContain(`ASK_LWA_TOKEN_HOST is ${closed}`);
    expect(ran.stderr).not.toMatch(/SMAPI did not answer/);
    expect(ran.stderr.split("\n").filter((line) => line.startsWith("status:"))).toHaveLength(1);
  });

  it("SMAPI answering with an HTML page: 'an HTML error page from <host>', not 'SMAPI did not answer … Call to service failed'", async () => {
    const server = await hostileServer("html", { status: 503 });
    const ran = await run(status as Main, [], { ...world.env, ASK_SMAPI_SERVER_BASE_URL: server.url });
    expectExplained(ran);
    expect(ran.code).toBe(ExitCode.Failed);
    expect(ran.stderr).toContain(`an HTML error page (HTTP 503) came from ${new URL(server.url).host} instead`);
  });

  it("SMAPI resetting connections: a reset (exit 1), not a timeout", async () => {
    const server = await hostileServer("reset");
    const ran = await run(status as Main, [], { ...world.env, ASK_SMAPI_SERVER_BASE_URL: server.url });
    expectExplained(ran);
    expect(ran.code).toBe(ExitCode.Failed);
    expect(ran.stderr).toContain(`Could not reach SMAPI at ${new URL(server.url).host}`);
    expect(ran.stderr).toContain("the connection was reset before an answer arrived");
    expect(ran.stderr).toMatch(/Waiting for SMAPI \(GET http:\/\/127\.0\.0\.1:\d+\/v1\/skills\/[^)]+\): \S+; retry 1 of 2/);
  });

  it("a bug is exit 1 with its message, and its stack only with DEBUG", async () => {
    const bug = (): Promise<number> =>
      status([], { env: {}, stdout: { write: () => true }, stderr: { write: () => true } }, { wire: () => { throw new TypeError("x is undefined"); } });
    expect(await bug()).toBe(ExitCode.Failed);
    let stderr = "";
    const io = (env: NodeJS.ProcessEnv): CommandIO => ({ env, stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } });
    await status([], io({}), { wire: () => { throw new TypeError("x is undefined"); } });
    expect(stderr).toMatch(/^status: internal error \(a bug in the pipeline, please report it\): TypeError: x is undefined \(set DEBUG=1 for the stack trace\)\n$/);
    stderr = "";
    await status([], io({ DEBUG: "1" }), { wire: () => { throw new TypeError("x is undefined"); } });
    expect(stderr).toMatch(/\n\s+at /);
  });
});

describe("the AWS clients' attempt timeouts", () => {
  it("reads get the short timeout, and a persistent hang is tried three times, not five", async () => {
    const server = await startHostileServer("silent");
    const lines: string[] = [];
    const lambda = createLambdaClient({ region: "us-east-1", readTimeoutMs: 200, writeTimeoutMs: 60_000, onRetry: (m) => lines.push(m) });
    try {
      const error = await withProcessEnv({ AWS_ENDPOINT_URL_LAMBDA: server.url, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" }, () =>
        lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "BostonInfoSkill" })).catch((e: unknown) => e),
      );
      expect((error as Error).name).toBe("TimeoutError");
      expect(server.connections()).toBe(3);
      expect(lines).toHaveLength(2);
    } finally {
      lambda.destroy();
      await server.close();
    }
  });
});
