/**
 * Extracts a zip's regular files into a directory: enough to re-pack a zip a
 * build hook wrote, and to run a package's handler on exactly the files that
 * would be uploaded. Stored and deflated entries only (what Lambda accepts).
 *
 * Refused rather than extracted: names that would land outside the directory
 * (absolute, "..", a drive letter: the "zip slip"), symbolic links (Lambda
 * would unpack them as links to places we cannot check), and entries whose
 * CRC-32 does not match (a truncated or corrupt archive).
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { crc32, inflateRawSync } from "node:zlib";
import { escapesDirectory } from "./entry-names";
import { listZipEntries, ZipFormatError, type ZipEntry } from "./zip-entries";

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const SYMLINK_TYPE = 0o120000;
const FILE_TYPE_MASK = 0o170000;

/** Writes every file of `zip` under `dir`; returns the entries written. */
export async function extractZip(zip: Buffer, dir: string): Promise<ZipEntry[]> {
  const files = listZipEntries(zip).filter((e) => !e.isDirectory);
  for (const entry of files) {
    const target = safeTarget(dir, entry.name);
    if ((entry.mode & FILE_TYPE_MASK) === SYMLINK_TYPE) throw new ZipFormatError(`${entry.name} is a symbolic link; packages hold regular files only`);
    const data = entryData(zip, entry);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, data);
    if (entry.mode & 0o111) await chmod(target, 0o755);
  }
  return files;
}

function safeTarget(dir: string, name: string): string {
  const parts = name.split(/[\\/]/);
  if (escapesDirectory(name)) {
    throw new ZipFormatError(`entry ${JSON.stringify(name)} would be written outside the package directory`);
  }
  return path.join(dir, ...parts.filter((p) => p !== "" && p !== "."));
}

function entryData(zip: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL_HEADER_SIGNATURE) throw new ZipFormatError(`the local header of ${entry.name} is missing`);
  // The local header's own name and extra lengths, which may differ from the central directory's.
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  if (raw.length !== entry.compressedSize) throw new ZipFormatError(`${entry.name} runs past the end of the file (truncated?)`);
  let data: Buffer;
  if (entry.method === 0) data = Buffer.from(raw);
  else if (entry.method === 8) data = inflateRawSync(raw);
  else throw new ZipFormatError(`${entry.name} uses compression method ${entry.method}; only stored (0) and deflated (8) entries are supported`);
  if (data.length !== entry.size || crc32(data) >>> 0 !== entry.crc32 >>> 0) throw new ZipFormatError(`${entry.name} is corrupt (its size or CRC-32 does not match)`);
  return data;
}
