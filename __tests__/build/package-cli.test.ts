import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { exampleInput } from "../../lib/emulators/example-config";
import { codeSha256 } from "../../lib/package";
import { HELP, main } from "../../scripts/package";
import { askResources, GOOD_HANDLER, writeProject } from "./projects";

function io(env: NodeJS.ProcessEnv = process.env) {
  let stdout = "";
  let stderr = "";
  return {
    env,
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    out: () => stdout,
    err: () => stderr,
  };
}

describe("npm run package", () => {
  const cleanup: string[] = [];
  afterAll(async () => {
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
  });
  // The example environment's recipe expects voiceapp311's layout; these projects follow the conventions,
  // so the configuration comes from a one-environment override of the example without a recipe.
  const env = { ...process.env, PIPELINE_ENV: "example" };

  it("--help shows the usage and exits 0", async () => {
    const run = io();
    expect(await main(["--help"], run)).toBe(0);
    expect(run.out()).toBe(HELP);
    expect(HELP).toContain("--repo <dir>");
  });

  it("a --repo that does not exist exits 2 naming the path and the fix", async () => {
    const run = io(env);
    expect(await main(["--repo", "/nonexistent/voiceapp311"], run)).toBe(2);
    expect(run.err()).toBe("package: --repo /nonexistent/voiceapp311: /nonexistent/voiceapp311 does not exist; give the path of a checkout of the skill's repository (e.g. git clone https://github.com/codeforboston/voiceapp311).\n");
  });

  it("without --repo exits 2 with the usage", async () => {
    const run = io(env);
    expect(await main([], run)).toBe(2);
    expect(run.err()).toContain("--repo is required");
  });

  it("an unknown option exits 2", async () => {
    expect(await main(["--repository", "."], io(env))).toBe(2);
  });

  it("--json prints the built package alone on standard output, and --out gets the zip", async () => {
    const repo = await writeProject({ "ask-resources.json": askResources("./lambda"), "lambda/lambda_function.py": GOOD_HANDLER });
    const outDir = await mkdtemp(path.join(tmpdir(), "package-cli-"));
    cleanup.push(repo, outDir);
    const out = path.join(outDir, "skill.zip");
    const withoutRecipe = exampleInput();
    delete withoutRecipe.source?.build;
    const run = { ...io(env), environments: [withoutRecipe] };
    expect(await main(["--repo", repo, "--out", out, "--json"], run)).toBe(0);
    const result = JSON.parse(run.out());
    expect(result).toEqual({
      zipPath: out,
      sha256: codeSha256(await readFile(out)),
      bytes: (await readFile(out)).length,
      flow: "zip-only",
      handler: "lambda_function.lambda_handler",
      skillPackageDir: path.join(repo, "skill-package"),
    });
    expect(run.err()).toContain("The handler answers a LaunchRequest");
  });

  it("a failing hook's output does not carry the build's credentials into the error message", async () => {
    const secret = "Atzr|IwEBIEXAMPLE-refresh-token";
    const repo = await writeProject({
      "ask-resources.json": askResources("./lambda"),
      "hooks/build.sh": "+x #!/bin/sh\necho \"token is $ASK_REFRESH_TOKEN\" >&2\nexit 1\n",
      "lambda/lambda_function.py": GOOD_HANDLER,
    });
    cleanup.push(repo);
    const withoutRecipe = exampleInput();
    delete withoutRecipe.source?.build;
    const run = { ...io({ ...env, ASK_REFRESH_TOKEN: secret }), environments: [withoutRecipe] };
    expect(await main(["--repo", repo], run)).toBe(1);
    expect(run.err()).toContain("package build failed at step \"hook\"");
    expect(run.err()).toContain("token is ***");
    expect(run.err()).not.toContain(secret);
  });

  it("a recipe path that the checkout lacks exits 2 naming the field, and writes nothing", async () => {
    const repo = await writeProject({ "ask-resources.json": askResources("./lambda"), "lambda/lambda_function.py": GOOD_HANDLER });
    const outDir = await mkdtemp(path.join(tmpdir(), "package-cli-"));
    cleanup.push(repo, outDir);
    const out = path.join(outDir, "skill.zip");
    const run = io(env);
    expect(await main(["--repo", repo, "--out", out], run)).toBe(2);
    expect(run.err()).toContain("source.build.codeDir \"mycity\"");
    expect(existsSync(out)).toBe(false);
  });
});
