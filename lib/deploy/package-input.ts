/**
 * The package `deploy:function` uploads: a ready-made .zip, or a directory
 * zipped deterministically so that the same tree always has the same
 * SHA-256, which is how a re-run knows there is nothing to do.
 */
import { createHash } from "node:crypto";
import { UsageError } from "../errors";
import { codeSha256, escapesDirectory, formatBytes, handlerFiles, LAMBDA_MAX_UNZIPPED_BYTES, listZipEntries, readZip, zipDirectory } from "../package";

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
  /** The names of its files, as stored in the zip. */
  fileNames: string[];
  /** Where it came from, for people: "<dir> (zipped)" or "<file>". */
  origin: string;
}

export async function loadPackage(source: PackageSource): Promise<DeploymentPackage> {
  const zip = source.kind === "zip" ? await readZip(source.file) : await zipDirectory(source.dir);
  const origin = source.kind === "zip" ? source.file : `${source.dir} (zipped)`;
  return packageFromZip(zip, origin);
}

/** A package from zip bytes already in memory (a saved copy of `$LATEST`'s code). */
export function packageFromZip(zip: Buffer, origin: string): DeploymentPackage {
  const entries = listZipEntries(zip);
  refuseEscapingEntries(entries.map((e) => e.name), origin);
  const files = entries.filter((e) => !e.isDirectory);
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
    fileNames: files.map((e) => e.name),
    origin,
  };
}

/**
 * Zip-slip: an entry named `../x` or `/etc/x` would be written outside the
 * directory it is unpacked in. Lambda's own unzip may reject or flatten it,
 * undocumented either way; a package that holds one was not made by a
 * packaging tool and is refused before upload.
 */
export function refuseEscapingEntries(names: readonly string[], origin: string): void {
  const escaping = names.filter(escapesDirectory);
  if (escaping.length === 0) return;
  const shown = escaping.slice(0, 5).map((n) => JSON.stringify(n)).join(", ") + (escaping.length > 5 ? ` and ${escaping.length - 5} more` : "");
  throw new UsageError(
    `package ${origin} has entries that point outside the directory it unpacks into (absolute, or with ".."): ${shown}. ` +
      "Nothing was uploaded. Rebuild the zip from inside the code directory (cd <dir> && zip -r ../package.zip .), or pass --source <dir>.",
  );
}

/**
 * The handler's file must be in the package, at the path Lambda imports it
 * from (lib/package's handlerFiles: `lambda_function.lambda_handler` needs
 * `lambda_function.py` at the root, or a `lambda_function/` package).
 * Checked for Python runtimes, the only ones the configuration allows;
 * others pass. A package without it would be uploaded and then fail every
 * invocation with Runtime.ImportModuleError.
 */
export function checkHandlerInPackage(pkg: Pick<DeploymentPackage, "fileNames" | "origin">, handler: string | undefined, runtime: string | undefined): void {
  if (!handler || !runtime?.startsWith("python") || handler.lastIndexOf(".") <= 0) return;
  const candidates = handlerFiles(handler);
  const names = new Set(pkg.fileNames.map((n) => n.replace(/\\/g, "/").replace(/^\.\//, "")));
  if (candidates.some((c) => names.has(c))) return;
  const nested = pkg.fileNames.find((n) => candidates.some((c) => n.endsWith(`/${c}`)));
  throw new UsageError(
    `package ${pkg.origin} has no ${candidates[0]} at its root, which the function's handler ${handler} (${runtime}) imports: every invocation would fail. ` +
      (nested
        ? `It has ${nested}: zip the contents of that directory, not the directory itself (cd <dir> && zip -r ../package.zip .). `
        : "Check the package's code directory, or the handler (configuration function.handler). ") +
      "Nothing was uploaded.",
  );
}
