import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(__dirname, "..", "..");
const WORKFLOW = join(ROOT, ".github", "workflows", "plan.yml");
const VALIDATOR = join(ROOT, "node_modules", ".bin", "action-validator");

function parseYaml(text: string): unknown {
  return parse(text);
}

function validate(path: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(VALIDATOR, [path], (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, output: stdout + stderr });
    });
  });
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  env: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

describe(".github/workflows/plan.yml", () => {
  let text: string;
  let workflow: Workflow;
  let steps: Step[];
  const FORK = "github.event.pull_request.head.repo.full_name != github.repository";
  const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";
  const step = (predicate: (candidate: Step) => boolean): Step => {
    const found = steps.find(predicate);
    if (found === undefined) throw new Error("no such step");
    return found;
  };

  beforeAll(async () => {
    text = await readFile(WORKFLOW, "utf8");
    workflow = parseYaml(text) as Workflow;
    steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  });

  test("passes action-validator", async () => {
    const result = await validate(WORKFLOW);
    expect(result).toEqual({ code: 0, output: "" });
  });

  test("action-validator rejects a broken copy, so the check above means something", async () => {
    const dir = await mkdtemp(join(tmpdir(), "workflow-"));
    const broken = join(dir, "plan.yml");
    await writeFile(broken, text.replace("runs-on: ubuntu-24.04", "runs-on: ubuntu-24.04\n    stepz: []").replace("permissions:\n  contents: read", "permissions:\n  contents: sometimes"));
    const result = await validate(broken);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("Additional property 'stepz' is not allowed");
    expect(result.output).toContain('"path": "/permissions/contents"');
  });

  test("runs on pull_request only, never pull_request_target", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(text).not.toMatch(/^\s*pull_request_target\s*:/m);
  });

  test("asks only for what it needs", () => {
    expect(workflow.permissions).toEqual({ contents: "read", "pull-requests": "write", "id-token": "write" });
  });

  test("one plan per pull request at a time; a newer push cancels the older run", () => {
    expect(workflow.concurrency).toEqual({ group: "plan-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
  });

  test("uses Node 24-based actions and Node 22 or later", () => {
    const majors: Record<string, number> = { "actions/checkout": 5, "actions/setup-node": 5, "hashicorp/setup-terraform": 4, "aws-actions/configure-aws-credentials": 6 };
    const used = steps.filter((candidate) => candidate.uses !== undefined).map((candidate) => candidate.uses as string);
    expect(used.map((uses) => uses.split("@")[0])).toEqual(Object.keys(majors));
    for (const uses of used) {
      const [action = "", version = ""] = uses.split("@");
      expect(Number(/^v(\d+)/.exec(version)?.[1])).toBeGreaterThanOrEqual(majors[action] ?? Number.POSITIVE_INFINITY);
    }
    const node = step((candidate) => candidate.uses?.startsWith("actions/setup-node@") === true).with;
    expect(Number(node?.["node-version"])).toBeGreaterThanOrEqual(22);
    expect(node?.cache).toBe("npm");
  });

  test("installs a pinned terraform without the wrapper, before the tests that need it", () => {
    const terraform = step((candidate) => candidate.uses?.startsWith("hashicorp/setup-terraform@") === true);
    expect(terraform.with).toEqual({ terraform_version: "1.11.4", terraform_wrapper: false });
    expect(steps.indexOf(terraform)).toBeLessThan(steps.findIndex((candidate) => candidate.run === "npm test"));
    expect(steps.findIndex((candidate) => candidate.run === "npm ci")).toBeLessThan(steps.findIndex((candidate) => candidate.run === "npm test"));
  });

  test("assumes the plan role through OIDC, with no stored keys, and only for pull requests from this repository", () => {
    const credentials = step((candidate) => candidate.uses?.startsWith("aws-actions/configure-aws-credentials@") === true);
    expect(credentials.with?.["role-to-assume"]).toBe("${{ vars.PLAN_ROLE_ARN }}");
    expect(credentials.with?.["aws-region"]).toBe("${{ vars.AWS_REGION }}");
    expect(credentials.if).toBe(SAME_REPO);
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|secrets\./);
  });

  test("synthesizes before the credentials exist, then plans each stack without the lock, JSON into a file", () => {
    const synth = steps.findIndex((candidate) => candidate.run === "npx cdktf synth");
    const credentials = steps.findIndex((candidate) => candidate.uses?.startsWith("aws-actions/configure-aws-credentials@") === true);
    const planStep = step((candidate) => candidate.run?.includes("terraform -chdir") === true);
    expect(synth).toBeGreaterThan(0);
    expect(synth).toBeLessThan(credentials);
    expect(steps.indexOf(planStep)).toBeGreaterThan(credentials);
    expect(planStep.run).toContain("for dir in cdktf.out/stacks/*/");
    expect(planStep.run).toMatch(/terraform -chdir="\$dir" init /);
    expect(planStep.run).toMatch(/terraform -chdir="\$dir" plan -lock=false .*-out=plan\.tfplan/);
    expect(planStep.run).toMatch(/terraform -chdir="\$dir" show -json plan\.tfplan > "\$\{dir\}plan\.json"/);
    expect(planStep.if).toBe(SAME_REPO);
  });

  test("comments the plan, or the fork notice for forks, with the job's token", () => {
    const comment = step((candidate) => candidate.run === "npm run plan:comment -- cdktf.out/stacks/*/plan.json");
    expect(comment.if).toBe(SAME_REPO);
    expect(comment.env).toEqual({ GITHUB_TOKEN: "${{ github.token }}" });
    const fork = step((candidate) => candidate.run === "npm run plan:comment -- --fork-notice");
    expect(fork.if).toBe(FORK);
    expect(fork.env).toEqual({ GITHUB_TOKEN: "${{ github.token }}" });
    const failed = step((candidate) => candidate.run === "npm run plan:comment -- --plan-failed");
    expect(failed.if).toBe(`failure() && ${SAME_REPO}`);
  });

  test("every step that touches AWS or Terraform state is skipped for forks", () => {
    for (const candidate of steps.filter((each) => each.uses?.startsWith("aws-actions/") === true || each.run?.includes("terraform") === true || each.run?.includes("cdktf") === true)) {
      expect(candidate.if).toMatch(/github\.event\.pull_request\.head\.repo\.full_name == github\.repository$/);
    }
  });

  test("Terraform does not call home or prompt", () => {
    expect(workflow.env).toMatchObject({ CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" });
  });

  test("the checkout leaves no token behind for the pull request's code", () => {
    expect(step((candidate) => candidate.uses?.startsWith("actions/checkout@") === true).with).toEqual({ "persist-credentials": false });
  });
});
