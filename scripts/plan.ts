import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { OperationFailed, UsageError } from "../lib/errors";
import { runCommand, runMain, type CommandIO } from "../lib/cli";
import { readPlanFile } from "../lib/plan/parse";
import { renderPlanComment } from "../lib/plan/render";
import { planStack, spawnRunner, type Runner } from "../lib/plan/terraform";

export const HELP = `Usage: npm run plan -- [options]

Plans every stack with your local AWS credentials and prints the same summary
a pull request gets: runs \`cdktf synth\`, then in each cdktf.out/stacks/<stack>
\`terraform init\`, \`terraform plan -lock=false -out=plan.tfplan\` and
\`terraform show -json\` (into <stack>/plan.json). Terraform's own output goes to
standard error; standard output carries only the Markdown summary.

Options:
  --stack <name>   plan only this stack (repeatable)
  --skip-synth     plan what is already in the output directory
  --out <dir>      cdktf's output directory (default: cdktf.out)
  -h, --help       show this help
`;

export interface PlanArgs {
  help: boolean;
  stacks: string[];
  skipSynth: boolean;
  outDir: string;
}

export interface PlanDeps extends CommandIO {
  run: Runner;
  cwd: string;
}

export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        stack: { type: "string", multiple: true },
        "skip-synth": { type: "boolean", default: false },
        out: { type: "string", default: "cdktf.out" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    return { help: values.help === true, stacks: values.stack ?? [], skipSynth: values["skip-synth"] === true, outDir: values.out ?? "cdktf.out" };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${HELP}`);
  }
}

export async function plan(args: PlanArgs, deps: PlanDeps): Promise<void> {
  if (args.help) {
    deps.stdout.write(HELP);
    return;
  }
  if (!args.skipSynth) {
    const { exitCode } = await deps.run("npx", ["--no-install", "cdktf", "synth", "--output", args.outDir], { cwd: deps.cwd, env: deps.env });
    if (exitCode !== 0) throw new OperationFailed(`cdktf synth failed (exit ${exitCode}); its output is above.`);
  }
  const stacksDir = resolve(deps.cwd, args.outDir, "stacks");
  const found = await stackNames(stacksDir);
  const unknown = args.stacks.filter((name) => !found.includes(name));
  if (unknown.length > 0) throw new UsageError(`No such stack: ${unknown.join(", ")}. The stacks are: ${found.join(", ") || "(none)"}.`);
  const chosen = args.stacks.length > 0 ? found.filter((name) => args.stacks.includes(name)) : found;
  if (chosen.length === 0) throw new OperationFailed(`There are no stacks in ${stacksDir}: did cdktf synth run?`);

  const plans = [];
  // One at a time: each init and plan prints a screenful, and interleaved output would be unreadable.
  for (const stack of chosen) {
    deps.stderr.write(`\n== ${stack} ==\n`);
    const jsonPath = await planStack(deps.run, join(stacksDir, stack), stack, deps.env);
    plans.push(await readPlanFile(jsonPath, stack));
  }
  deps.stdout.write(renderPlanComment(plans, { maxChars: Number.POSITIVE_INFINITY }));
}

async function stackNames(stacksDir: string): Promise<string[]> {
  try {
    const entries = await readdir(stacksDir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

export async function main(argv: readonly string[] = process.argv.slice(2), io: CommandIO = { env: process.env, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  return runCommand("plan", io, async () => plan(parsePlanArgs(argv), { ...io, run: spawnRunner(process.stderr), cwd: process.cwd() }));
}

if (require.main === module) runMain("plan", (io) => main(process.argv.slice(2), io));
