import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * Loopback servers that misbehave the ways real networks do, for the error
 * translation's tests: one that never answers, one that resets every
 * connection, one that answers every request with a proxy's HTML error page,
 * and a port where nothing listens. Raw sockets, so nothing in Node's HTTP
 * server smooths the behaviour over.
 */
export interface HostileServer {
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Requests seen; their raw text up to the end of the headers (and what arrived with them). */
  requests: string[];
  close(): Promise<void>;
}

export type Hostility = "silent" | "reset" | "html" | "echo-authorization";

export async function startHostileServer(kind: Hostility, options: { status?: number } = {}): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (!text.includes("\r\n\r\n")) return;
      requests.push(text);
      if (kind === "reset") socket.resetAndDestroy();
      else if (kind === "html") answer(socket, options.status ?? 502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>");
      else if (kind === "echo-authorization") {
        // A careless server that echoes the request's credentials into its error.
        const header = (name: string) => new RegExp(`^${name}: *(.*?)\r?$`, "im").exec(text)?.[1] ?? "";
        const echoed = [header("authorization"), header("x-amz-security-token")].filter(Boolean).join(" and ");
        answer(socket, options.status ?? 400, "application/json", JSON.stringify({ message: `Bad request from ${echoed}` }));
      }
      text = "";
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(socket: Socket, status: number, type: string, body: string): void {
  socket.write(`HTTP/1.1 ${status} Whatever\r\ncontent-type: ${type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: keep-alive\r\n\r\n${body}`);
}

/** A loopback port where nothing listens: connections are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
