/**
 * One request's life in the Lambda emulator: route it, log it, add the
 * configured latency, let the fault injector have its say, run the operation
 * and answer in Lambda's REST-JSON shape.
 */
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { echoOf, type FaultContext, type Faults, type RawRequest } from "../faults";
import { LambdaApiError, sendLambdaError } from "./errors";
import { type CallLog, type RequestHandler, pathSegments, readBody } from "./http";
import type { OperationContext, ParsedRequest, Reply, Route } from "./operations";

export interface LambdaFaultContext extends FaultContext {
  /** Path members by name, e.g. `FunctionName`, `Name` (alias). */
  params: Record<string, string>;
  query: Record<string, string>;
}

export interface ServerDeps {
  routes: readonly Route[];
  context: Omit<OperationContext, "requestId" | "baseUrl">;
  baseUrl: () => string;
  calls: CallLog;
  faults: Faults<LambdaFaultContext>;
  latencyMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Every request as it arrived is appended here. */
  requests: RawRequest[];
  /** Error answers echo the request's headers and body in their message. */
  hostile: boolean;
}

function match(routes: readonly Route[], method: string, segments: string[]) {
  for (const route of routes) {
    if (route.method !== method || route.path.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = route.path.every((part, i) => {
      const seg = segments[i]!;
      if (part.startsWith("{")) {
        params[part.slice(1, -1)] = seg;
        return seg !== "";
      }
      return part === seg;
    });
    if (ok) return { route, params };
  }
  return undefined;
}

export function lambdaRequestHandler(deps: ServerDeps): RequestHandler {
  return async (req, res) => {
    const at = Date.now();
    const requestId = randomUUID();
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const segments = pathSegments(url.pathname);
    const path = "/" + segments.join("/");
    const query = Object.fromEntries(url.searchParams);
    const found = match(deps.routes, method, segments);
    const body = await readBody(req);
    const request: RawRequest = { method, url: req.url ?? "/", headers: { ...req.headers }, body: body.toString("utf8") };
    deps.requests.push(request);
    const parsed: ParsedRequest = {
      method,
      params: found?.params ?? {},
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    const operation = found?.route.operation ?? "Unknown";
    const mutating = found
      ? typeof found.route.mutating === "function"
        ? found.route.mutating(parsed)
        : found.route.mutating
      : false;

    let status = 500;
    let errorType: string | undefined;
    try {
      await deps.sleep(deps.latencyMs);
      const injected = await deps.faults.apply({ operation, method, path, params: parsed.params, query });
      if (injected?.connection === "hang" || injected?.connection === "drop") {
        errorType = `connection ${injected.connection}`;
        status = 0;
        // A hung call is left open until the client gives up (or the emulator closes).
        if (injected.connection === "drop") res.socket?.destroy();
        return;
      }
      if (injected && !injected.connection) throw new LambdaApiError(injected.status, injected.errorType, injected.message, injected.headers);
      if (!found) throw new LambdaApiError(404, "UnknownOperationException", `Unknown operation ${method} ${path}`);
      const reply = await found.route.handle(parsed, { ...deps.context, requestId, baseUrl: deps.baseUrl() });
      status = reply.status;
      if (injected?.connection === "drop-after") {
        errorType = "connection drop-after";
        res.socket?.destroy();
        return;
      }
      send(res, requestId, reply);
    } catch (err) {
      const raised =
        err instanceof LambdaApiError
          ? err
          : new LambdaApiError(500, "ServiceException", `emulator error: ${(err as Error)?.message ?? String(err)}`);
      const e = deps.hostile ? new LambdaApiError(raised.status, raised.errorType, raised.message + echoOf(request), raised.headers, raised.extra) : raised;
      status = e.status;
      errorType = e.errorType;
      sendLambdaError(res, requestId, e);
    } finally {
      deps.calls.record({
        operation,
        method,
        path,
        query,
        mutating,
        status,
        ...(errorType !== undefined ? { errorType } : {}),
        at,
        durationMs: Date.now() - at,
      });
    }
  };
}

function send(res: http.ServerResponse, requestId: string, reply: Reply): void {
  const headers: Record<string, string | number> = { "x-amzn-requestid": requestId, ...(reply.headers ?? {}) };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const payload = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(JSON.stringify(reply.body));
  if (!Buffer.isBuffer(reply.body)) headers["content-type"] = "application/json";
  headers["content-length"] = payload.length;
  res.writeHead(reply.status, headers);
  res.end(payload);
}
