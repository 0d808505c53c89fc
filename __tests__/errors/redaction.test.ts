import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode } from "../../lib/errors";
import type { CommandIO } from "../../lib/cli";
import { releaseDepsFromEnv } from "../../lib/release/wire";
import { startHostileServer, type HostileServer } from "../../lib/emulators/hostile";
import { startReleaseWorld, type ReleaseWorld } from "../../lib/emulators/release-world";
import { main as status } from "../../scripts/status";
import { main as planComment } from "../../scripts/plan-comment";

/**
 * Everything credential-like the process holds or mints is redacted from
 * every line it prints (issue 9), not only the secrets read from the
 * environment: servers that echo the credentials of the request into their
 * error must not get them printed.
 */

async function withProcessEnv<T>(env: NodeJS.ProcessEnv, run: () => Promise<T>): Promise<T> {
  const saved = process.env;
  process.env = { AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_EC2_METADATA_DISABLED: "true", ...env };
  try {
    return await run();
  } finally {
    process.env = saved;
  }
}

function capture(env: NodeJS.ProcessEnv): { io: CommandIO; output: () => string } {
  let text = "";
  return { io: { env, stdout: { write: (t: string) => (text += t) }, stderr: { write: (t: string) => (text += t) } }, output: () => text };
}

const header = (server: HostileServer, name: string): string => {
  const values = server.requests.map((r) => new RegExp(`^${name}: *(.*?)\\r?$`, "im").exec(r)?.[1]).filter((v): v is string => v !== undefined);
  expect(values.length).toBeGreaterThan(0);
  return values[0] as string;
};

describe("redaction of what the process holds or mints", () => {
  let world: ReleaseWorld;
  let echo: HostileServer;
  beforeEach(async () => {
    world = await startReleaseWorld();
    echo = await startHostileServer("echo-authorization");
  });
  afterEach(async () => {
    await Promise.all([world.close(), echo.close()]);
  });

  const runStatus = (env: NodeJS.ProcessEnv) => {
    const { io, output } = capture(env);
    return withProcessEnv(env, async () => ({
      code: await status([], io, { wire: (wiredIo, options) => releaseDepsFromEnv(wiredIo, { ...options, clients: { smapi: { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } } } }) }),
      output: output(),
    }));
  };

  it("the LWA access token minted for SMAPI, echoed by a server into its error", async () => {
    const ran = await runStatus({ ...world.env, ASK_SMAPI_SERVER_BASE_URL: echo.url });
    const token = header(echo, "authorization").replace(/^Bearer /, "");
    expect(token.length).toBeGreaterThan(10);
    expect(ran.code).toBe(ExitCode.Failed);
    expect(ran.output).toContain("Bad request from Bearer ***");
    expect(ran.output).not.toContain(token);
  });

  it("an AWS session token from the credential chain (a profile, not the environment), echoed by a server", async () => {
    const dir = mkdtempSync(join(tmpdir(), "redaction-"));
    const sessionToken = `FwoGZXIvYXdzE${"x".repeat(40)}session`;
    writeFileSync(join(dir, "credentials"), `[ops]\naws_access_key_id = AKIAOPSEXAMPLE\naws_secret_access_key = opsSecretKey1234567890\naws_session_token = ${sessionToken}\n`);
    const env: NodeJS.ProcessEnv = { ...world.env, AWS_ENDPOINT_URL_LAMBDA: echo.url, AWS_PROFILE: "ops" };
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const { io, output } = capture(env);
    const code = await withProcessEnv({ ...env, AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials") }, () => status([], io));
    expect(header(echo, "x-amz-security-token")).toBe(sessionToken);
    expect(output()).toMatch(/Bad request from AWS4-HMAC-SHA256 .* and \*\*\*/);
    expect(output()).not.toContain(sessionToken);
    expect(code).toBe(ExitCode.Failed);
  });

  it.each([
    ["a failure (exit 1)", 400, ExitCode.Failed],
    ["the fork warning", 403, ExitCode.Ok],
  ])("GITHUB_TOKEN, echoed by GitHub's API into %s", async (_what, statusCode, expected) => {
    const github = await startHostileServer("echo-authorization", { status: statusCode });
    try {
      const token = "ghs_0123456789abcdefghijklmnopqrstuvwxyzAB";
      const { io, output } = capture({ GITHUB_TOKEN: token, GITHUB_REPOSITORY: "codeforboston/alexa-skill-pipeline", GITHUB_API_URL: github.url });
      const code = await planComment(["--fork-notice", "--pr", "7"], io);
      expect(header(github, "authorization")).toContain(token);
      expect(output()).toContain("Bad request from");
      expect(output()).not.toContain(token);
      expect(code).toBe(expected);
    } finally {
      await github.close();
    }
  });
});
