import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OperationFailed, UsageError } from "../../lib/errors";
import { spawnRunner, type Runner, type RunOptions } from "../../lib/plan/terraform";
import { parsePlanArgs, plan, type PlanDeps } from "../../scripts/plan";
import { FIXTURE_SECRETS } from "./fixtures/regenerate";
import { Capture, fixturePath } from "./helpers";

interface Call {
  command: string;
  args: readonly string[];
  cwd: string;
  stdoutFile?: string;
}

/** A runner that records calls; `synth` makes the stack directories, `show -json` writes a committed fixture. */
function fakeRunner(stacks: Record<string, string>, failOn?: (call: Call) => boolean): { run: Runner; calls: Call[] } {
  const calls: Call[] = [];
  const run: Runner = async (command, args, options: RunOptions) => {
    const call: Call = { command, args, cwd: options.cwd, ...(options.stdoutFile !== undefined && { stdoutFile: options.stdoutFile }) };
    calls.push(call);
    if (failOn?.(call)) return { exitCode: 1 };
    if (args.includes("synth")) {
      for (const stack of Object.keys(stacks)) await mkdir(join(options.cwd, "cdktf.out", "stacks", stack), { recursive: true });
    }
    if (args[0] === "show" && options.stdoutFile !== undefined) {
      const stack = options.cwd.split("/").at(-1) ?? "";
      await copyFile(fixturePath(stacks[stack] ?? "unchanged"), options.stdoutFile);
    }
    return { exitCode: 0 };
  };
  return { run, calls };
}

async function deps(run: Runner): Promise<PlanDeps & { stdout: Capture; stderr: Capture }> {
  return { run, cwd: await mkdtemp(join(tmpdir(), "npm-run-plan-")), env: { AWS_PROFILE: "mine" }, stdout: new Capture(), stderr: new Capture() };
}

describe("npm run plan", () => {
  test("synthesizes, then inits, plans without the lock and shows JSON in each stack, and prints the summary", async () => {
    const { run, calls } = fakeRunner({ "example-skill": "changes", "example-ci": "unchanged" });
    const io = await deps(run);
    await plan(parsePlanArgs([]), io);
    const stacks = join(io.cwd, "cdktf.out", "stacks");
    expect(calls).toEqual([
      { command: "npx", args: ["--no-install", "cdktf", "synth", "--output", "cdktf.out"], cwd: io.cwd },
      { command: "terraform", args: ["init", "-input=false"], cwd: join(stacks, "example-ci") },
      { command: "terraform", args: ["plan", "-lock=false", "-input=false", "-out=plan.tfplan"], cwd: join(stacks, "example-ci") },
      { command: "terraform", args: ["show", "-json", "plan.tfplan"], cwd: join(stacks, "example-ci"), stdoutFile: join(stacks, "example-ci", "plan.json") },
      { command: "terraform", args: ["init", "-input=false"], cwd: join(stacks, "example-skill") },
      { command: "terraform", args: ["plan", "-lock=false", "-input=false", "-out=plan.tfplan"], cwd: join(stacks, "example-skill") },
      { command: "terraform", args: ["show", "-json", "plan.tfplan"], cwd: join(stacks, "example-skill"), stdoutFile: join(stacks, "example-skill", "plan.json") },
    ]);
    expect(io.stdout.text).toContain("| <code>example-ci</code> | No changes |");
    expect(io.stdout.text).toContain("| <code>example-skill</code> | ⚠️ deletes |");
    expect(io.stdout.text).toContain("<details>");
    for (const secret of FIXTURE_SECRETS) expect(io.stdout.text).not.toContain(secret);
  });

  test("terraform runs with local credentials, no prompts and no checkpoint calls", async () => {
    const seen: NodeJS.ProcessEnv[] = [];
    const { run } = fakeRunner({ "example-skill": "unchanged" });
    const io = await deps(async (command, args, options) => {
      if (command === "terraform") seen.push(options.env);
      return run(command, args, options);
    });
    await plan(parsePlanArgs([]), io);
    for (const env of seen) expect(env).toMatchObject({ AWS_PROFILE: "mine", CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" });
  });

  test("--stack chooses stacks; an unknown one is a usage error naming the real ones", async () => {
    const { run, calls } = fakeRunner({ "example-skill": "unchanged", "example-ci": "unchanged" });
    const io = await deps(run);
    await plan(parsePlanArgs(["--stack", "example-skill"]), io);
    expect(calls.filter((call) => call.command === "terraform").every((call) => call.cwd.endsWith("example-skill"))).toBe(true);
    await expect(plan(parsePlanArgs(["--stack", "nope", "--skip-synth"]), io)).rejects.toThrow(new UsageError("No such stack: nope. The stacks are: example-ci, example-skill."));
  });

  test("a failing step stops with OperationFailed naming the step and the stack", async () => {
    const { run } = fakeRunner({ "example-skill": "unchanged" }, (call) => call.args[0] === "plan");
    const io = await deps(run);
    await expect(plan(parsePlanArgs([]), io)).rejects.toThrow(new OperationFailed("terraform plan failed for stack example-skill (exit 1); Terraform's output is above."));
    const { run: failingSynth } = fakeRunner({}, (call) => call.args.includes("synth"));
    await expect(plan(parsePlanArgs([]), await deps(failingSynth))).rejects.toThrow(/cdktf synth failed/);
  });

  test("no stacks at all is an error, not an empty summary", async () => {
    const { run } = fakeRunner({});
    await expect(plan(parsePlanArgs([]), await deps(run))).rejects.toThrow(/There are no stacks/);
  });

  test("--help, and bad options", async () => {
    const io = await deps(fakeRunner({}).run);
    await plan(parsePlanArgs(["--help"]), io);
    expect(io.stdout.text).toMatch(/^Usage: npm run plan/);
    expect(() => parsePlanArgs(["--nope"])).toThrow(UsageError);
  });
});

describe("npm run plan with the real terraform binary", () => {
  test("plans a synthesized stack of terraform_data and prints its summary; standard output carries only the summary", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "npm-run-plan-real-"));
    const stackDir = join(cwd, "cdktf.out", "stacks", "demo");
    await mkdir(stackDir, { recursive: true });
    // cdktf writes JSON configuration; Terraform reads *.tf.json as it reads HCL.
    await writeFile(join(stackDir, "cdk.tf.json"), JSON.stringify({ resource: { terraform_data: { hello: { input: "world" } } } }));
    const terraformLog = new Capture();
    const stdout = new Capture();
    const cliConfig = join(cwd, "terraformrc");
    await writeFile(cliConfig, "");
    await plan(parsePlanArgs(["--skip-synth"]), { run: spawnRunner(terraformLog), cwd, env: { PATH: process.env.PATH, TF_CLI_CONFIG_FILE: cliConfig }, stdout, stderr: terraformLog });
    expect(stdout.text).toContain("| <code>demo</code> | changes | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |");
    expect(stdout.text).toContain('| <code>input</code> | <code>null</code> | <code>"world"</code> |');
    expect(terraformLog.text).toMatch(/terraform_data\.hello\S* will be created/);
    expect(JSON.parse(await readFile(join(stackDir, "plan.json"), "utf8"))).toHaveProperty("resource_changes");
  });

  test("a missing binary is a usage error that says what to install", async () => {
    const run = spawnRunner(new Capture());
    await expect(run("terraform-that-does-not-exist", [], { cwd: tmpdir(), env: {} })).rejects.toThrow(/not on the PATH: install it/);
  });
});
