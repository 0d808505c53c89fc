import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small stateful stand-in for the three GitHub REST endpoints plan review
 * uses, on 127.0.0.1: list an issue's comments (paginated with Link headers,
 * as GitHub does), create a comment, update a comment. It records every
 * request and can fail the next ones on purpose.
 */

export interface FakeComment {
  id: number;
  body: string;
  issue: number;
  user: { login: string; type: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export class FakeGitHub {
  readonly comments: FakeComment[] = [];
  readonly requests: RecordedRequest[] = [];
  /** Statuses to answer the next matching requests with, in order, before behaving normally. */
  readonly failures: { method?: string; status: number }[] = [];
  /** Answers every create and update with this status (e.g. 403 for a fork's read-only token). */
  forbidWrites = false;
  /** The token it accepts (`Authorization: token <it>`). */
  token = "test-token";
  private server: Server | undefined;
  private nextId = 1000;

  constructor(
    readonly owner = "codeforboston",
    readonly repo = "alexa-skill-pipeline",
    /** A path prefix, as GitHub Enterprise Server has (`/api/v3`). */
    readonly prefix = "",
  ) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${this.prefix}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    // fetch keeps connections alive, and close() alone would wait for them.
    server.closeAllConnections();
    await closed;
  }

  addComment(issue: number, body: string, login = "someone"): FakeComment {
    const comment = { id: this.nextId++, body, issue, user: { login, type: "User" } };
    this.comments.push(comment);
    return comment;
  }

  commentsOn(issue: number): FakeComment[] {
    return this.comments.filter((comment) => comment.issue === issue);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", `http://${request.headers.host ?? "127.0.0.1"}`);
    const method = request.method ?? "GET";
    this.requests.push({ method, path: url.pathname + url.search, authorization: request.headers.authorization });
    const body = await readBody(request);

    const failureAt = this.failures.findIndex((failure) => failure.method === undefined || failure.method === method);
    if (failureAt >= 0) {
      const [failure] = this.failures.splice(failureAt, 1);
      return json(response, failure?.status ?? 500, { message: "Injected failure" });
    }
    if (request.headers.authorization !== `token ${this.token}`) return json(response, 401, { message: "Bad credentials" });

    const base = `${this.prefix}/repos/${this.owner}/${this.repo}/issues`;
    const list = new RegExp(`^${base}/(\\d+)/comments$`).exec(url.pathname);
    const one = new RegExp(`^${base}/comments/(\\d+)$`).exec(url.pathname);
    if (list !== null && method === "GET") return this.list(url, Number(list[1]), response);
    if (list !== null && method === "POST") {
      if (this.forbidWrites) return json(response, 403, { message: "Resource not accessible by integration" });
      const comment = this.addComment(Number(list[1]), requireBody(body), "github-actions[bot]");
      comment.user.type = "Bot";
      return json(response, 201, this.view(comment));
    }
    if (one !== null && method === "PATCH") {
      if (this.forbidWrites) return json(response, 403, { message: "Resource not accessible by integration" });
      const comment = this.comments.find((candidate) => candidate.id === Number(one[1]));
      if (comment === undefined) return json(response, 404, { message: "Not Found" });
      comment.body = requireBody(body);
      return json(response, 200, this.view(comment));
    }
    return json(response, 404, { message: "Not Found" });
  }

  private list(url: URL, issue: number, response: ServerResponse): void {
    const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
    const page = Number(url.searchParams.get("page") ?? 1);
    const all = this.commentsOn(issue);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (n: number, rel: string) => {
      const target = new URL(url);
      target.searchParams.set("page", String(n));
      target.searchParams.set("per_page", String(perPage));
      return `<${target.href}>; rel="${rel}"`;
    };
    const links = [...(page < last ? [link(page + 1, "next"), link(last, "last")] : []), ...(page > 1 ? [link(1, "first"), link(page - 1, "prev")] : [])];
    json(response, 200, all.slice((page - 1) * perPage, page * perPage).map((comment) => this.view(comment)), links.length > 0 ? { link: links.join(", ") } : {});
  }

  private view(comment: FakeComment): Record<string, unknown> {
    return {
      id: comment.id,
      body: comment.body,
      user: comment.user,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${comment.issue}#issuecomment-${comment.id}`,
    };
  }
}

function json(response: ServerResponse, status: number, data: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  response.end(JSON.stringify(data));
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}

function requireBody(body: unknown): string {
  const text = (body as { body?: unknown } | undefined)?.body;
  if (typeof text !== "string") throw new Error("a comment needs a body");
  return text;
}
