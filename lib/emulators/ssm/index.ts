/**
 * Parameter Store on loopback, for the real `@aws-sdk/client-ssm` (AWS JSON
 * 1.1: `POST /` with `X-Amz-Target: AmazonSSM.<Operation>`):
 *
 *   const ssmEmu = await startSsmEmulator();
 *   const ssm = new SSMClient({ region: "us-east-1", endpoint: ssmEmu.url,
 *     credentials: { accessKeyId: "test", secretAccessKey: "test" } });
 *   ...
 *   await ssmEmu.close();
 *
 * Stateful (versions, Overwrite rules, SecureString under a KMS key, IAM
 * denies), with fault injection through `lib/emulators/faults.ts`. Every
 * request is kept whole in `requests`, so a test can look for a secret in
 * what the client sent.
 */
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { echoOf, Faults, type FaultContext, type RawRequest } from "../faults";
import { CallLog, readBody, startLoopbackServer } from "../lambda/http";
import { type ParameterType, ParameterStore, SsmApiError, type StoredParameter } from "./store";

export { DEFAULT_SSM_KEY, ParameterStore, SsmApiError } from "./store";
export type { AccessRule, ParameterType, StoredParameter } from "./store";

export interface SsmEmulatorOptions {
  account?: string;
  region?: string;
  /** Customer-managed KMS key ARNs that exist (the AWS-managed `alias/aws/ssm` always does). */
  kmsKeys?: string[];
  /** Added to every call before it is handled (default 0). */
  latencyMs?: number;
  now?: () => number;
  /** Error answers echo the request's headers and body in their message (the secret-hygiene proof). */
  hostile?: boolean;
}

export interface SsmEmulator {
  url: string;
  calls: CallLog;
  /** Every request whole, in the emulators' one shape (the operation is in its `x-amz-target` header). */
  requests: RawRequest[];
  faults: Faults<FaultContext>;
  /** Direct, out-of-band access (no call is logged): seed, inspect, deny. */
  store: ParameterStore;
  close(): Promise<void>;
}

type Operation = (input: Record<string, unknown>, store: ParameterStore) => unknown;

const OPERATIONS: Record<string, Operation> = {
  PutParameter(input, store) {
    const stored = store.putChecked({
      name: requiredString(input, "Name"),
      value: requiredString(input, "Value"),
      type: optionalString(input, "Type") as ParameterType | undefined,
      keyId: optionalString(input, "KeyId"),
      overwrite: input.Overwrite === true,
      description: optionalString(input, "Description"),
      tags: Array.isArray(input.Tags) && input.Tags.length > 0,
    });
    return { Version: stored.version, Tier: "Standard" };
  },
  GetParameter(input, store) {
    const name = requiredString(input, "Name");
    store.authorize("ssm:GetParameter", name, store.arn(name));
    const found = store.get(name);
    if (!found) throw new SsmApiError("ParameterNotFound", `Parameter ${name} not found.`);
    return { Parameter: render(found, input.WithDecryption === true, store) };
  },
  GetParameters(input, store) {
    const names = input.Names;
    if (!Array.isArray(names) || names.length === 0 || names.length > 10 || !names.every((n) => typeof n === "string")) {
      throw new SsmApiError("ValidationException", "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1");
    }
    // IAM evaluates every name: one denied name fails the whole call (the less convenient reading).
    for (const name of names as string[]) store.authorize("ssm:GetParameters", name, store.arn(name));
    const found = (names as string[]).map((name) => store.get(name)).filter((p): p is StoredParameter => p !== undefined);
    return {
      Parameters: found.map((p) => render(p, input.WithDecryption === true, store)),
      InvalidParameters: (names as string[]).filter((name) => !found.some((p) => p.name === name)),
    };
  },
  DeleteParameter(input, store) {
    const name = requiredString(input, "Name");
    store.authorize("ssm:DeleteParameter", name, store.arn(name));
    store.delete(name);
    return {};
  },
  DeleteParameters(input, store) {
    const names = Array.isArray(input.Names) ? (input.Names as string[]) : [];
    for (const name of names) store.authorize("ssm:DeleteParameters", name, store.arn(name));
    const deleted = names.filter((name) => store.get(name) !== undefined);
    for (const name of deleted) store.delete(name);
    return { DeletedParameters: deleted, InvalidParameters: names.filter((n) => !deleted.includes(n)) };
  },
};

const MUTATING = new Set(["PutParameter", "DeleteParameter", "DeleteParameters"]);

export async function startSsmEmulator(options: SsmEmulatorOptions = {}): Promise<SsmEmulator> {
  const store = new ParameterStore({
    account: options.account ?? "123456789012",
    region: options.region ?? "us-east-1",
    kmsKeys: options.kmsKeys ?? [],
    now: options.now ?? Date.now,
  });
  const calls = new CallLog();
  const requests: RawRequest[] = [];
  let sleep: (ms: number) => Promise<void> = () => Promise.resolve();
  const faults = new Faults<FaultContext>({
    errorTypeForStatus,
    // SSM throttles with a 400 and ThrottlingException, which the SDK retries by its name.
    throttle: { status: 400, errorType: "ThrottlingException", message: "Rate exceeded" },
    sleep: (ms) => sleep(ms),
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = Date.now();
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.startsWith("AmazonSSM.") ? target.slice("AmazonSSM.".length) : "unknown";
    const body = (await readBody(req)).toString("utf8");
    const request: RawRequest = { method: req.method ?? "POST", url: req.url ?? "/", headers: { ...req.headers }, body };
    requests.push(request);
    if (options.latencyMs) await sleep(options.latencyMs);
    let status = 200;
    let answer: unknown;
    let errorType: string | undefined;
    const record = () =>
      calls.record({ operation, method: "POST", path: "/", query: {}, mutating: MUTATING.has(operation), status, ...(errorType ? { errorType } : {}), at, durationMs: Date.now() - at });
    try {
      if (req.method !== "POST" || !OPERATIONS[operation]) throw new SsmApiError("UnknownOperationException", `Unknown operation ${target || "(no X-Amz-Target)"}`);
      const failure = await faults.apply({ operation, method: "POST", path: "/" });
      // A connection fault: never answered (the client's timeout ends it) or closed before the request is handled.
      if (failure?.connection === "hang" || failure?.connection === "drop") {
        status = 0;
        errorType = `connection ${failure.connection}`;
        record();
        if (failure.connection === "drop") res.socket?.destroy();
        return;
      }
      if (failure && !failure.connection) throw new SsmApiError(failure.errorType, failure.message, failure.status);
      answer = OPERATIONS[operation]!(parseJson(body), store);
      if (failure?.connection === "drop-after") {
        // Handled (the change is made), then the connection is closed instead of the answer.
        errorType = "connection drop-after";
        record();
        res.socket?.destroy();
        return;
      }
    } catch (error) {
      const apiError = error instanceof SsmApiError ? error : new SsmApiError("InternalServerError", (error as Error).message, 500);
      status = apiError.status;
      errorType = apiError.errorType;
      answer = { __type: apiError.errorType, message: apiError.message + (options.hostile ? echoOf(request) : "") };
    }
    record();
    res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() });
    res.end(JSON.stringify(answer));
  }

  const server = await startLoopbackServer(handle);
  sleep = server.sleep;
  return { url: server.url, calls, requests, faults, store, close: () => server.close() };
}

function render(parameter: StoredParameter, withDecryption: boolean, store: ParameterStore) {
  return {
    Name: parameter.name,
    Type: parameter.type,
    Value: store.reveal(parameter, withDecryption),
    Version: parameter.version,
    LastModifiedDate: parameter.lastModified / 1000,
    ARN: store.arn(parameter.name),
    DataType: "text",
  };
}

function parseJson(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body || "{}");
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new SsmApiError("SerializationException", "The request body is not a JSON object.");
}

function requiredString(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (typeof value !== "string") throw new SsmApiError("ValidationException", `1 validation error detected: Value at '${field.toLowerCase()}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  return typeof value === "string" ? value : undefined;
}

function errorTypeForStatus(status: number): string {
  if (status === 403) return "AccessDeniedException";
  if (status >= 500) return "InternalServerError";
  return "ValidationException";
}
