import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SECRET_SENTINELS } from "./proof/sentinels";

const ROOT = path.resolve(__dirname, "..");
const APP = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).app as string;

/** Runs the cdktf app exactly as `cdktf synth` does (cdktf.json "app"), into a temporary outdir. */
function runApp(env: NodeJS.ProcessEnv) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));
  const [command, ...args] = APP.split(" ");
  const result = spawnSync(command as string, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", ...env },
    encoding: "utf8",
  });
  return { ...result, outdir };
}

describe("the cdktf app on the embedded example configuration", () => {
  // Every secret a pipeline environment holds (the secret-hygiene proof's sentinels).
  const secrets = { ...SECRET_SENTINELS, ASK_LWA_CLIENT_CONFIRMATION: "SENTINEL-CLIENT-CONFIRMATION-1e2d", ASK_ACCESS_TOKEN: "SENTINEL-ACCESS-TOKEN-77ab" };
  const run = runApp(secrets);
  afterAll(() => fs.rmSync(run.outdir, { recursive: true, force: true }));

  it("synthesizes the skill, pipeline and CI stacks with no AWS account", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(run.outdir, "stacks")).sort()).toEqual(["example-ci", "example-pipeline", "example-skill"]);
  });

  it("never writes a secret from the environment into synthesized files", () => {
    const files = execFileSync("find", [run.outdir, "-type", "f", "-name", "*.json"], { encoding: "utf8" }).trim().split("\n");
    for (const file of files) {
      const text = fs.readFileSync(file, "utf8");
      for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
    }
  });

  it("packages a placeholder handler that answers a LaunchRequest like a skill", () => {
    const stack = JSON.parse(fs.readFileSync(path.join(run.outdir, "stacks", "example-skill", "cdk.tf.json"), "utf8"));
    const zip = path.join(run.outdir, "stacks", "example-skill", Object.values<any>(stack.resource.aws_lambda_function)[0].filename);
    const extracted = fs.mkdtempSync(path.join(os.tmpdir(), "placeholder-"));
    execFileSync("python3", ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", zip, extracted]);
    const response = execFileSync(
      "python3",
      ["-c", 'import json, lambda_function as f; print(json.dumps(f.lambda_handler({"request": {"type": "LaunchRequest"}}, None)))'],
      { cwd: extracted, encoding: "utf8" },
    );
    expect(JSON.parse(response)).toEqual({
      version: "1.0",
      response: { outputSpeech: { type: "PlainText", text: expect.any(String) }, shouldEndSession: true },
    });
    fs.rmSync(extracted, { recursive: true, force: true });
  });
});

describe("the cdktf app with a bad configuration", () => {
  it("exits 2 naming the variable, the value and what is expected, and writes no stacks", () => {
    const run = runApp({ SKILL_ID: "amzn1.ask.skill.not-a-uuid" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Configuration of environment "example" is invalid');
    expect(run.stderr).toContain('SKILL_ID (overrides skill.id): "amzn1.ask.skill.not-a-uuid"');
    expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(fs.existsSync(path.join(run.outdir, "stacks"))).toBe(false);
    fs.rmSync(run.outdir, { recursive: true, force: true });
  });
});
