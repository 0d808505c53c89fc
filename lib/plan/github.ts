import { Octokit } from "@octokit/rest";
import { backoffDelay, withRetry, type RetryDecision } from "../retry";

/**
 * The GitHub side of plan review: one comment per pull request, found again
 * by its hidden marker and updated in place. Octokit itself neither times out
 * nor retries (its retry and throttling plugins are not installed), so the
 * client wraps every request with both.
 */

export interface GitHubClientOptions {
  token: string;
  /** `GITHUB_API_URL`: GitHub Enterprise Server, or a fake in tests. */
  baseUrl?: string;
  timeoutMs?: number;
  /** Retries after the first attempt, for 5xx, 429, timeouts and network errors. */
  retries?: number;
  /** The first retry's delay; each later one doubles it. */
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_RETRY_AFTER_MS = 60_000;

export function createGitHubClient(options: GitHubClientOptions): Octokit {
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? "https://api.github.com").replace(/\/+$/, ""),
    userAgent: "alexa-skill-pipeline-plan-comment",
    // Octokit logs every failed request; the command reports the one that matters, once.
    log: { debug: ignore, info: ignore, warn: (message: string) => process.emitWarning(message), error: ignore },
  });
  const timeoutMs = options.timeoutMs ?? 15_000;
  const retries = options.retries ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  const policy = { attempts: retries + 1, baseDelayMs: options.retryDelayMs ?? 1_000, maxDelayMs: MAX_RETRY_AFTER_MS };
  octokit.hook.wrap("request", (request, requestOptions) =>
    withRetry(
      async () => {
        // Changed in place: before-after-hook hands the inner hooks this same object, not the one passed to request().
        requestOptions.request = { ...requestOptions.request, signal: AbortSignal.timeout(timeoutMs) };
        return request(requestOptions);
      },
      {
        policy,
        clock: { now: Date.now, sleep },
        // A failed POST may still have created the comment; upsertComment looks again before retrying it.
        retryError: (error) =>
          requestOptions.method !== "POST" || statusOf(error) === 429 ? retryDecision(error) : { retry: false },
      },
    ),
  );
  return octokit;
}

export interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface UpsertResult {
  action: "created" | "updated";
  id: number;
  url: string;
}

export interface UpsertOptions {
  attempts?: number;
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Updates the pull request's comment that starts with `marker`, or creates
 * it. When creating fails in a way that may have created it anyway, it looks
 * again before trying a second time, so a retry never leaves two comments.
 */
export async function upsertComment(octokit: Octokit, target: CommentTarget, marker: string, body: string, options: UpsertOptions = {}): Promise<UpsertResult> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt += 1) {
    const existing = await findComment(octokit, target, marker);
    if (existing !== undefined) {
      const { data } = await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: existing, body });
      return { action: "updated", id: data.id, url: data.html_url };
    }
    try {
      const { data } = await octokit.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.issueNumber, body });
      return { action: "created", id: data.id, url: data.html_url };
    } catch (error) {
      if (!isRetryable(error) || attempt >= attempts) throw error;
      await sleep(retryDelay(error, attempt - 1, options.retryDelayMs ?? 1_000));
    }
  }
}

/** The id of the first comment whose body starts with the marker, reading every page until found. */
export async function findComment(octokit: Octokit, target: CommentTarget, marker: string): Promise<number | undefined> {
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  for await (const { data } of pages) {
    const found = data.find((comment) => comment.body?.startsWith(marker) === true);
    if (found !== undefined) return found.id;
  }
  return undefined;
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** Octokit reports timeouts and network errors as status 500, so they are retried too. */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  return status !== undefined && (status === 429 || status >= 500);
}

/** Retryable errors, with GitHub's Retry-After when it sends one. */
function retryDecision(error: unknown): RetryDecision {
  if (!isRetryable(error)) return { retry: false };
  const afterMs = retryAfterMs(error);
  return afterMs === undefined ? { retry: true } : { retry: true, afterMs };
}

function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers;
  const retryAfter = Number(headers?.["retry-after"]);
  return Number.isFinite(retryAfter) && retryAfter >= 0 ? Math.min(retryAfter * 1_000, MAX_RETRY_AFTER_MS) : undefined;
}

/** The shared backoff (exponential, full jitter), or GitHub's Retry-After when longer. */
function retryDelay(error: unknown, attempt: number, baseMs: number): number {
  return Math.max(retryAfterMs(error) ?? 0, backoffDelay(attempt, { attempts: attempt + 1, baseDelayMs: baseMs, maxDelayMs: MAX_RETRY_AFTER_MS }));
}

function ignore(): void {}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
