import type { SmapiClient } from "../../lib/smapi/client";

/**
 * A small stand-in for ask-smapi-sdk's client, for the steps' own decisions:
 * each method answers from a script (one entry per call, the last one
 * repeated; a function is called, an Error is thrown) and every call is
 * recorded. Only the methods a test scripts exist; any other call fails the
 * test. Amazon's answers the emulator never varies (a simulation answered at
 * once, a Location header missing) are written here as the spec allows them.
 */
export type Scripted = unknown | Error | ((...args: unknown[]) => unknown);

export interface FakeSmapi {
  smapi: SmapiClient;
  calls: Array<{ method: string; args: unknown[] }>;
  callsTo(method: string): unknown[][];
}

export function fakeSmapi(script: Record<string, Scripted[]>): FakeSmapi {
  const calls: FakeSmapi["calls"] = [];
  const used: Record<string, number> = {};
  const methods = Object.fromEntries(
    Object.entries(script).map(([method, answers]) => [
      method,
      async (...args: unknown[]) => {
        calls.push({ method, args });
        const n = used[method] ?? 0;
        used[method] = n + 1;
        const answer = answers[Math.min(n, answers.length - 1)];
        if (answer instanceof Error) throw answer;
        return typeof answer === "function" ? (answer as (...a: unknown[]) => unknown)(...args) : structuredClone(answer);
      },
    ]),
  );
  const smapi = new Proxy(methods, {
    get: (target, name) => {
      if (typeof name === "string" && name in target) return target[name];
      if (name === "then") return undefined;
      throw new Error(`the fake SMAPI client was not scripted for ${String(name)}`);
    },
  }) as unknown as SmapiClient;
  return { smapi, calls, callsTo: (method) => calls.filter((c) => c.method === method).map((c) => c.args) };
}

/** What ask-smapi-sdk throws for an HTTP error: an Error named ServiceError with the status and the parsed body. */
export function serviceError(statusCode: number, message = "error"): Error {
  return Object.assign(new Error("Unknown error"), { name: "ServiceError", statusCode, response: { message } });
}

export { failure } from "./failure";
