import { createServer } from "node:net";
import { DEFAULT_ACCOUNT } from "../../lib/emulators/smapi";
import { ExitCode } from "../../lib/errors";
import { filesWrittenSince } from "./disk";
import { NAMES, SENTINEL, browse, printed, run, startWorld, type World } from "./world";

let world: World;
afterEach(async () => world?.close());

const stored = (name: string) => world.ssm.store.get(name);
const storedValues = () => Object.fromEntries(Object.entries(NAMES).map(([role, name]) => [role, stored(name)?.value]));
const writes = () => world.ssm.calls.mutating();

describe("npm run setup:credentials: the Login with Amazon login", () => {
  it("signs in, verifies against SMAPI and stores the four values as SecureStrings", async () => {
    world = await startWorld();
    const r = run(world, ["--yes", "--no-browser"]);
    const page = await browse(r);
    expect(await r.code).toBe(ExitCode.Ok);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/Signed in/);

    const minted = world.smapi.lwa.issuedRefreshTokens().at(-1);
    expect(minted).not.toBe(world.smapi.credentials.refreshToken);
    expect(storedValues()).toEqual({
      lwaClientId: world.smapi.credentials.clientId,
      lwaClientSecret: SENTINEL.clientSecret,
      refreshToken: minted,
      vendorId: world.smapi.vendorId,
    });
    for (const name of Object.values(NAMES)) expect(stored(name)).toMatchObject({ type: "SecureString", keyId: "alias/aws/ssm", version: 1 });
    expect(printed(r)).toMatch(/skill amzn1\.ask\.skill\.[0-9a-f-]+ is readable, stages: development, live/);
    expect(printed(r)).toContain(NAMES.refreshToken);
  });

  it("prints the authorize URL on a line of its own, with the ASK CLI's scopes, a random state and the return URL, and nothing secret", async () => {
    world = await startWorld();
    const r = run(world, ["--yes", "--no-browser"]);
    const page = await browse(r);
    expect(await r.code).toBe(ExitCode.Ok);
    const url = new URL(page.location.toString());
    expect(url.pathname).toBe("/cb");
    const authorize = new URL(world.smapi.requests.find((q) => q.url.startsWith("/ap/oa"))!.url, world.smapi.url);
    expect(authorize.searchParams.get("scope")).toBe(
      "alexa::ask:skills:readwrite alexa::ask:models:readwrite alexa::ask:skills:test alexa::ask:catalogs:read alexa::ask:catalogs:readwrite alexa::ask:subscriptions",
    );
    expect(authorize.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get("redirect_uri")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cb$/);
    expect([...authorize.searchParams.keys()].sort()).toEqual(["client_id", "redirect_uri", "response_type", "scope", "state"]);
  });

  it("opens a browser through the opener unless --no-browser", async () => {
    world = await startWorld();
    const opened: string[] = [];
    const r = run(world, ["--yes"], { openBrowser: (url) => (opened.push(url), true) });
    await browse(r);
    expect(await r.code).toBe(ExitCode.Ok);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(/\/ap\/oa\?/);

    const quiet: string[] = [];
    const again = run(world, ["--yes", "--no-browser", "--overwrite"], { openBrowser: (url) => (quiet.push(url), true) });
    await browse(again);
    expect(await again.code).toBe(ExitCode.Ok);
    expect(quiet).toEqual([]);
  });

  it("says so and stores nothing when consent is denied", async () => {
    world = await startWorld();
    world.smapi.lwa.signIn(DEFAULT_ACCOUNT, "deny");
    const r = run(world, ["--yes", "--no-browser"]);
    const page = await browse(r);
    expect(await r.code).toBe(ExitCode.Failed);
    expect(page.status).toBe(400);
    expect(r.stderr()).toMatch(/declined in the browser \(access_denied/);
    expect(world.smapi.callsTo("lwaToken")).toEqual([]);
    expect(world.ssm.calls.entries).toEqual([]);
  });

  it("refuses an answer whose state is not this login's, without exchanging its code", async () => {
    world = await startWorld();
    const r = run(world, ["--yes", "--no-browser"]);
    const page = await browse(r, (location) => location.searchParams.set("state", "forged-state"));
    expect(await r.code).toBe(ExitCode.Failed);
    expect(page.status).toBe(400);
    expect(r.stderr()).toMatch(/does not carry this login's state/);
    expect(world.smapi.callsTo("lwaToken")).toEqual([]);
    expect(world.ssm.calls.entries).toEqual([]);
  });

  it("gives up after --timeout when the browser never comes back", async () => {
    world = await startWorld();
    const r = run(world, ["--yes", "--no-browser", "--timeout", "1"]);
    expect(await r.code).toBe(ExitCode.Failed);
    expect(r.stderr()).toMatch(/No answer from the browser within 1 s/);
    expect(world.ssm.calls.entries).toEqual([]);
  });

  it("names an unusable port and the fix", async () => {
    world = await startWorld();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = run(world, ["--yes", "--no-browser", "--port", String(port)]);
      expect(await r.code).toBe(ExitCode.Usage);
      expect(r.stderr()).toMatch(new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use.*--port`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe("npm run setup:credentials -- --refresh-token-stdin", () => {
  it("verifies and stores a refresh token read from standard input", async () => {
    world = await startWorld();
    const r = run(world, ["--refresh-token-stdin", "--yes"], { stdin: `${world.smapi.credentials.refreshToken}\n` });
    expect(await r.code).toBe(ExitCode.Ok);
    expect(storedValues().refreshToken).toBe(world.smapi.credentials.refreshToken);
    expect(world.smapi.callsTo("lwaAuthorize")).toEqual([]);
  });

  it("is idempotent: the same values again change nothing", async () => {
    world = await startWorld();
    const token = world.smapi.credentials.refreshToken;
    expect(await run(world, ["--refresh-token-stdin", "--yes"], { stdin: token }).code).toBe(ExitCode.Ok);
    const before = writes().length;
    const again = run(world, ["--refresh-token-stdin"], { stdin: token });
    expect(await again.code).toBe(ExitCode.Ok);
    expect(again.stdout()).toMatch(/already holds these four values; nothing to change/);
    expect(writes()).toHaveLength(before);
  });

  it("with --dry-run shows the plan (names only) and stores nothing", async () => {
    world = await startWorld();
    const r = run(world, ["--refresh-token-stdin", "--dry-run", "--json"], { stdin: world.smapi.credentials.refreshToken });
    expect(await r.code).toBe(ExitCode.Ok);
    const result = JSON.parse(r.stdout());
    expect(result.parameters.map((p: { name: string; action: string }) => [p.name, p.action])).toEqual(Object.values(NAMES).map((n) => [n, "create"]));
    expect(result.stored).toBe(false);
    expect(writes()).toEqual([]);
  });

  it("refuses an empty standard input", async () => {
    world = await startWorld();
    const r = run(world, ["--refresh-token-stdin", "--yes"], { stdin: "  \n" });
    expect(await r.code).toBe(ExitCode.Usage);
    expect(r.stderr()).toMatch(/standard input is empty/);
  });

  it("never takes a token as an argument, and does not repeat it", async () => {
    world = await startWorld();
    const r = run(world, ["--refresh-token=Atzr|SENTINEL-REFRESH-TOKEN-argument", "--yes"]);
    expect(await r.code).toBe(ExitCode.Usage);
    expect(r.stderr()).toMatch(/--refresh-token is not accepted: a secret in an argument stays in shell history.*--refresh-token-stdin/);
    expect(r.stderr()).not.toContain("SENTINEL");
    expect(world.smapi.calls).toEqual([]);
  });

  it("never stores a revoked token", async () => {
    world = await startWorld();
    world.smapi.lwa.revokeRefreshToken();
    const r = run(world, ["--refresh-token-stdin", "--yes"], { stdin: world.smapi.credentials.refreshToken });
    expect(await r.code).toBe(ExitCode.Usage);
    expect(r.stderr()).toMatch(/refused the refresh token \(invalid_grant.*Nothing was stored/);
    expect(world.ssm.calls.entries).toEqual([]);
  });

  it("never stores a token whose account is not a developer of the skill (403)", async () => {
    world = await startWorld();
    const token = world.smapi.addAccount("amzn1.account.OUTSIDER", { vendors: [{ id: "M2OTHERVENDOR", name: "Other", roles: ["ROLE_DEVELOPER"] }], developer: false });
    const r = run(world, ["--refresh-token-stdin", "--yes"], { stdin: token });
    expect(await r.code).toBe(ExitCode.Usage);
    expect(r.stderr()).toMatch(new RegExp(`not a developer of skill ${world.smapi.skillId}.*403`));
    expect(world.ssm.calls.entries).toEqual([]);
  });

  it("never stores a token whose account belongs to no vendor", async () => {
    world = await startWorld();
    const token = world.smapi.addAccount("amzn1.account.NOBODY", { vendors: [], developer: false });
    const r = run(world, ["--refresh-token-stdin", "--yes"], { stdin: token });
    expect(await r.code).toBe(ExitCode.Usage);
    expect(r.stderr()).toMatch(/belongs to no Alexa developer vendor/);
    expect(world.ssm.calls.entries).toEqual([]);
  });
});

describe("npm run setup:credentials: an account with several vendors", () => {
  const vendors = [
    { id: "M1FIRSTVENDOR", name: "First", roles: ["ROLE_DEVELOPER"] },
    { id: "M2SECONDVENDOR", name: "City of Boston", roles: ["ROLE_ADMINISTRATOR"] },
  ];

  it("lets the person at the terminal choose", async () => {
    world = await startWorld({ vendors });
    const asked: string[] = [];
    const terminal = { interactive: true, ask: async (q: string) => (asked.push(q), "2") };
    const r = run(world, ["--yes", "--no-browser"], { terminal });
    await browse(r);
    expect(await r.code).toBe(ExitCode.Ok);
    expect(asked).toEqual(["Which one owns the skill? [1-2] "]);
    expect(r.stdout()).toMatch(/1\. First \(M1FIRSTVENDOR\)[\s\S]*2\. City of Boston \(M2SECONDVENDOR\)/);
    expect(storedValues().vendorId).toBe("M2SECONDVENDOR");
  });

  it("takes ASK_VENDOR_ID when it is one of them, and refuses it when it is not", async () => {
    world = await startWorld({ vendors });
    const token = world.smapi.credentials.refreshToken;
    const wrong = run(world, ["--refresh-token-stdin", "--yes"], { stdin: token, env: { ASK_VENDOR_ID: "M9NOTMINE" } });
    expect(await wrong.code).toBe(ExitCode.Usage);
    expect(wrong.stderr()).toMatch(/ASK_VENDOR_ID is M9NOTMINE, which is not a vendor/);
    expect(world.ssm.calls.mutating()).toEqual([]);

    const right = run(world, ["--refresh-token-stdin", "--yes"], { stdin: token, env: { ASK_VENDOR_ID: "M1FIRSTVENDOR" } });
    expect(await right.code).toBe(ExitCode.Ok);
    expect(storedValues().vendorId).toBe("M1FIRSTVENDOR");
  });

  it("without a terminal lists them and asks for ASK_VENDOR_ID", async () => {
    world = await startWorld({ vendors });
    const r = run(world, ["--refresh-token-stdin", "--yes"], { stdin: world.smapi.credentials.refreshToken });
    expect(await r.code).toBe(ExitCode.Usage);
    expect(r.stderr()).toMatch(/belongs to 2 vendors:[\s\S]*M2SECONDVENDOR[\s\S]*Set ASK_VENDOR_ID/);
    expect(world.ssm.calls.entries).toEqual([]);
  });
});

describe("npm run setup:credentials: Parameter Store", () => {
  it("leaves existing parameters alone without --overwrite, and replaces them with it", async () => {
    world = await startWorld();
    world.ssm.store.put({ name: NAMES.refreshToken, value: "Atzr|an-older-token", type: "SecureString", overwrite: false });
    const token = world.smapi.credentials.refreshToken;
    const r = run(world, ["--refresh-token-stdin", "--yes"], { stdin: token });
    expect(await r.code).toBe(ExitCode.Refused);
    expect(r.stderr()).toMatch(new RegExp(`${NAMES.refreshToken} \\(holds another value\\) already exists and was left alone.*--overwrite`));
    expect(writes()).toEqual([]);
    expect(stored(NAMES.refreshToken)).toMatchObject({ value: "Atzr|an-older-token", version: 1 });

    const rotate = run(world, ["--refresh-token-stdin", "--yes", "--overwrite"], { stdin: token });
    expect(await rotate.code).toBe(ExitCode.Ok);
    expect(rotate.stdout()).toMatch(new RegExp(`overwrite\\s+${NAMES.refreshToken}`));
    expect(stored(NAMES.refreshToken)).toMatchObject({ value: token, version: 2, type: "SecureString" });
  });

  it("reports AccessDenied with the permission needed, and stores nothing", async () => {
    world = await startWorld();
    world.ssm.store.deny({ action: "ssm:PutParameter" });
    const r = run(world, ["--refresh-token-stdin", "--yes"], { stdin: world.smapi.credentials.refreshToken });
    expect(await r.code).toBe(ExitCode.Failed);
    expect(r.stderr()).toMatch(/Access denied: these credentials may not call ssm:PutParameter on parameter \/example\/boston-info\/ask\/lwa-client-id.*kms:Encrypt/);
    expect(world.ssm.store.names()).toEqual([]);
  });

  it("says which parameters were already written when a later write fails", async () => {
    world = await startWorld();
    world.ssm.store.deny({ action: "ssm:PutParameter", resource: NAMES.refreshToken });
    const r = run(world, ["--refresh-token-stdin", "--yes"], { stdin: world.smapi.credentials.refreshToken });
    expect(await r.code).toBe(ExitCode.Failed);
    expect(r.stderr()).toMatch(/Already written: .*lwa-client-id.*run the command again/);
    world.ssm.store.allowAll();
    const again = run(world, ["--refresh-token-stdin", "--yes"], { stdin: world.smapi.credentials.refreshToken });
    expect(await again.code).toBe(ExitCode.Ok);
    expect(storedValues().refreshToken).toBe(world.smapi.credentials.refreshToken);
  });

  it("does not clobber a parameter someone else creates between the plan and the write (exit 4)", async () => {
    world = await startWorld();
    world.ssm.faults.beforeNext("PutParameter", () => void world.ssm.store.put({ name: NAMES.lwaClientId, value: "theirs", type: "SecureString", overwrite: false }));
    const r = run(world, ["--refresh-token-stdin", "--yes"], { stdin: world.smapi.credentials.refreshToken });
    expect(await r.code).toBe(ExitCode.Conflict);
    expect(r.stderr()).toMatch(new RegExp(`${NAMES.lwaClientId} was created by someone else`));
    expect(stored(NAMES.lwaClientId)?.value).toBe("theirs");
  });

  it("without --yes and without a terminal asks for --yes, and stores nothing", async () => {
    world = await startWorld();
    const r = run(world, ["--refresh-token-stdin"], { stdin: world.smapi.credentials.refreshToken });
    expect(await r.code).toBe(ExitCode.Usage);
    expect(r.stderr()).toMatch(/pass --yes/);
    expect(writes()).toEqual([]);
  });
});

describe("npm run setup:credentials -- --check", () => {
  async function storeGood(): Promise<void> {
    expect(await run(world, ["--refresh-token-stdin", "--yes"], { stdin: world.smapi.credentials.refreshToken }).code).toBe(ExitCode.Ok);
  }

  it("proves good values: each parameter ok, the skill reachable", async () => {
    world = await startWorld();
    await storeGood();
    // What CodeBuild has: no ASK_* values in the environment, only AWS credentials.
    const r = run(world, ["--check", "--json"], { env: { ASK_LWA_CLIENT_ID: "", ASK_LWA_CLIENT_SECRET: "" } });
    expect(await r.code).toBe(ExitCode.Ok);
    const report = JSON.parse(r.stdout());
    expect(report.ok).toBe(true);
    expect(report.parameters.map((p: { status: string }) => p.status)).toEqual(["ok", "ok", "ok", "ok"]);
    expect(report.skill.stages).toEqual(["development", "live"]);
    expect(world.ssm.calls.mutating()).toHaveLength(4);
  });

  it("names the missing parameter", async () => {
    world = await startWorld();
    await storeGood();
    world.ssm.store.delete(NAMES.vendorId);
    const r = run(world, ["--check"]);
    expect(await r.code).toBe(ExitCode.Failed);
    expect(r.stdout()).toMatch(new RegExp(`missing\\s+${NAMES.vendorId}`));
    expect(r.stderr()).toMatch(new RegExp(`${NAMES.vendorId} is missing`));
  });

  it("names the revoked refresh token (invalid_grant) and leaves the others unblamed", async () => {
    world = await startWorld();
    await storeGood();
    world.smapi.lwa.revokeRefreshToken();
    const r = run(world, ["--check", "--json"]);
    expect(await r.code).toBe(ExitCode.Failed);
    const report = JSON.parse(r.stdout());
    expect(report.parameters.map((p: { name: string; status: string }) => [p.name, p.status])).toEqual([
      [NAMES.lwaClientId, "unchecked"],
      [NAMES.lwaClientSecret, "unchecked"],
      [NAMES.refreshToken, "wrong"],
      [NAMES.vendorId, "unchecked"],
    ]);
    expect(report.parameters[2].problem).toMatch(/invalid_grant/);
    expect(r.stderr()).toMatch(new RegExp(`${NAMES.refreshToken} is wrong.*--overwrite`));
  });

  it("redacts only secrets: after a check has read them, the client ID still reaches the authorize URL", async () => {
    world = await startWorld();
    await storeGood();
    expect(await run(world, ["--check"]).code).toBe(ExitCode.Ok);
    const login = run(world, ["--yes", "--no-browser", "--overwrite"]);
    const page = await browse(login);
    expect(page.status).toBe(200);
    expect(await login.code).toBe(ExitCode.Ok);
    expect(login.stdout()).toContain(`client_id=${encodeURIComponent(world.smapi.credentials.clientId)}`);
  });

  it("names a vendor ID that is not the account's", async () => {
    world = await startWorld();
    await storeGood();
    world.ssm.store.put({ name: NAMES.vendorId, value: "M9WRONGVENDOR", overwrite: true });
    const r = run(world, ["--check"]);
    expect(await r.code).toBe(ExitCode.Failed);
    expect(r.stdout()).toMatch(new RegExp(`wrong\\s+${NAMES.vendorId}: not one of the 1 vendor`));
    expect(r.stdout()).not.toContain("M9WRONGVENDOR");
  });
});

describe("npm run setup:credentials: secrets", () => {
  it("never prints, sends elsewhere, or writes the client secret, the refresh token or the access token", async () => {
    const started = Date.now();
    world = await startWorld();
    const login = run(world, ["--yes", "--no-browser", "--json"]);
    await browse(login);
    expect(await login.code).toBe(ExitCode.Ok);
    const check = run(world, ["--check", "--json"]);
    expect(await check.code).toBe(ExitCode.Ok);
    world.smapi.lwa.revokeRefreshToken(world.smapi.lwa.issuedRefreshTokens().at(-1));
    const failing = run(world, ["--check"]);
    expect(await failing.code).toBe(ExitCode.Failed);

    // Nothing was even about to be printed: no redaction marks either.
    for (const r of [login, check, failing]) {
      expect(printed(r)).not.toMatch(/SENTINEL/);
      expect(printed(r)).not.toContain("***");
    }
    // LWA's token endpoint gets the secret and the refresh token; SMAPI gets the access token as a bearer, nothing else.
    const tokenPath = /^\/auth\/o2\/token/i;
    for (const request of world.smapi.requests) {
      const { authorization, ...headers } = request.headers;
      const rest = `${request.url}\n${JSON.stringify(headers)}\n${tokenPath.test(request.url) ? "" : request.body}`;
      expect(rest).not.toMatch(/SENTINEL/);
      if (!tokenPath.test(request.url) && authorization !== undefined) expect(String(authorization)).toMatch(/^Bearer SENTINEL-ACCESS-TOKEN-\d+$/);
      if (tokenPath.test(request.url)) expect(request.body).not.toContain(SENTINEL.accessPrefix);
    }
    // Parameter Store gets the secret and the refresh token as PutParameter values, and nothing else anywhere.
    for (const request of world.ssm.requests) {
      const body = JSON.parse(request.body) as Record<string, unknown>;
      const { Value, ...rest } = body;
      expect(JSON.stringify(rest) + JSON.stringify(request.headers)).not.toMatch(/SENTINEL/);
      if (Value !== undefined) expect(request.headers["x-amz-target"]).toBe("AmazonSSM.PutParameter");
      expect(String(Value ?? "")).not.toContain(SENTINEL.accessPrefix);
    }
    expect(world.ssm.requests.some((q) => q.body.includes(SENTINEL.clientSecret))).toBe(true);
    // And nothing on disk: the worktree and the temporary directory, every file written since the test began.
    for (const file of filesWrittenSince(started)) expect({ file, leaked: file.text.includes("SENTINEL-") }).toEqual({ file, leaked: false });
  });
});
