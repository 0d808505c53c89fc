/**
 * Deterministic zips of a directory: the same tree gives the same bytes, and
 * so the same `CodeSha256`, whoever builds it and whenever. That is what lets
 * `deploy:function` tell "already deployed" from "changed" by hash alone.
 *
 * What would otherwise vary, and how it is pinned:
 * - entry order: byte order of the relative path (collect-files.ts);
 * - separators: POSIX "/" on every platform;
 * - timestamps: every entry gets the zip epoch, 1980-01-01 00:00:00. A zip's
 *   DOS timestamp has no time zone, and yazl fills it from a Date's *local*
 *   fields, so the Date is built from local fields too; yazl's extra UTC
 *   timestamp field is turned off (`forceDosTimestamp`), as it would differ
 *   by the builder's time zone;
 * - permissions: 0644, or 0755 when any execute bit is set; owners, other
 *   mode bits and directory entries are not stored;
 * - compression: deflate output is the same for the same zlib build
 *   (`process.versions.zlib`). Node versions with another zlib can compress
 *   differently; `compress: false` stores files uncompressed and is
 *   independent of zlib altogether, at the cost of size.
 */
import { readFile, stat } from "node:fs/promises";
import { ZipFile } from "yazl";
import { UsageError } from "../errors";
import { collectFiles, DEFAULT_EXCLUDES, type CollectOptions } from "./collect-files";

export interface ZipDirectoryOptions extends CollectOptions {
  /** Deflate (default) or store. */
  compress?: boolean;
}

export const FILE_MODE = 0o100644;
export const EXECUTABLE_MODE = 0o100755;

/** The zip format's epoch, which every entry's DOS timestamp is set to. */
export const ZIP_EPOCH_DOS = { year: 1980, month: 1, day: 1, hour: 0, minute: 0, second: 0 } as const;

export async function zipDirectory(dir: string, options: ZipDirectoryOptions = {}): Promise<Buffer> {
  await requireDirectory(dir);
  const { files, excluded } = await collectFiles(dir, options);
  if (files.length === 0) {
    const patterns = [...(options.defaultExcludes === false ? [] : DEFAULT_EXCLUDES), ...(options.exclude ?? [])];
    throw new UsageError(
      excluded > 0
        ? `nothing to package: every file in ${dir} is excluded (by ${patterns.join(", ")})`
        : `nothing to package: ${dir} has no files`,
    );
  }

  // Built now, from local fields: see the note on timestamps above.
  const mtime = new Date(ZIP_EPOCH_DOS.year, ZIP_EPOCH_DOS.month - 1, ZIP_EPOCH_DOS.day);
  const zip = new ZipFile();
  const output = collect(zip.outputStream);
  for (const file of files) {
    zip.addBuffer(await readFile(file.absolutePath), file.path, {
      mtime,
      forceDosTimestamp: true,
      mode: file.executable ? EXECUTABLE_MODE : FILE_MODE,
      compress: options.compress !== false,
    });
  }
  zip.end();
  return output;
}

function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", reject);
    stream.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

async function requireDirectory(dir: string): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(`cannot package ${dir}: it does not exist`);
    throw err;
  }
  if (!isDir) throw new UsageError(`cannot package ${dir}: it is not a directory (to deploy a ready-made .zip, pass the file itself)`);
}
