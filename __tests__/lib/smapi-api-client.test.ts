import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { RemoteFailure } from "../../lib/failures/remote";
import { ResilientApiClient } from "../../lib/smapi/api-client";
import { fakeClock } from "../helpers/fake-clock";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

const open = new Set<http.Server>();
afterEach(async () => {
  await Promise.all([...open].map((server) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); })));
  open.clear();
});

async function serve(handlers: Handler[]): Promise<{ url: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const handler = handlers[Math.min(calls, handlers.length - 1)] as Handler;
      calls++;
      handler(req, res, body);
    });
  });
  open.add(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => calls,
    close: async () => undefined, // afterEach closes every server, also after a failed assertion
  };
}

const status = (code: number, headers: Record<string, string> = {}): Handler => (_req, res) => { res.writeHead(code, headers); res.end(JSON.stringify({ message: `status ${code}` })); };
const echo: Handler = (req, res, body) => { res.writeHead(200, { "content-type": "application/json", etag: "abc" }); res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization })); };

describe("ResilientApiClient (the HTTP layer under ask-smapi-sdk)", () => {
  const client = (clock = fakeClock()) => ({ clock, api: new ResilientApiClient({ clock, timeoutMs: 200, retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 2000 }, random: () => 0.5 }) });

  it("passes method, headers and body through and returns headers such as ETag", async () => {
    const server = await serve([echo]);
    const { api } = client();
    const response = await api.invoke({ url: `${server.url}/v1/x`, method: "PUT", headers: [{ key: "Authorization", value: "Bearer t" }], body: "{}" });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body as string)).toEqual({ method: "PUT", body: "{}", auth: "Bearer t" });
    expect(response.headers).toContainEqual({ key: "etag", value: "abc" });
    await server.close();
  });

  it("retries 5xx on idempotent requests with backoff", async () => {
    const server = await serve([status(503), status(502), echo]);
    const { api, clock } = client();
    const response = await api.invoke({ url: `${server.url}/v1/skills/x/status`, method: "GET", headers: [] });
    expect(response.statusCode).toBe(200);
    expect(server.calls()).toBe(3);
    expect(clock.sleeps).toEqual([50, 100]);
    await server.close();
  });

  it("does not repeat a POST that failed with 5xx, which may have been processed", async () => {
    const server = await serve([status(500), echo]);
    const response = await client().api.invoke({ url: `${server.url}/v1/skills/x/submit`, method: "POST", headers: [] });
    expect(response.statusCode).toBe(500);
    expect(server.calls()).toBe(1);
    await server.close();
  });

  it("retries throttling for any method and honours Retry-After", async () => {
    const server = await serve([status(429, { "retry-after": "1" }), echo]);
    const { api, clock } = client();
    const response = await api.invoke({ url: `${server.url}/v2/skills/x/simulations`, method: "POST", headers: [] });
    expect(response.statusCode).toBe(200);
    expect(clock.sleeps).toEqual([1000]);
    await server.close();
  });

  it("retries the LWA token request on 5xx", async () => {
    const server = await serve([status(503), echo]);
    // The SDK's own spelling of the path.
    expect((await client().api.invoke({ url: `${server.url}/auth/O2/token`, method: "POST", headers: [] })).statusCode).toBe(200);
    await server.close();
  });

  it("never retries other 4xx", async () => {
    const server = await serve([status(400), echo]);
    expect((await client().api.invoke({ url: `${server.url}/v1/x`, method: "GET", headers: [] })).statusCode).toBe(400);
    expect(server.calls()).toBe(1);
    await server.close();
  });

  it("times out a request that never answers, retries it, and says so", async () => {
    const server = await serve([() => undefined]);
    const messages: string[] = [];
    const api = new ResilientApiClient({ clock: fakeClock(), timeoutMs: 100, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, onRetry: (m) => messages.push(m) });
    const error = await api.invoke({ url: `${server.url}/v1/slow?secret=x`, method: "GET", headers: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteFailure);
    expect((error as RemoteFailure).problem).toEqual({ kind: "timeout", detail: "no answer within 100 ms", timeoutMs: 100 });
    expect((error as RemoteFailure).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/slow$/);
    expect(server.calls()).toBe(2);
    expect(messages).toEqual([expect.stringMatching(/^Waiting for SMAPI \(GET http:\/\/127\.0\.0\.1:\d+\/v1\/slow\): no answer within 100 ms; retry 1 of 1 in \d+ ms\.$/)]);
    expect(messages.join("\n")).not.toContain("secret=x");
    await server.close();
  });

  it("does not follow redirects, as the SDK's own client does not", async () => {
    const server = await serve([status(302, { location: "http://127.0.0.1:1/elsewhere" })]);
    expect((await client().api.invoke({ url: `${server.url}/v1/x`, method: "GET", headers: [] })).statusCode).toBe(302);
    await server.close();
  });
});

describe("ResilientApiClient token requests", () => {
  it("sends one LWA token request for concurrent callers", async () => {
    const server = await serve([(_req, res) => setTimeout(() => { res.writeHead(200, { "content-type": "application/json" }); res.end('{"access_token":"t","expires_in":3600}'); }, 50)]);
    const api = new ResilientApiClient({ clock: fakeClock() });
    const request = { url: `${server.url}/auth/O2/token`, method: "POST", headers: [], body: "grant_type=refresh_token" };
    const responses = await Promise.all([api.invoke(request), api.invoke(request), api.invoke(request)]);
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(server.calls()).toBe(1);
    await api.invoke(request);
    expect(server.calls()).toBe(2); // only concurrent requests are shared; a later one asks again
  });
});
