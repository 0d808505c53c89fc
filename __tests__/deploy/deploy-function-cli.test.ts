import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeZip, startLambdaEmulator, type LambdaEmulator } from "../../lib/emulators/lambda";

/**
 * The command as CodeBuild runs it (`npm run deploy:function` is
 * `tsx scripts/deploy-function.ts`): its own process, the default client
 * factories, credentials from the environment and the SDK's own endpoint
 * override, and the exit status set by runMain.
 */
const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [join(ROOT, "scripts", "deploy-function.ts"), ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

let emu: LambdaEmulator;
let dir: string;

beforeAll(async () => {
  // Updates settle at once, so the real clock's first poll sees them done.
  emu = await startLambdaEmulator({ updateDurationMs: 0 });
  dir = await mkdtemp(join(tmpdir(), "deploy-function-cli-"));
});

afterAll(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

test("deploys, exits 0 and prints JSON alone on standard output; bad usage exits 2", async () => {
  const zip = makeZip({ "lambda_function.py": "def lambda_handler(event, context):\n    return {}\n" });
  const file = join(dir, "skill.zip");
  await writeFile(file, zip);
  const env = {
    AWS_ENDPOINT_URL_LAMBDA: emu.url,
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  const [deployed, bad] = await Promise.all([runCli(["--zip", file, "--json"], env), runCli(["--zip", file, "--timeout", "soon"], env)]);

  expect(deployed.code).toBe(0);
  expect(JSON.parse(deployed.stdout)).toMatchObject({ functionName: "BostonInfoSkill", action: "updated", upload: "direct" });
  expect(emu.state.get("BostonInfoSkill").latest.code.sha256).toBe(JSON.parse(deployed.stdout).codeSha256);
  expect(deployed.stderr).toContain("Done in");
  expect(deployed.stdout + deployed.stderr).not.toContain(env.AWS_SECRET_ACCESS_KEY);

  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/^deploy:function: --timeout takes a number of seconds from 1 to 3600, got "soon"\.\n$/);
});
