/**
 * A ready-made package given to `deploy:function` as a .zip: read it and make
 * sure it is a zip with files in it before it is uploaded, since Lambda's own
 * answer to a bad one ("Could not unzip uploaded file") comes late and names
 * nothing.
 */
import { readFile } from "node:fs/promises";
import { UsageError } from "../errors";
import { listZipEntries, ZipFormatError, type ZipEntry } from "./zip-entries";

const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

export async function readZip(file: string): Promise<Buffer> {
  let zip: Buffer;
  try {
    zip = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UsageError(`package ${file} does not exist`);
    if (code === "EISDIR") throw new UsageError(`package ${file} is a directory, not a .zip file`);
    throw err;
  }
  checkZip(zip, file);
  return zip;
}

/** Throws a UsageError naming `name` unless `zip` is a zip archive with at least one file. */
export function checkZip(zip: Buffer, name: string): ZipEntry[] {
  if (zip.subarray(0, 4).equals(EMPTY_ZIP)) throw new UsageError(`package ${name} is an empty zip archive: there is no code in it`);
  if (!zip.subarray(0, 4).equals(LOCAL_HEADER)) {
    throw new UsageError(`package ${name} is not a zip file (${zip.length === 0 ? "it is empty" : "it does not start with a zip header"})`);
  }
  let entries: ZipEntry[];
  try {
    entries = listZipEntries(zip);
  } catch (err) {
    if (err instanceof ZipFormatError) throw new UsageError(`package ${name} is not a valid zip file: ${err.message}`);
    throw err;
  }
  if (!entries.some((e) => !e.isDirectory)) throw new UsageError(`package ${name} has no files in it`);
  return entries;
}
