import { appendFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Octokit } from "@octokit/rest";
import { OperationFailed, UsageError } from "../lib/errors";
import { runCommand, runMain, type CommandIO } from "../lib/cli";
import { redactKnownSecrets } from "../lib/output";
import { pullRequestContext, workflowRunUrl } from "../lib/plan/context";
import { createGitHubClient, statusOf, upsertComment, type GitHubClientOptions } from "../lib/plan/github";
import type { StackPlan } from "../lib/plan/model";
import { readPlanFile } from "../lib/plan/parse";
import { MARKER, renderNoticeComment, renderPlanComment, type RenderOptions } from "../lib/plan/render";

export const HELP = `Usage: npm run plan:comment -- [options] <plan.json>...

Posts the Terraform plans of a pull request as one comment, and updates that
comment on later runs. Each <plan.json> is the output of
\`terraform show -json <planfile>\`; its stack is the name of the directory it
is in (cdktf.out/stacks/<stack>/plan.json). The cdk.tf.json next to it, when
there is one, gives each resource's lifecycle.ignore_changes, so that drift in
attributes the release scripts own is not reported.

Options:
  --stack <name>=<path>  a plan with an explicit stack name (repeatable)
  --print                write the comment to standard output; post nothing, write nothing else
  --pr <number>          the pull request (default: from the event at GITHUB_EVENT_PATH)
  --summary-file <path>  also append the untrimmed plan here (default: $GITHUB_STEP_SUMMARY)
  --fork-notice          instead of a plan, say that pull requests from forks are not planned
  --plan-failed          instead of a plan, say that the plan job failed
  -h, --help             show this help

Environment: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/repo), GITHUB_EVENT_PATH,
GITHUB_API_URL (GitHub Enterprise), GITHUB_STEP_SUMMARY; GITHUB_SERVER_URL and
GITHUB_RUN_ID link the comment to its workflow run.
`;

/** GitHub shows at most 1 MiB of a step's summary. */
export const STEP_SUMMARY_BUDGET = 1024 * 1024 - 8 * 1024;

export type CommentMode = "plan" | "fork-notice" | "plan-failed";

export interface PlanCommentArgs {
  help: boolean;
  mode: CommentMode;
  plans: { stack: string; path: string }[];
  print: boolean;
  pr?: number;
  summaryFile?: string;
}

export interface PlanCommentDeps extends CommandIO {
  /** Makes the GitHub client; tests keep the real one and point GITHUB_API_URL at a fake server. */
  github?: (options: GitHubClientOptions) => Octokit;
}

export function parsePlanCommentArgs(argv: readonly string[]): PlanCommentArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        stack: { type: "string", multiple: true },
        print: { type: "boolean", default: false },
        pr: { type: "string" },
        "summary-file": { type: "string" },
        "fork-notice": { type: "boolean", default: false },
        "plan-failed": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  const help = values.help === true;
  if (values["fork-notice"] && values["plan-failed"]) throw new UsageError("--fork-notice and --plan-failed exclude each other.");
  const mode: CommentMode = values["fork-notice"] ? "fork-notice" : values["plan-failed"] ? "plan-failed" : "plan";
  const plans = [
    ...positionals.map((path) => ({ stack: basename(dirname(resolve(path))), path })),
    ...(values.stack ?? []).map(namedPlan),
  ];
  if (!help && mode === "plan" && plans.length === 0) throw new UsageError(`Give at least one plan.json.\n\n${HELP}`);
  if (mode !== "plan" && plans.length > 0) throw new UsageError(`--${mode} takes no plans.`);
  const duplicate = plans.find((plan, index) => plans.findIndex((other) => other.stack === plan.stack) !== index);
  if (duplicate !== undefined) throw new UsageError(`Two plans for stack ${duplicate.stack}: name them with --stack <name>=<path>.`);
  if (values.print && values["summary-file"] !== undefined) throw new UsageError("--print writes nothing but standard output; drop --summary-file.");
  return {
    help,
    mode,
    plans,
    print: values.print === true,
    ...(values.pr !== undefined && { pr: pullRequestNumber(values.pr) }),
    ...(values["summary-file"] !== undefined && { summaryFile: values["summary-file"] }),
  };
}

function namedPlan(spec: string): { stack: string; path: string } {
  const match = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(spec);
  if (match?.[1] === undefined || match[2] === undefined) throw new UsageError(`--stack takes <name>=<path>, got ${JSON.stringify(spec)}.`);
  return { stack: match[1], path: match[2] };
}

function pullRequestNumber(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text)) throw new UsageError(`--pr takes a pull request number, got ${JSON.stringify(text)}.`);
  return Number(text);
}

export async function planComment(args: PlanCommentArgs, deps: PlanCommentDeps): Promise<void> {
  if (args.help) {
    deps.stdout.write(HELP);
    return;
  }
  if (args.print) {
    const plans = await readPlans(args);
    deps.stdout.write(commentBody(args.mode, plans, {}));
    return;
  }
  // Everything that can be wrong with the environment is reported before anything is written.
  const target = await pullRequestContext(deps.env, args.pr);
  const plans = await readPlans(args);
  const runUrl = workflowRunUrl(deps.env);
  const summaryFile = args.summaryFile ?? (deps.env.GITHUB_STEP_SUMMARY || undefined);
  const meta: RenderOptions = {
    ...(target.commit !== undefined && { commit: target.commit }),
    ...(runUrl !== undefined && { runUrl }),
  };
  if (summaryFile !== undefined) {
    await appendFile(summaryFile, commentBody(args.mode, plans, { ...meta, maxChars: STEP_SUMMARY_BUDGET, measure: (text) => Buffer.byteLength(text) }) + "\n");
  }
  const fullPlanAt = summaryFile !== undefined && runUrl !== undefined ? `the summary of the [workflow run](${runUrl})` : undefined;
  const body = commentBody(args.mode, plans, { ...meta, ...(fullPlanAt !== undefined && { fullPlanAt }) });

  const github = (deps.github ?? createGitHubClient)({ token: target.token, ...(target.apiUrl !== undefined && { baseUrl: target.apiUrl }) });
  try {
    const result = await upsertComment(github, target, MARKER, body);
    deps.stdout.write(`${result.action === "created" ? "Created" : "Updated"} the plan comment: ${result.url}\n`);
  } catch (error) {
    const status = statusOf(error);
    const reason = `GitHub answered ${status ?? "no status"}: ${(error as Error).message}`;
    if (args.mode === "fork-notice" && (status === 403 || status === 404)) {
      // A fork's token is read-only unless the repository allows more; the step summary still says why.
      deps.stderr.write(redactKnownSecrets(`::warning::Could not comment on the pull request from a fork (${reason}); the notice is in the step summary.\n`));
      return;
    }
    throw new OperationFailed(`Could not post the plan comment on ${target.owner}/${target.repo}#${target.issueNumber}. ${reason}`);
  }
}

async function readPlans(args: PlanCommentArgs): Promise<StackPlan[]> {
  return Promise.all(args.plans.map(({ stack, path }) => readPlanFile(path, stack)));
}

function commentBody(mode: CommentMode, plans: readonly StackPlan[], options: RenderOptions): string {
  switch (mode) {
    case "plan":
      return renderPlanComment(plans, options);
    case "fork-notice":
      return renderNoticeComment("NOTE", "Terraform plan: skipped", FORK_NOTICE, options);
    case "plan-failed":
      return renderNoticeComment("WARNING", "Terraform plan: failed", PLAN_FAILED_NOTICE, options);
  }
}

const FORK_NOTICE = [
  "**No plan was made**: this pull request comes from a fork, and workflows for pull requests from forks get no OIDC token, so they cannot assume the read-only plan role.",
  "A maintainer can run `npm run plan` with their own credentials, or push the branch to this repository to get a plan here.",
];

const PLAN_FAILED_NOTICE = [
  "**No plan for this commit**: the plan job failed before it could make one, and the plan of any earlier commit is gone from here so that it cannot be mistaken for this one's. The workflow run shows why.",
];

export async function main(argv: readonly string[] = process.argv.slice(2), io: PlanCommentDeps = { env: process.env, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  return runCommand("plan:comment", io, async () => planComment(parsePlanCommentArgs(argv), io));
}

if (require.main === module) runMain("plan:comment", (io) => main(process.argv.slice(2), io));
