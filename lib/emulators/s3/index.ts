/**
 * A minimal path-style S3 on loopback, for `@aws-sdk/client-s3` with
 * `forcePathStyle: true` and for the Lambda emulator's S3Bucket/S3Key code
 * updates (pass the emulator itself as the Lambda emulator's `s3` option):
 *
 *   const s3emu = await startS3Emulator({ buckets: ["artifacts"] });
 *   const s3 = new S3Client({ region: "us-east-1", endpoint: s3emu.url, forcePathStyle: true,
 *     credentials: { accessKeyId: "test", secretAccessKey: "test" } });
 *   const lambdaEmu = await startLambdaEmulator({ s3: s3emu });
 */
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { Faults, type FaultContext } from "../faults";
import { CallLog, pathSegments, readBody, startLoopbackServer } from "../lambda/http";
import type { S3ObjectSource } from "../lambda/operations";
import { decodeBody, verifyChecksums } from "./body";
import { S3Store, type StoredObject } from "./store";
import { S3ApiError, s3ErrorCodeForStatus, sendS3Error, xmlDocument } from "./xml";

export { S3Store } from "./store";
export type { StoredObject } from "./store";

export interface S3EmulatorOptions {
  /** Buckets that exist from the start. */
  buckets?: string[];
  region?: string;
  /** Added to every call before it is handled (default 0). */
  latencyMs?: number;
}

export interface S3FaultContext extends FaultContext {
  bucket: string;
  key: string;
}

export interface S3Emulator extends S3ObjectSource {
  url: string;
  calls: CallLog;
  faults: Faults<S3FaultContext>;
  /** Direct, out-of-band access (no call is logged). */
  store: S3Store;
  close(): Promise<void>;
}

const MUTATING = new Set(["CreateBucket", "DeleteBucket", "PutObject", "DeleteObject"]);

interface S3Request {
  method: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
}

interface S3Reply {
  status: number;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
}

function operationOf(method: string, bucket: string, key: string, query: URLSearchParams): string {
  if (bucket === "") return method === "GET" ? "ListBuckets" : "Unknown";
  if (key === "") {
    if (method === "PUT") return "CreateBucket";
    if (method === "HEAD") return "HeadBucket";
    if (method === "DELETE") return "DeleteBucket";
    if (method === "GET") return query.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects";
    return "Unknown";
  }
  if (method === "PUT") return "PutObject";
  if (method === "GET") return "GetObject";
  if (method === "HEAD") return "HeadObject";
  if (method === "DELETE") return "DeleteObject";
  return "Unknown";
}

export async function startS3Emulator(options: S3EmulatorOptions = {}): Promise<S3Emulator> {
  const store = new S3Store(options.region ?? "us-east-1");
  for (const b of options.buckets ?? []) store.createBucket(b);
  const calls = new CallLog();
  let sleep: (ms: number) => Promise<void> = () => Promise.resolve();
  const faults = new Faults<S3FaultContext>({
    errorTypeForStatus: s3ErrorCodeForStatus,
    throttle: { status: 503, errorType: "SlowDown", message: "Please reduce your request rate." },
    sleep: (ms) => sleep(ms),
  });
  const latencyMs = options.latencyMs ?? 0;

  const server = await startLoopbackServer(async (req, res) => {
    const at = Date.now();
    const requestId = randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const [bucket = "", ...rest] = pathSegments(url.pathname);
    const key = rest.join("/");
    const operation = operationOf(method, bucket, key, url.searchParams);
    const raw = await readBody(req);
    let status = 500;
    let errorType: string | undefined;
    try {
      await sleep(latencyMs);
      const injected = await faults.apply({ operation, method, path: url.pathname, bucket, key });
      if (injected?.connection === "hang" || injected?.connection === "drop") {
        errorType = `connection ${injected.connection}`;
        status = 0;
        if (injected.connection === "drop") res.socket?.destroy();
        return;
      }
      if (injected && !injected.connection) {
        throw new S3ApiError(injected.status, injected.errorType, injected.message, {}, injected.headers);
      }
      const reply = handle(store, operation, { method, bucket, key, query: url.searchParams, headers: req.headers, raw });
      status = reply.status;
      if (injected?.connection === "drop-after") {
        errorType = "connection drop-after";
        res.socket?.destroy();
        return;
      }
      const headers: Record<string, string | number> = { "x-amz-request-id": requestId, ...(reply.headers ?? {}) };
      if (reply.body !== undefined && method !== "HEAD") {
        const body = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body);
        headers["content-length"] ??= body.length;
        res.writeHead(status, headers);
        res.end(body);
      } else {
        res.writeHead(status, headers);
        res.end();
      }
    } catch (err) {
      const e =
        err instanceof S3ApiError ? err : new S3ApiError(500, "InternalError", `emulator error: ${(err as Error).message}`);
      status = e.status;
      errorType = e.code;
      sendS3Error(res, method, requestId, e);
    } finally {
      calls.record({
        operation,
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        mutating: MUTATING.has(operation),
        status,
        ...(errorType !== undefined ? { errorType } : {}),
        at,
        durationMs: Date.now() - at,
      });
    }
  });
  sleep = server.sleep;

  return {
    url: server.url,
    calls,
    faults,
    store,
    readObject(bucket, key, versionId) {
      try {
        if (versionId !== undefined && versionId !== "null") {
          throw new S3ApiError(404, "NoSuchVersion", "The specified version does not exist.");
        }
        return { body: store.getObject(bucket, key).body };
      } catch (err) {
        if (err instanceof S3ApiError) return { errorCode: err.code, message: err.message };
        throw err;
      }
    },
    close: () => server.close(),
  };
}

function objectHeaders(o: StoredObject, withChecksums: boolean): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    etag: o.etag,
    "content-type": o.contentType,
    "content-length": o.body.length,
    "last-modified": o.lastModified.toUTCString(),
    "accept-ranges": "bytes",
  };
  for (const [k, v] of Object.entries(o.metadata)) headers[`x-amz-meta-${k}`] = v;
  if (withChecksums) {
    for (const [alg, v] of Object.entries(o.checksums)) headers[`x-amz-checksum-${alg}`] = v;
    if (Object.keys(o.checksums).length > 0) headers["x-amz-checksum-type"] = "FULL_OBJECT";
  }
  return headers;
}

function handle(store: S3Store, operation: string, req: S3Request): S3Reply {
  const { bucket, key } = req;
  switch (operation) {
    case "ListBuckets":
      return xml(200, "ListAllMyBucketsResult", {
        Owner: { ID: "emulator", DisplayName: "emulator" },
        Buckets: { Bucket: store.bucketNames().map((Name) => ({ Name, CreationDate: new Date(0).toISOString() })) },
      });
    case "CreateBucket":
      store.createBucket(bucket);
      return { status: 200, headers: { location: `/${bucket}` } };
    case "HeadBucket":
      if (!store.hasBucket(bucket)) throw new S3ApiError(404, "NoSuchBucket", "Not Found");
      return { status: 200, headers: { "x-amz-bucket-region": store.region } };
    case "DeleteBucket":
      store.deleteBucket(bucket);
      return { status: 204 };
    case "ListObjectsV2": {
      const prefix = req.query.get("prefix") ?? "";
      const all = store.listObjects(bucket, prefix);
      const maxKeys = Number(req.query.get("max-keys") ?? 1000);
      const start = Number(Buffer.from(req.query.get("continuation-token") ?? "", "base64url").toString() || 0);
      const page = all.slice(start, start + maxKeys);
      const truncated = start + maxKeys < all.length;
      return xml(200, "ListBucketResult", {
        Name: bucket,
        Prefix: prefix,
        KeyCount: page.length,
        MaxKeys: maxKeys,
        IsTruncated: truncated,
        NextContinuationToken: truncated ? Buffer.from(String(start + maxKeys)).toString("base64url") : undefined,
        Contents: page.map(([Key, o]) => ({
          Key,
          LastModified: o.lastModified.toISOString(),
          ETag: o.etag,
          Size: o.body.length,
          StorageClass: "STANDARD",
        })),
      });
    }
    case "PutObject": {
      if (req.headers["x-amz-copy-source"]) throw new S3ApiError(501, "NotImplemented", "CopyObject is not emulated");
      const { body, checksums } = decodeBody(req.raw, req.headers);
      verifyChecksums(body, checksums);
      const metadata: Record<string, string> = {};
      for (const [h, v] of Object.entries(req.headers)) {
        if (h.startsWith("x-amz-meta-")) metadata[h.slice("x-amz-meta-".length)] = String(v);
      }
      const contentType = req.headers["content-type"];
      const stored = store.putObject(bucket, key, body, {
        ...(contentType ? { contentType } : {}),
        metadata,
        checksums,
      });
      const headers: Record<string, string | number> = { etag: stored.etag };
      for (const [alg, v] of Object.entries(checksums)) headers[`x-amz-checksum-${alg}`] = v;
      return { status: 200, headers };
    }
    case "GetObject":
    case "HeadObject": {
      const o = store.getObject(bucket, key);
      const headers = objectHeaders(o, req.headers["x-amz-checksum-mode"] === "ENABLED");
      return { status: 200, headers, ...(operation === "GetObject" ? { body: o.body } : {}) };
    }
    case "DeleteObject":
      store.deleteObject(bucket, key);
      return { status: 204 };
    default:
      throw new S3ApiError(501, "NotImplemented", `${req.method} ${operation} is not emulated`);
  }
}

function xml(status: number, root: string, fields: Record<string, unknown>): S3Reply {
  return { status, headers: { "content-type": "application/xml" }, body: xmlDocument(root, fields) };
}
