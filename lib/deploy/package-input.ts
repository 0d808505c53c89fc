/**
 * The package `deploy:function` uploads: a ready-made .zip, or a directory
 * zipped deterministically so that the same tree always has the same
 * SHA-256, which is how a re-run knows there is nothing to do.
 */
import { createHash } from "node:crypto";
import { UsageError } from "../errors";
import { codeSha256, formatBytes, LAMBDA_MAX_UNZIPPED_BYTES, listZipEntries, readZip, zipDirectory } from "../package";

// Where it always was, for the modules that import it from here.
export { formatBytes } from "../package";

export type PackageSource = { kind: "zip"; file: string } | { kind: "source"; dir: string };

export interface DeploymentPackage {
  zip: Buffer;
  /** Base64, as Lambda reports `CodeSha256`. */
  codeSha256: string;
  /** The same digest in hex, for S3 keys. */
  sha256Hex: string;
  size: number;
  files: number;
  /** Where it came from, for people: "<dir> (zipped)" or "<file>". */
  origin: string;
}

export async function loadPackage(source: PackageSource): Promise<DeploymentPackage> {
  const zip = source.kind === "zip" ? await readZip(source.file) : await zipDirectory(source.dir);
  const origin = source.kind === "zip" ? source.file : `${source.dir} (zipped)`;
  const files = listZipEntries(zip).filter((e) => !e.isDirectory);
  const unzipped = files.reduce((sum, e) => sum + e.size, 0);
  // Lambda would refuse it only after the upload; layers count too, but we cannot see them from here.
  if (unzipped > LAMBDA_MAX_UNZIPPED_BYTES) {
    throw new UsageError(
      `package ${origin} unzips to ${formatBytes(unzipped)}, more than Lambda's ${formatBytes(LAMBDA_MAX_UNZIPPED_BYTES)} limit for a function's code; ` +
        "leave out what the skill does not need at run time (tests, boto3, which Lambda provides) or move dependencies into a layer",
    );
  }
  return {
    zip,
    codeSha256: codeSha256(zip),
    sha256Hex: createHash("sha256").update(zip).digest("hex"),
    size: zip.length,
    files: files.length,
    origin,
  };
}
