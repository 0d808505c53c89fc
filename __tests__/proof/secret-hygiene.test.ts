import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
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
import { main as deploySkill } from "../../scripts/deploy-skill";
import { main as setupCredentials } from "../../scripts/setup-credentials";
import type { BuiltPackage } from "../../lib/build";
import { codeSha256 } from "../../lib/package";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
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
/** deploy:skill with its package prebuilt (no pip): the `--repo` directory holds push.zip and skill-package/. */
const deploySkillPrebuilt: Main = (argv, io) => {
  const repo = argv[argv.indexOf("--repo") + 1] ?? ".";
  const zipPath = join(repo, "push.zip");
  return deploySkill(argv, {
    ...io,
    poll: { initialDelayMs: 5, maxDelayMs: 20 },
    smapiRetry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    buildPackage: async () => {
      const zip = readFileSync(zipPath);
      return { zipPath, sha256: codeSha256(zip), bytes: zip.length, flow: "zip-only", handler: "lambda_function.lambda_handler", skillPackageDir: join(repo, "skill-package") } as BuiltPackage;
    },
  });
};

/** setup:credentials with the sentinel refresh token piped in, as an operator rotating the credentials would. */
const setupFromStdin: Main = (argv, io) => setupCredentials(argv, io, { stdin: Readable.from([`${SECRET_SENTINELS.ASK_REFRESH_TOKEN}\n`]), openBrowser: () => false });

const STEPS: ReadonlyArray<{ name: string; main: Main; argv: (inputs: { zip: string; fix: string; repo: string }) => string[]; after?: (world: ReleaseWorld) => void }> = [
  { name: "setup:credentials --refresh-token-stdin", main: setupFromStdin, argv: () => ["--refresh-token-stdin", "--overwrite", "--yes"] },
  { name: "setup:credentials --check", main: setupFromStdin, argv: () => ["--check"] },
  { name: "status", main: status, argv: () => ["--json"] },
  { name: "deploy:skill", main: deploySkillPrebuilt, argv: ({ repo }) => ["--repo", repo] },
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
    ssm: { hostile: true },
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
function leaksInRequest(service: "lambda" | "smapi" | "ssm", request: RawRequest): string[] {
  const { authorization, "x-amz-security-token": sessionToken, ...otherHeaders } = request.headers;
  const isTokenExchange = service === "smapi" && /\/auth\/o2\/token$/i.test(request.url.split("?")[0] ?? "");
  // setup:credentials stores the client secret and the refresh token: as the Value of a PutParameter, and nowhere else in it.
  if (service === "ssm" && request.headers["x-amz-target"] === "AmazonSSM.PutParameter") {
    const { Value: _stored, ...rest } = JSON.parse(request.body) as Record<string, unknown>;
    request = { ...request, body: JSON.stringify(rest) };
  }
  const leaks: string[] = [];
  const where = `${service} ${request.method} ${request.url}`;
  if (!isTokenExchange) leaks.push(...sentinelsIn(request.body).map((s) => `${s} in the body of ${where}`));
  leaks.push(...sentinelsIn(JSON.stringify(otherHeaders)).map((s) => `${s} in a header of ${where}`));
  const auth = String(authorization ?? "");
  const allowedInAuth = service === "smapi" ? ["minted LWA access token"] : [];
  leaks.push(...sentinelsIn(auth).filter((s) => !allowedInAuth.includes(s)).map((s) => `${s} in the Authorization header of ${where}`));
  if (service !== "smapi" && auth.includes(SECRET_SENTINELS.AWS_SECRET_ACCESS_KEY)) leaks.push(`the AWS secret key in a signature of ${where}`);
  const session = String(sessionToken ?? "");
  if (sentinelsIn(session).some((s) => s !== "AWS_SESSION_TOKEN") || (service === "smapi" && session !== "")) leaks.push(`a secret in X-Amz-Security-Token of ${where}`);
  return leaks;
}

describe("secret hygiene", () => {
  let world: ReleaseWorld;
  let dir: string;
  let zip: string;
  let fix: string;
  let repo: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "secret-hygiene-"));
    zip = join(dir, "package.zip");
    await writeFile(zip, makeZip({ "lambda_function.py": "# a new build\ndef lambda_handler(event, context):\n    return {}\n" }));
    fix = join(dir, "fix.zip");
    await writeFile(fix, makeZip({ "lambda_function.py": "# a code-only fix\ndef lambda_handler(event, context):\n    return {}\n" }));
    repo = join(dir, "skill-repo");
    await cp(FIXTURE_PACKAGE, join(repo, "skill-package"), { recursive: true });
    await writeFile(join(repo, "push.zip"), makeZip({ "lambda_function.py": "# a push of the skill\ndef lambda_handler(event, context):\n    return {}\n" }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    world = await sentinelWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  /** Runs every step; `disturb` may make the servers fail before each. Returns each step's exit code and any sentinel in its output. */
  async function runAll(disturb?: (world: ReleaseWorld) => () => void, steps: typeof STEPS = STEPS): Promise<{ codes: Record<string, number>; leaks: string[] }> {
    const codes: Record<string, number> = {};
    const leaks: string[] = [];
    for (const step of steps) {
      const undo = disturb?.(world);
      const { code, stdout, stderr } = await runScript(world, asProcess(step.name, step.main), step.argv({ zip, fix, repo })).finally(() => undo?.());
      codes[step.name] = code;
      leaks.push(...sentinelsIn(stdout).map((s) => `${s} on the standard output of ${step.name}`));
      leaks.push(...sentinelsIn(stderr).map((s) => `${s} on the standard error of ${step.name}: ${stderr}`));
      if (UNTYPED_FAILURE.test(stdout + stderr)) leaks.push(`${step.name} failed without a typed error: ${stderr}`);
      step.after?.(world);
    }
    leaks.push(...world.lambdaEmu.requests.flatMap((r) => leaksInRequest("lambda", r)));
    leaks.push(...world.smapiEmu.requests.flatMap((r) => leaksInRequest("smapi", r)));
    leaks.push(...(world.ssmEmu?.requests ?? []).flatMap((r) => leaksInRequest("ssm", r)));
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
    expect(world.ssmEmu!.requests.some((r) => r.body.includes(SECRET_SENTINELS.ASK_LWA_CLIENT_SECRET))).toBe(true);
  }, 60_000);

  it("hostile Parameter Store: the write of a secret fails with the request (the secret included) echoed; nothing leaks", async () => {
    const { codes, leaks } = await runAll((w) => {
      // The client ID is written first; the client secret, second, is refused with its request echoed.
      let writes = 0;
      const off = w.ssmEmu!.faults.before("PutParameter", () => {
        if (++writes >= 2) w.ssmEmu!.faults.failNext("PutParameter", { status: 400, errorType: "ValidationException", message: "Bad request" });
      });
      return () => {
        off();
        w.ssmEmu!.faults.reset();
      };
    }, STEPS.filter((step) => step.name.startsWith("setup:credentials"))); // only they use Parameter Store
    expect(codes["setup:credentials --refresh-token-stdin"]).toBe(1);
    expect(codes["setup:credentials --check"]).toBe(1);
    // The refused write carried the client secret, so its echo did too: the search above had something to find.
    const refused = world.ssmEmu!.calls.entries.findIndex((c) => c.operation === "PutParameter" && c.errorType === "ValidationException");
    expect(refused).toBeGreaterThanOrEqual(0);
    expect(world.ssmEmu!.requests[refused]?.body).toContain(SECRET_SENTINELS.ASK_LWA_CLIENT_SECRET);
    expect(leaks).toEqual([]);
  }, 60_000);

  it("hostile SMAPI: every call after the token exchange fails with the request (bearer token included) echoed; nothing leaks", async () => {
    const { codes, leaks } = await runAll((w) =>
      w.smapiEmu.faults.before("*", (ctx) => {
        if (ctx.operation !== "lwaToken") w.smapiEmu.faults.failNext(ctx.operation, { status: 400, message: "Bad request" });
      }),
    );
    expect(Object.entries(codes).filter(([, code]) => code === 0).map(([name]) => name)).toEqual(["deploy:function", "deploy:function (a fix)"]);
    expect(codes["setup:credentials --refresh-token-stdin"]).not.toBe(0);
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
    // Only deploy:model and setup:credentials never call Lambda.
    expect(Object.entries(codes).filter(([, code]) => code === 0).map(([name]) => name)).toEqual(["setup:credentials --refresh-token-stdin", "setup:credentials --check", "deploy:model"]);
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
