/**
 * The local page Login with Amazon sends the browser back to: one HTTP
 * server on 127.0.0.1 that waits for the first request to the callback path,
 * answers it with a short page, and hands its query to the login. The wait
 * shows progress and has a limit.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { OperationFailed, UsageError } from "../errors";
import { CALLBACK_PATH, returnUrl } from "./authorize";

export interface CallbackServer {
  /** The return URL, with the port actually listened on. */
  readonly redirectUri: string;
  /** The query of the first callback; rejects when `timeoutMs` passes first. */
  wait(timeoutMs: number, progress: (message: string) => void): Promise<URLSearchParams>;
  close(): Promise<void>;
}

export interface CallbackServerOptions {
  port: number;
  /** What the browser shows for an answer: whether it worked, and a sentence. */
  page: (params: URLSearchParams) => { ok: boolean; text: string };
}

export async function startCallbackServer(options: CallbackServerOptions): Promise<CallbackServer> {
  let deliver: (params: URLSearchParams) => void = () => {};
  const arrived = new Promise<URLSearchParams>((resolve) => (deliver = resolve));
  let answered = false;

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || url.pathname !== CALLBACK_PATH) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Not found");
      return;
    }
    if (answered) {
      res.writeHead(410, { "Content-Type": "text/html; charset=utf-8" }).end(html(false, "This sign-in has already been answered; look at the terminal."));
      return;
    }
    answered = true;
    const verdict = options.page(url.searchParams);
    // The code is in this page's address: no referrer to anything it might load, no caching.
    res
      .writeHead(verdict.ok ? 200 : 400, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" })
      .end(html(verdict.ok, verdict.text));
    deliver(url.searchParams);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(listenError(error, options.port)));
    // Loopback only: the code must not be receivable from the network.
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    redirectUri: returnUrl(port),
    async wait(timeoutMs, progress) {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      let ticker: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new OperationFailed(`No answer from the browser within ${Math.round(timeoutMs / 1000)} s. Nothing was stored; run again (--timeout <seconds> to wait longer).`)),
          timeoutMs,
        );
      });
      ticker = setInterval(() => {
        const left = Math.max(0, Math.round((timeoutMs - (Date.now() - started)) / 1000));
        progress(`Still waiting for the sign-in in the browser (${left} s left)…`);
      }, 30_000);
      try {
        return await Promise.race([arrived, timedOut]);
      } finally {
        clearTimeout(timer);
        clearInterval(ticker);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listenError(error: NodeJS.ErrnoException, port: number): Error {
  const fix = `Pass --port <number> with a free port, and add http://127.0.0.1:<number>/cb to the security profile's Allowed Return URLs.`;
  if (error.code === "EADDRINUSE") return new UsageError(`Port ${port} on 127.0.0.1 is already in use, so the sign-in cannot come back to it. ${fix}`);
  if (error.code === "EACCES") return new UsageError(`This user may not listen on port ${port} of 127.0.0.1 (ports below 1024 need privileges). ${fix}`);
  return new UsageError(`Cannot listen on 127.0.0.1:${port} (${error.code ?? error.message}). ${fix}`);
}

function html(ok: boolean, text: string): string {
  const escaped = text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);
  return `<!doctype html><meta charset="utf-8"><title>alexa-skill-pipeline: ${ok ? "signed in" : "sign-in failed"}</title><p>${escaped}</p>`;
}
