import { readFile } from "node:fs/promises";
import { UsageError } from "../errors";
import { rememberSecrets } from "../output";

/** Where the comment goes and what it is about, from the variables GitHub Actions sets. */
export interface PullRequestContext {
  token: string;
  owner: string;
  repo: string;
  issueNumber: number;
  /** `GITHUB_API_URL`; unset means github.com. */
  apiUrl?: string;
  /** The pull request's head commit, when the event file names it. */
  commit?: string;
}

/** Checks every variable first, so that one run names everything that is missing. */
export async function pullRequestContext(env: NodeJS.ProcessEnv, pr: number | undefined): Promise<PullRequestContext> {
  const missing: string[] = [];
  if (!env.GITHUB_TOKEN) missing.push("GITHUB_TOKEN");
  if (!env.GITHUB_REPOSITORY) missing.push("GITHUB_REPOSITORY");
  if (pr === undefined && !env.GITHUB_EVENT_PATH) missing.push("GITHUB_EVENT_PATH (or pass --pr N)");
  if (missing.length > 0 || env.GITHUB_TOKEN === undefined || env.GITHUB_REPOSITORY === undefined) {
    throw new UsageError(`Missing environment variables: ${missing.join(", ")}. GitHub Actions sets them; elsewhere, use --print.`);
  }
  // Redacted from every line from now on: a server that echoes the Authorization header must not print it.
  rememberSecrets([env.GITHUB_TOKEN]);
  const [owner, repo, ...rest] = env.GITHUB_REPOSITORY.split("/");
  if (!owner || !repo || rest.length > 0) {
    throw new UsageError(`GITHUB_REPOSITORY must be owner/repo, got ${JSON.stringify(env.GITHUB_REPOSITORY)}.`);
  }
  const event = env.GITHUB_EVENT_PATH ? await readEvent(env.GITHUB_EVENT_PATH) : undefined;
  const issueNumber = pr ?? event?.pull_request?.number ?? event?.number;
  if (typeof issueNumber !== "number" || !Number.isInteger(issueNumber) || issueNumber < 1) {
    throw new UsageError(`The event at GITHUB_EVENT_PATH is not a pull request's (no pull_request.number); pass --pr N.`);
  }
  const commit = event?.pull_request?.head?.sha;
  return {
    token: env.GITHUB_TOKEN,
    owner,
    repo,
    issueNumber,
    ...(env.GITHUB_API_URL ? { apiUrl: env.GITHUB_API_URL } : {}),
    ...(typeof commit === "string" ? { commit } : {}),
  };
}

interface PullRequestEvent {
  number?: unknown;
  pull_request?: { number?: unknown; head?: { sha?: unknown } };
}

async function readEvent(path: string): Promise<PullRequestEvent> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as PullRequestEvent;
  } catch (error) {
    throw new UsageError(`Cannot read the event file at GITHUB_EVENT_PATH (${path}): ${(error as Error).message}`);
  }
}

/** The link to this workflow run, when running in GitHub Actions. */
export function workflowRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  return server && repository && runId ? `${server.replace(/\/+$/, "")}/${repository}/actions/runs/${runId}` : undefined;
}
