/**
 * The loopback HTTP plumbing shared by the emulators (the S3 emulator uses it
 * too): a server on 127.0.0.1 with an ephemeral port, timers that die with it,
 * and a shutdown that leaves no handle open for jest.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export interface LoopbackServer {
  url: string;
  /** A timer that is cancelled (never resolves) once the server closes. */
  sleep(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startLoopbackServer(handler: RequestHandler): Promise<LoopbackServer> {
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const server = http.createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      // A bug in an emulator must surface as a failed call, not a hung client.
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`emulator error: ${(err as Error)?.stack ?? String(err)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    sleep(ms) {
      if (closed || ms <= 0) return closed ? new Promise<void>(() => {}) : Promise.resolve();
      return new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, ms);
        timers.add(t);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      // SDK clients keep sockets alive; close() alone would wait for them.
      server.closeAllConnections();
      await done;
    },
  };
}

export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Path segments, percent-decoded one by one (a Lambda ARN arrives with `:` as `%3A`). */
export function pathSegments(pathname: string): string[] {
  return pathname.replace(/^\//, "").split("/").map((s) => decodeURIComponent(s));
}

export interface CallRecord {
  operation: string;
  method: string;
  /** The decoded request path, without the query string. */
  path: string;
  query: Record<string, string>;
  mutating: boolean;
  status: number;
  /** The error type answered, if the call failed. */
  errorType?: string;
  /** Epoch milliseconds when the request arrived. */
  at: number;
  durationMs: number;
}

/** Every request an emulator answered, in arrival order. */
export class CallLog {
  readonly entries: CallRecord[] = [];

  record(entry: CallRecord): void {
    this.entries.push(entry);
  }

  /** Calls of one operation (e.g. `UpdateAlias`). */
  of(operation: string): CallRecord[] {
    return this.entries.filter((c) => c.operation === operation);
  }

  count(operation?: string): number {
    return operation === undefined ? this.entries.length : this.of(operation).length;
  }

  mutating(): CallRecord[] {
    return this.entries.filter((c) => c.mutating);
  }

  operations(): string[] {
    return this.entries.map((c) => c.operation);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
