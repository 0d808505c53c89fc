import { createHash } from "node:crypto";

/**
 * The package's SHA-256 in the form Lambda reports as `CodeSha256`
 * (GetFunction, UpdateFunctionCode, PublishVersion): base64, not hex. Equal
 * values mean Lambda runs exactly these bytes.
 */
export function codeSha256(zip: Uint8Array): string {
  return createHash("sha256").update(zip).digest("base64");
}
