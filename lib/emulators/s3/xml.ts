/**
 * S3 speaks XML: successful listings and error documents alike. HEAD
 * responses carry no body, so their errors are the status code alone (the SDK
 * then names them `NotFound` etc.).
 */
import type http from "node:http";

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

/** `<Name>` elements from a flat record; arrays repeat the element, nested records nest. */
export function xmlElements(fields: Record<string, unknown>): string {
  let out = "";
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      const inner =
        item !== null && typeof item === "object" ? xmlElements(item as Record<string, unknown>) : escapeXml(String(item));
      out += `<${name}>${inner}</${name}>`;
    }
  }
  return out;
}

export function xmlDocument(root: string, fields: Record<string, unknown>): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${xmlElements(fields)}</${root}>`
  );
}

export class S3ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra elements S3 adds to the error document, e.g. `Key` or `BucketName`. */
    readonly details: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export const noSuchBucket = (bucket: string): S3ApiError =>
  new S3ApiError(404, "NoSuchBucket", "The specified bucket does not exist", { BucketName: bucket });

export const noSuchKey = (key: string): S3ApiError =>
  new S3ApiError(404, "NoSuchKey", "The specified key does not exist.", { Key: key });

export function s3ErrorCodeForStatus(status: number): string {
  switch (status) {
    case 400:
      return "InvalidRequest";
    case 403:
      return "AccessDenied";
    case 404:
      return "NoSuchKey";
    case 409:
      return "OperationAborted";
    case 412:
      return "PreconditionFailed";
    case 501:
      return "NotImplemented";
    case 503:
      return "SlowDown";
    default:
      return "InternalError";
  }
}

export function sendS3Error(
  res: http.ServerResponse,
  method: string,
  requestId: string,
  err: Pick<S3ApiError, "status" | "code" | "message" | "details" | "headers">,
): void {
  const headers: Record<string, string | number> = {
    "x-amz-request-id": requestId,
    "x-amz-id-2": Buffer.from(requestId).toString("base64"),
    ...err.headers,
  };
  if (method === "HEAD") {
    res.writeHead(err.status, headers);
    res.end();
    return;
  }
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error>` +
    xmlElements({ Code: err.code, Message: err.message, ...err.details, RequestId: requestId }) +
    `</Error>`;
  headers["content-type"] = "application/xml";
  headers["content-length"] = Buffer.byteLength(body);
  res.writeHead(err.status, headers);
  res.end(body);
}
