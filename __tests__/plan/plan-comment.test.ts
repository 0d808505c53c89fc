import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OperationFailed, UsageError } from "../../lib/errors";
import { createGitHubClient } from "../../lib/plan/github";
import { MARKER } from "../../lib/plan/render";
import { main, parsePlanCommentArgs, planComment, type PlanCommentDeps } from "../../scripts/plan-comment";
import { FakeGitHub } from "./fake-github";
import { FIXTURE_SECRETS } from "./fixtures/regenerate";
import { Capture, fixturePath, hugePlanJson } from "./helpers";

const PLANS = [fixturePath("changes"), fixturePath("refactor"), fixturePath("unchanged")];

describe("parsePlanCommentArgs", () => {
  test("a plan's stack is its directory's name, or given with --stack name=path", () => {
    expect(parsePlanCommentArgs(["cdktf.out/stacks/example-skill/plan.json", "--stack", "ci=/tmp/ci.json"]).plans).toEqual([
      { stack: "example-skill", path: "cdktf.out/stacks/example-skill/plan.json" },
      { stack: "ci", path: "/tmp/ci.json" },
    ]);
  });

  test.each([
    [[], /at least one plan/],
    [["a/plan.json", "b/a/plan.json"], /Two plans for stack a/],
    [["--stack", "no-equals"], /--stack takes <name>=<path>/],
    [["--pr", "12abc", "x/plan.json"], /--pr takes a pull request number/],
    [["--fork-notice", "--plan-failed"], /exclude each other/],
    [["--fork-notice", "x/plan.json"], /takes no plans/],
    [["--print", "--summary-file", "s.md", "x/plan.json"], /writes nothing but standard output/],
    [["--bogus"], /Unknown option/],
  ])("%j is a usage error", (argv, message) => {
    expect(() => parsePlanCommentArgs(argv)).toThrow(UsageError);
    expect(() => parsePlanCommentArgs(argv)).toThrow(message);
  });

  test("--help needs nothing else", async () => {
    const stdout = new Capture();
    expect(await main(["--help"], { env: {}, stdout, stderr: new Capture() })).toBe(0);
    expect(stdout.text).toMatch(/^Usage: npm run plan:comment -- \[options\] <plan\.json>\.\.\./);
  });
});

describe("plan:comment --print", () => {
  test("writes the Markdown to stdout and touches nothing else", async () => {
    const dir = await mkdtemp(join(tmpdir(), "plan-print-"));
    const summary = join(dir, "summary.md");
    await writeFile(summary, "");
    const stdout = new Capture();
    const github = jest.fn();
    const deps: PlanCommentDeps = { env: { GITHUB_STEP_SUMMARY: summary, GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "o/r", GITHUB_EVENT_PATH: "/nonexistent" }, stdout, stderr: new Capture(), github };
    expect(await main(["--print", ...PLANS], deps)).toBe(0);
    expect(stdout.text.startsWith(MARKER)).toBe(true);
    expect(stdout.text).toContain("### Stack <code>refactor</code>");
    expect(github).not.toHaveBeenCalled();
    expect(await readFile(summary, "utf8")).toBe("");
    for (const secret of FIXTURE_SECRETS) expect(stdout.text).not.toContain(secret);
  });

  test("a huge plan never fails the command", async () => {
    const dir = await mkdtemp(join(tmpdir(), "plan-huge-"));
    await writeFile(join(dir, "plan.json"), JSON.stringify(hugePlanJson(3000)));
    const stdout = new Capture();
    expect(await main(["--print", join(dir, "plan.json")], { env: {}, stdout, stderr: new Capture() })).toBe(0);
    expect(stdout.text.length).toBeLessThan(65_536);
    expect(stdout.text).toContain("**Trimmed:**");
  });

  test("a file that is not a plan exits 2 with a message, not a stack trace", async () => {
    const stderr = new Capture();
    expect(await main(["--print", __filename], { env: {}, stdout: new Capture(), stderr })).toBe(2);
    expect(stderr.text).toMatch(/^plan:comment: .*plan-comment\.test\.ts is not JSON/);
  });
});

describe("plan:comment against a fake GitHub API", () => {
  let github: FakeGitHub;
  let apiUrl: string;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const PR = 7;

  // The real Octokit client, with retries that do not wait.
  const fastClient: PlanCommentDeps["github"] = (options) => createGitHubClient({ ...options, retryDelayMs: 1, timeoutMs: 2_000 });

  beforeEach(async () => {
    github = new FakeGitHub("codeforboston", "alexa-skill-pipeline", "/api/v3");
    apiUrl = await github.start();
    dir = await mkdtemp(join(tmpdir(), "plan-comment-"));
    const eventPath = join(dir, "event.json");
    await writeFile(eventPath, JSON.stringify({ number: PR, pull_request: { number: PR, head: { sha: "abcdef0123456789abcdef0123456789abcdef01", repo: { full_name: "codeforboston/alexa-skill-pipeline" } } } }));
    env = {
      GITHUB_TOKEN: "test-token",
      GITHUB_REPOSITORY: "codeforboston/alexa-skill-pipeline",
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_API_URL: apiUrl,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_RUN_ID: "4242",
    };
  });

  afterEach(async () => {
    await github.stop();
  });

  const run = async (argv: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await main(argv, { env: { ...env, ...extraEnv }, stdout, stderr, github: fastClient });
    return { code, stdout: stdout.text, stderr: stderr.text };
  };

  test("posts one comment, then updates that same comment in place", async () => {
    github.addComment(PR, "Looks good to me");
    const first = await run([fixturePath("changes")]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toMatch(/^Created the plan comment: https:\/\/github\.com\/codeforboston\/alexa-skill-pipeline\/pull\/7#issuecomment-\d+\n$/);
    const [, posted] = github.commentsOn(PR);
    expect(posted?.body.startsWith(MARKER)).toBe(true);
    expect(posted?.body).toContain("For commit abcdef012345 · [workflow run](https://github.com/codeforboston/alexa-skill-pipeline/actions/runs/4242)");

    const second = await run(PLANS);
    expect(second.stdout).toMatch(/^Updated the plan comment: .*#issuecomment-\d+\n$/);
    expect(github.commentsOn(PR)).toHaveLength(2);
    expect(github.commentsOn(PR)[1]?.id).toBe(posted?.id);
    expect(github.commentsOn(PR)[1]?.body).toContain("### Stack <code>refactor</code>");
    expect(github.commentsOn(PR)[0]?.body).toBe("Looks good to me");
  });

  test("sends the token in the Authorization header, to the GitHub Enterprise path of GITHUB_API_URL", async () => {
    await run([fixturePath("unchanged")]);
    expect(github.requests.length).toBeGreaterThan(0);
    for (const request of github.requests) {
      expect(request.authorization).toBe("token test-token");
      expect(request.path.startsWith("/api/v3/repos/codeforboston/alexa-skill-pipeline/issues/")).toBe(true);
    }
  });

  test("finds its comment on a later page of a long conversation", async () => {
    for (let index = 0; index < 150; index += 1) github.addComment(PR, `comment ${index}`);
    github.addComment(PR, `${MARKER}\nold plan`, "github-actions[bot]");
    for (let index = 0; index < 80; index += 1) github.addComment(PR, `later comment ${index}`);
    const result = await run([fixturePath("unchanged")]);
    expect(result.stdout).toMatch(/^Updated/);
    expect(github.commentsOn(PR).filter((comment) => comment.body.startsWith(MARKER))).toHaveLength(1);
    const pages = github.requests.filter((request) => request.method === "GET").map((request) => new URL(request.path, "http://x").searchParams.get("page") ?? "1");
    expect(pages).toEqual(["1", "2"]);
  });

  test("a comment that merely quotes the marker later in its body is not taken for the plan comment", async () => {
    github.addComment(PR, `How does this work? It looks for ${MARKER}`);
    await run([fixturePath("unchanged")]);
    expect(github.commentsOn(PR)).toHaveLength(2);
    expect(github.commentsOn(PR)[0]?.body).toMatch(/^How does this work/);
  });

  test("retries a 5xx and a 429", async () => {
    github.failures.push({ method: "GET", status: 502 }, { method: "GET", status: 429 }, { method: "PATCH", status: 503 });
    github.addComment(PR, `${MARKER}\nold plan`, "github-actions[bot]");
    const result = await run([fixturePath("unchanged")]);
    expect(result.code).toBe(0);
    expect(github.requests.map((request) => request.method)).toEqual(["GET", "GET", "GET", "PATCH", "PATCH"]);
    expect(github.commentsOn(PR)[0]?.body).toContain("No changes");
  });

  test("a failed create is retried only after looking again, so it never makes two comments", async () => {
    github.failures.push({ method: "POST", status: 500 });
    const result = await run([fixturePath("unchanged")]);
    expect(result.code).toBe(0);
    expect(github.requests.map((request) => request.method)).toEqual(["GET", "POST", "GET", "POST"]);
    expect(github.commentsOn(PR)).toHaveLength(1);
  });

  test("gives up after the retries, with exit 1 and GitHub's answer", async () => {
    for (let index = 0; index < 10; index += 1) github.failures.push({ method: "GET", status: 500 });
    const result = await run([fixturePath("unchanged")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Could not post the plan comment on codeforboston\/alexa-skill-pipeline#7\. GitHub answered 500/);
    expect(result.stderr).not.toContain("test-token");
  });

  test("a client error is not retried", async () => {
    github.failures.push({ method: "GET", status: 404 });
    const result = await run([fixturePath("unchanged")]);
    expect(result.code).toBe(1);
    expect(github.requests).toHaveLength(1);
  });

  test("times out a request that hangs, and retries it", async () => {
    // A server that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent = createNetServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const client = createGitHubClient({ token: "test-token", baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200, retries: 1, retryDelayMs: 1 });
    const started = Date.now();
    await expect(client.rest.issues.listComments({ owner: "o", repo: "r", issue_number: 1 })).rejects.toMatchObject({ status: 500 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  test("--summary-file and GITHUB_STEP_SUMMARY get the long form", async () => {
    const summary = join(dir, "step-summary.md");
    await writeFile(join(dir, "huge.json"), JSON.stringify(hugePlanJson(2000)));
    const result = await run([join(dir, "huge.json")], { GITHUB_STEP_SUMMARY: summary });
    expect(result.code).toBe(0);
    const long = await readFile(summary, "utf8");
    const posted = github.commentsOn(PR)[0]?.body ?? "";
    expect(long.length).toBeGreaterThan(posted.length * 5);
    expect(long).toContain("<details>");
    expect(posted).toContain("The full plan is in the summary of the [workflow run](https://github.com/codeforboston/alexa-skill-pipeline/actions/runs/4242).");

    const explicit = join(dir, "explicit.md");
    await run(["--summary-file", explicit, fixturePath("unchanged")]);
    expect(await readFile(explicit, "utf8")).toContain("**No changes.**");
  });

  test("--pr overrides the event file", async () => {
    await run(["--pr", "99", fixturePath("unchanged")]);
    expect(github.commentsOn(99)).toHaveLength(1);
    expect(github.commentsOn(PR)).toHaveLength(0);
  });

  test("--fork-notice posts, then updates, the comment saying why there is no plan", async () => {
    await run([fixturePath("unchanged")]);
    const result = await run(["--fork-notice"]);
    expect(result.code).toBe(0);
    expect(github.commentsOn(PR)).toHaveLength(1);
    expect(github.commentsOn(PR)[0]?.body).toMatch(new RegExp(`^${MARKER}\\n## Terraform plan: skipped\\n`));
    expect(github.commentsOn(PR)[0]?.body).toContain("from forks get no OIDC token");
  });

  test("--fork-notice with a fork's read-only token warns and still exits 0, leaving the notice in the step summary", async () => {
    github.forbidWrites = true;
    const summary = join(dir, "summary.md");
    const result = await run(["--fork-notice"], { GITHUB_STEP_SUMMARY: summary });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^::warning::Could not comment on the pull request from a fork \(GitHub answered 403/);
    expect(await readFile(summary, "utf8")).toContain("from forks get no OIDC token");
  });

  test("a 403 on a real plan is a failure", async () => {
    github.forbidWrites = true;
    expect((await run([fixturePath("unchanged")])).code).toBe(1);
  });

  test("--plan-failed replaces a stale plan with a notice", async () => {
    await run([fixturePath("changes")]);
    await run(["--plan-failed"]);
    expect(github.commentsOn(PR)).toHaveLength(1);
    expect(github.commentsOn(PR)[0]?.body).toContain("## Terraform plan: failed");
    expect(github.commentsOn(PR)[0]?.body).not.toContain("terraform_data");
  });

  test("missing environment is a usage error naming every missing variable, before anything is written", async () => {
    const summary = join(dir, "untouched.md");
    const deps: PlanCommentDeps = { env: { GITHUB_STEP_SUMMARY: summary }, stdout: new Capture(), stderr: new Capture() };
    const error = await planComment(parsePlanCommentArgs([fixturePath("unchanged")]), deps).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH \(or pass --pr N\)/);
    await expect(readFile(summary, "utf8")).rejects.toMatchObject({ code: "ENOENT" });
    expect(github.requests).toHaveLength(0);
  });

  test("an event that is not a pull request's is a usage error", async () => {
    await writeFile(join(dir, "push.json"), JSON.stringify({ ref: "refs/heads/main" }));
    const result = await run([fixturePath("unchanged")], { GITHUB_EVENT_PATH: join(dir, "push.json") });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a pull request's/);
  });

  test("a malformed GITHUB_REPOSITORY is a usage error", async () => {
    expect((await run([fixturePath("unchanged")], { GITHUB_REPOSITORY: "just-a-name" })).code).toBe(2);
  });

  test("OperationFailed is what a failed post throws", async () => {
    github.forbidWrites = true;
    await expect(planComment(parsePlanCommentArgs([fixturePath("unchanged")]), { env, stdout: new Capture(), stderr: new Capture(), github: fastClient })).rejects.toBeInstanceOf(OperationFailed);
  });
});
