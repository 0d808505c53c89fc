import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MARKER } from "../../lib/plan/render";
import { FakeGitHub } from "./fake-github";
import { fixturePath } from "./helpers";

/**
 * The command as CI runs it (`npm run plan:comment` is `tsx scripts/plan-comment.ts`):
 * a separate Node process that loads the real, ESM-only Octokit through
 * require(), with nothing stubbed, talking to the fake API over loopback.
 */
const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [join(ROOT, "scripts", "plan-comment.ts"), ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

describe("plan:comment in its own process", () => {
  let github: FakeGitHub;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    github = new FakeGitHub();
    const dir = await mkdtemp(join(tmpdir(), "plan-cli-"));
    await writeFile(join(dir, "event.json"), JSON.stringify({ pull_request: { number: 3, head: { sha: "1234567890abcdef1234567890abcdef12345678" } } }));
    env = { GITHUB_TOKEN: "test-token", GITHUB_REPOSITORY: "codeforboston/alexa-skill-pipeline", GITHUB_EVENT_PATH: join(dir, "event.json"), GITHUB_API_URL: await github.start() };
  });

  afterAll(async () => {
    await github.stop();
  });

  test("posts, then updates, with the real Octokit", async () => {
    const first = await runCli([fixturePath("changes")], env);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toMatch(/^Created the plan comment: /);
    const second = await runCli([fixturePath("unchanged")], env);
    expect(second.stdout).toMatch(/^Updated the plan comment: /);
    expect(github.commentsOn(3)).toHaveLength(1);
    expect(github.commentsOn(3)[0]?.body.startsWith(MARKER)).toBe(true);
  });

  test("exits 2 naming the missing variables", async () => {
    const result = await runCli([fixturePath("unchanged")], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("plan:comment: Missing environment variables: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH (or pass --pr N). GitHub Actions sets them; elsewhere, use --print.\n");
  });
});
