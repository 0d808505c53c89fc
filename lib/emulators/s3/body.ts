/**
 * Request bodies as the S3 client sends them: plain, or `aws-chunked` (what
 * the SDK uses for streams of unknown length, with the checksum in a trailer),
 * and the flexible checksums (`x-amz-checksum-*`) it computes by default.
 */
import { createHash } from "node:crypto";
import type http from "node:http";
import { crc32 } from "node:zlib";
import { S3ApiError } from "./xml";

export interface DecodedBody {
  body: Buffer;
  /** `x-amz-checksum-*` values from headers or the chunked trailer, by algorithm (lower case). */
  checksums: Record<string, string>;
}

const CHECKSUM_PREFIX = "x-amz-checksum-";

export function decodeBody(raw: Buffer, headers: http.IncomingHttpHeaders): DecodedBody {
  const checksums: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(CHECKSUM_PREFIX) && name !== "x-amz-checksum-mode" && name !== "x-amz-checksum-type") {
      checksums[name.slice(CHECKSUM_PREFIX.length)] = String(value);
    }
  }
  const encoding = String(headers["content-encoding"] ?? "");
  const sha = String(headers["x-amz-content-sha256"] ?? "");
  if (!encoding.split(",").map((s) => s.trim()).includes("aws-chunked") && !sha.startsWith("STREAMING-")) {
    return { body: raw, checksums };
  }
  const { body, trailers } = decodeChunked(raw);
  for (const [name, value] of Object.entries(trailers)) {
    if (name.startsWith(CHECKSUM_PREFIX)) checksums[name.slice(CHECKSUM_PREFIX.length)] = value;
  }
  return { body, checksums };
}

/** `<hex size>[;chunk-signature=…]\r\n<data>\r\n` … `0\r\n<trailers>\r\n\r\n` */
function decodeChunked(raw: Buffer): { body: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = raw.indexOf("\r\n", pos);
    if (eol < 0) throw new S3ApiError(400, "IncompleteBody", "The request body terminated unexpectedly");
    const size = parseInt(raw.subarray(pos, eol).toString("latin1").split(";")[0]!, 16);
    if (Number.isNaN(size)) throw new S3ApiError(400, "InvalidRequest", "Invalid chunk size");
    pos = eol + 2;
    if (size === 0) break;
    parts.push(raw.subarray(pos, pos + size));
    pos += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of raw.subarray(pos).toString("latin1").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(parts), trailers };
}

/** Checks the checksums this emulator can compute; others are kept unverified. */
export function verifyChecksums(body: Buffer, checksums: Record<string, string>): void {
  const compute: Record<string, () => string> = {
    crc32: () => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(crc32(body) >>> 0);
      return b.toString("base64");
    },
    sha1: () => createHash("sha1").update(body).digest("base64"),
    sha256: () => createHash("sha256").update(body).digest("base64"),
  };
  for (const [algorithm, expected] of Object.entries(checksums)) {
    const actual = compute[algorithm]?.();
    if (actual !== undefined && actual !== expected) {
      throw new S3ApiError(
        400,
        "BadDigest",
        `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
      );
    }
  }
}
