import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeZip } from "../../lib/emulators/lambda";
import type { RawRequest } from "../../lib/emulators/faults";
import { startReleaseWorld, type ReleaseWorld } from "../../lib/emulators/release-world";
import { main as deployFunction } from "../../scripts/deploy-function";
import { main as deployModel } from "../../scripts/deploy-model";
import { main as finish } from "../../scripts/finish";
import { main as flip } from "../../scripts/flip";
import { main as promote } from "../../scripts/promote";
import { main as rollback } from "../../scripts/rollback";
import { main as status } from "../../scripts/status";
import { main as submit } from "../../scripts/submit";
import { FakeGitHub } from "../plan/fake-github";
import { fixturePath } from "../plan/helpers";
import { runScript } from "../helpers/release-run";
import { asProcess, UNTYPED_FAILURE, type Main } from "./as-process";
import { MINTED_TOKEN_PREFIX, SECRET_SENTINELS, sentinelsIn } from "./sentinels";

/**
 * Secret hygiene: every command runs as its script does, with a sentinel for
 * every secret in the environment, an LWA that mints sentinel access tokens,
 * and (in a second pass) hostile servers whose every error answer echoes the
 * request's headers and body. No sentinel may reach standard output or
 * error, the plan comment, or any request but the authentication itself: the
 * LWA token exchange (client secret, refresh token), the bearer token of SMAPI
 * calls (the minted token) and AWS's session-token header.
 */

const ROOT = join(__dirname, "..", "..");
const FIXTURE_PACKAGE = join(ROOT, "lib/emulators/fixtures/voiceapp311-skill-package");


/** A release in the order an operator makes one, each step a command as `npm run` starts it. */
const STEPS: ReadonlyArray<{ name: string; main: Main; argv: (inputs: { zip: string; fix: string }) => string[]; after?: (world: ReleaseWorld) => void }> = [
  { name: "status", main: status, argv: () => ["--json"] },
  { name: "deploy:function", main: deployFunction as Main, argv: ({ zip }) => ["--zip", zip] },
  { name: "deploy:model", main: (argv, io) => deployModel(argv, io, { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 }, poll: { initialDelayMs: 5, maxDelayMs: 20 } }), argv: () => ["--skill-package", FIXTURE_PACKAGE] },
  { name: "flip", main: flip, argv: () => ["--yes"] },
  { name: "flip --to latest", main: flip, argv: () => ["--to", "latest", "--yes"] },
  { name: "flip (again)", main: flip, argv: () => ["--yes"] },
  { name: "submit", main: submit, argv: () => ["--publication-method", "auto", "--yes"], after: (world) => void (world.smapiEmu.state.certificationInProgress() && world.smapiEmu.passCertification()) },
  { name: "finish", main: finish, argv: () => ["--yes"] },
  { name: "deploy:function (a fix)", main: deployFunction as Main, argv: ({ fix }) => ["--zip", fix] },
  { name: "promote", main: promote, argv: () => ["--yes"] },
  { name: "rollback", main: rollback, argv: () => ["--yes"] },
  { name: "rollback --release", main: rollback, argv: () => ["--release", "--yes"] },
];

async function sentinelWorld(): Promise<ReleaseWorld> {
  const world = await startReleaseWorld({
    live: "blue",
    lambda: { hostile: true },
    smapi: {
      hostile: true,
      lwa: { clientSecret: SECRET_SENTINELS.ASK_LWA_CLIENT_SECRET, refreshToken: SECRET_SENTINELS.ASK_REFRESH_TOKEN, mint: { accessToken: () => `${MINTED_TOKEN_PREFIX}${randomBytes(12).toString("hex")}` } },
    },
  });
  Object.assign(world.env, {
    AWS_ACCESS_KEY_ID: "AKIDPROOFSENTINEL",
    AWS_SECRET_ACCESS_KEY: SECRET_SENTINELS.AWS_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN: SECRET_SENTINELS.AWS_SESSION_TOKEN,
    GITHUB_TOKEN: SECRET_SENTINELS.GITHUB_TOKEN,
    // The SDK would otherwise wait through its retries of the hostile pass's failures.
    AWS_MAX_ATTEMPTS: "2",
  });
  return world;
}

/** Where a sentinel may legitimately travel: the authentication exchange itself, and nowhere else. */
function leaksInRequest(service: "lambda" | "smapi", request: RawRequest): string[] {
  const { authorization, "x-amz-security-token": sessionToken, ...otherHeaders } = request.headers;
  const isTokenExchange = service === "smapi" && /\/auth\/o2\/token$/i.test(request.url.split("?")[0] ?? "");
  const leaks: string[] = [];
  const where = `${service} ${request.method} ${request.url}`;
  if (!isTokenExchange) leaks.push(...sentinelsIn(request.body).map((s) => `${s} in the body of ${where}`));
  leaks.push(...sentinelsIn(JSON.stringify(otherHeaders)).map((s) => `${s} in a header of ${where}`));
  const auth = String(authorization ?? "");
  const allowedInAuth = service === "smapi" ? ["minted LWA access token"] : [];
  leaks.push(...sentinelsIn(auth).filter((s) => !allowedInAuth.includes(s)).map((s) => `${s} in the Authorization header of ${where}`));
  if (service === "lambda" && auth.includes(SECRET_SENTINELS.AWS_SECRET_ACCESS_KEY)) leaks.push(`the AWS secret key in a signature of ${where}`);
  const session = String(sessionToken ?? "");
  if (sentinelsIn(session).some((s) => s !== "AWS_SESSION_TOKEN") || (service === "smapi" && session !== "")) leaks.push(`a secret in X-Amz-Security-Token of ${where}`);
  return leaks;
}

describe("secret hygiene", () => {
  let world: ReleaseWorld;
  let dir: string;
  let zip: string;
  let fix: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "secret-hygiene-"));
    zip = join(dir, "package.zip");
    await writeFile(zip, makeZip({ "lambda_function.py": "# a new build\ndef lambda_handler(event, context):\n    return {}\n" }));
    fix = join(dir, "fix.zip");
    await writeFile(fix, makeZip({ "lambda_function.py": "# a code-only fix\ndef lambda_handler(event, context):\n    return {}\n" }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    world = await sentinelWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  /** Runs every step; `disturb` may make the servers fail before each. Returns each step's exit code and any sentinel in its output. */
  async function runAll(disturb?: (world: ReleaseWorld) => () => void): Promise<{ codes: Record<string, number>; leaks: string[] }> {
    const codes: Record<string, number> = {};
    const leaks: string[] = [];
    for (const step of STEPS) {
      const undo = disturb?.(world);
      const { code, stdout, stderr } = await runScript(world, asProcess(step.name, step.main), step.argv({ zip, fix })).finally(() => undo?.());
      codes[step.name] = code;
      leaks.push(...sentinelsIn(stdout).map((s) => `${s} on the standard output of ${step.name}`));
      leaks.push(...sentinelsIn(stderr).map((s) => `${s} on the standard error of ${step.name}: ${stderr}`));
      if (UNTYPED_FAILURE.test(stdout + stderr)) leaks.push(`${step.name} failed without a typed error: ${stderr}`);
      step.after?.(world);
    }
    leaks.push(...world.lambdaEmu.requests.flatMap((r) => leaksInRequest("lambda", r)));
    leaks.push(...world.smapiEmu.requests.flatMap((r) => leaksInRequest("smapi", r)));
    return { codes, leaks };
  }

  it("a whole release: every command succeeds, and no sentinel leaves the authentication exchange", async () => {
    const { codes, leaks } = await runAll();
    expect(codes).toEqual(Object.fromEntries(STEPS.map((s) => [s.name, 0])));
    expect(leaks).toEqual([]);
    // The sentinels did travel where they must, so the search above can see them.
    expect(world.smapiEmu.requests.some((r) => r.body.includes(SECRET_SENTINELS.ASK_REFRESH_TOKEN))).toBe(true);
    expect(world.smapiEmu.requests.some((r) => String(r.headers.authorization).includes(MINTED_TOKEN_PREFIX))).toBe(true);
    expect(world.lambdaEmu.requests.some((r) => r.headers["x-amz-security-token"] === SECRET_SENTINELS.AWS_SESSION_TOKEN)).toBe(true);
  }, 60_000);

  it("hostile SMAPI: every call after the token exchange fails with the request (bearer token included) echoed; nothing leaks", async () => {
    const { codes, leaks } = await runAll((w) =>
      w.smapiEmu.faults.before("*", (ctx) => {
        if (ctx.operation !== "lwaToken") w.smapiEmu.faults.failNext(ctx.operation, { status: 400, message: "Bad request" });
      }),
    );
    expect(Object.entries(codes).filter(([, code]) => code === 0).map(([name]) => name)).toEqual(["deploy:function", "deploy:function (a fix)"]);
    expect(leaks).toEqual([]);
  }, 60_000);

  it("hostile LWA: the token exchange fails with the client secret and refresh token echoed; nothing leaks", async () => {
    const { leaks } = await runAll((w) => {
      w.smapiEmu.faults.failNext("lwaToken", { status: 400, body: { error: "invalid_grant", error_description: "The request has an invalid grant parameter" }, times: 100 });
      return () => w.smapiEmu.faults.reset();
    });
    expect(leaks).toEqual([]);
  }, 60_000);

  it("hostile Lambda: every call fails with the signed request (session token included) echoed; nothing leaks", async () => {
    const { codes, leaks } = await runAll((w) => {
      w.lambdaEmu.faults.failNext("*", { status: 400, errorType: "InvalidParameterValueException", message: "Bad request", times: 1000 });
      return () => w.lambdaEmu.faults.reset();
    });
    // Only deploy:model never calls Lambda.
    expect(Object.entries(codes).filter(([, code]) => code === 0).map(([name]) => name)).toEqual(["deploy:model"]);
    expect(leaks).toEqual([]);
  }, 60_000);
});

describe("secret hygiene of the plan comment", () => {
  const TSX = join(ROOT, "node_modules", ".bin", "tsx");
  let github: FakeGitHub;

  beforeAll(async () => {
    github = new FakeGitHub();
    github.token = SECRET_SENTINELS.GITHUB_TOKEN;
  });
  afterAll(() => github.stop());

  it("plan:comment with the sentinel GITHUB_TOKEN (and every other secret) set: none in its output or the comment", async () => {
    const dir = await mkdtemp(join(tmpdir(), "secret-hygiene-plan-"));
    try {
      await writeFile(join(dir, "event.json"), JSON.stringify({ pull_request: { number: 7, head: { sha: "1234567890abcdef1234567890abcdef12345678" } } }));
      const env = { PATH: process.env.PATH, ...SECRET_SENTINELS, GITHUB_REPOSITORY: "codeforboston/alexa-skill-pipeline", GITHUB_EVENT_PATH: join(dir, "event.json"), GITHUB_API_URL: await github.start() };
      for (const fixture of ["numbers"]) {
        const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) =>
          execFile(TSX, [join(ROOT, "scripts", "plan-comment.ts"), fixturePath(fixture)], { cwd: ROOT, env }, (_error, out, err) => resolve({ stdout: out, stderr: err })),
        );
        expect({ fixture, leaks: sentinelsIn(stdout + stderr) }).toEqual({ fixture, leaks: [] });
      }
      expect(github.commentsOn(7).length).toBe(1);
      expect(sentinelsIn(JSON.stringify(github.comments))).toEqual([]);
      // The token did reach GitHub, as its authentication.
      expect(github.requests.some((r) => String(r.authorization).includes(SECRET_SENTINELS.GITHUB_TOKEN))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
