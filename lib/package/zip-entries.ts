/**
 * Reads a zip's central directory (PKWARE APPNOTE 4.3.12–4.3.16, with ZIP64):
 * enough to tell that a file is a zip, list what it holds, and check what a
 * package would unzip to, without extracting anything.
 */

export interface ZipEntry {
  name: string;
  isDirectory: boolean;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Unix mode from the external attributes (0 when the zip was not made on Unix). */
  mode: number;
  /** The DOS timestamp as written, which has no time zone: "YYYY-MM-DD HH:MM:SS". */
  modified: string;
  /** Where the entry's local header starts (for extraction). */
  localHeaderOffset: number;
}

export class ZipFormatError extends Error {}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const UTF8_FLAG = 1 << 11;

export function listZipEntries(zip: Buffer): ZipEntry[] {
  const directory = findCentralDirectory(zip);
  const entries: ZipEntry[] = [];
  let pos = directory.offset;
  for (let i = 0; i < directory.count; i++) {
    need(zip, pos, 46, "central directory entry");
    if (zip.readUInt32LE(pos) !== CENTRAL_HEADER_SIGNATURE) throw new ZipFormatError(`central directory entry ${i + 1} has a bad signature`);
    const flags = zip.readUInt16LE(pos + 8);
    const nameLength = zip.readUInt16LE(pos + 28);
    const extraLength = zip.readUInt16LE(pos + 30);
    const commentLength = zip.readUInt16LE(pos + 32);
    need(zip, pos + 46, nameLength + extraLength + commentLength, "central directory entry");
    const nameBytes = zip.subarray(pos + 46, pos + 46 + nameLength);
    const name = nameBytes.toString(flags & UTF8_FLAG ? "utf8" : "latin1");
    const sizes = {
      compressedSize: zip.readUInt32LE(pos + 20),
      size: zip.readUInt32LE(pos + 24),
      localHeaderOffset: zip.readUInt32LE(pos + 42),
    };
    applyZip64Extra(zip.subarray(pos + 46 + nameLength, pos + 46 + nameLength + extraLength), sizes);
    need(zip, sizes.localHeaderOffset, 4, `local header of ${name}`);
    if (zip.readUInt32LE(sizes.localHeaderOffset) !== LOCAL_HEADER_SIGNATURE) throw new ZipFormatError(`the local header of ${name} is missing`);
    entries.push({
      name,
      isDirectory: name.endsWith("/"),
      method: zip.readUInt16LE(pos + 10),
      compressedSize: sizes.compressedSize,
      size: sizes.size,
      crc32: zip.readUInt32LE(pos + 16),
      mode: zip.readUInt32LE(pos + 38) >>> 16,
      modified: dosDateTime(zip.readUInt16LE(pos + 14), zip.readUInt16LE(pos + 12)),
      localHeaderOffset: sizes.localHeaderOffset,
    });
    pos += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findCentralDirectory(zip: Buffer): { offset: number; count: number } {
  // The end record sits at the end, followed only by a comment of up to 64 KiB.
  const lowest = Math.max(0, zip.length - EOCD_SIZE - 0xffff);
  for (let pos = zip.length - EOCD_SIZE; pos >= lowest; pos--) {
    if (zip.readUInt32LE(pos) !== EOCD_SIGNATURE) continue;
    if (pos + EOCD_SIZE + zip.readUInt16LE(pos + 20) > zip.length) continue;
    let count = zip.readUInt16LE(pos + 10);
    let offset = zip.readUInt32LE(pos + 16);
    if (count === 0xffff || offset === 0xffffffff) {
      const locator = pos - 20;
      if (locator < 0 || zip.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) throw new ZipFormatError("ZIP64 end of central directory locator is missing");
      const zip64 = readUInt64(zip, locator + 8);
      need(zip, zip64, 56, "ZIP64 end of central directory");
      if (zip.readUInt32LE(zip64) !== ZIP64_EOCD_SIGNATURE) throw new ZipFormatError("ZIP64 end of central directory record is missing");
      count = readUInt64(zip, zip64 + 32);
      offset = readUInt64(zip, zip64 + 48);
    }
    if (offset > zip.length) throw new ZipFormatError("the central directory lies beyond the end of the file");
    return { offset, count };
  }
  throw new ZipFormatError("no end of central directory record (the file is not a zip, or it is truncated)");
}

/** ZIP64 extended information (tag 0x0001) replaces the 32-bit fields that are all ones, in order. */
function applyZip64Extra(extra: Buffer, sizes: { compressedSize: number; size: number; localHeaderOffset: number }): void {
  for (let pos = 0; pos + 4 <= extra.length; ) {
    const tag = extra.readUInt16LE(pos);
    const length = extra.readUInt16LE(pos + 2);
    if (tag === 0x0001) {
      let field = pos + 4;
      const end = field + length;
      const take = () => {
        if (field + 8 > end) throw new ZipFormatError("ZIP64 extra field is too short");
        const value = readUInt64(extra, field);
        field += 8;
        return value;
      };
      if (sizes.size === 0xffffffff) sizes.size = take();
      if (sizes.compressedSize === 0xffffffff) sizes.compressedSize = take();
      if (sizes.localHeaderOffset === 0xffffffff) sizes.localHeaderOffset = take();
      return;
    }
    pos += 4 + length;
  }
}

function readUInt64(buf: Buffer, pos: number): number {
  const value = buf.readBigUInt64LE(pos);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError("a ZIP64 size or offset is too large");
  return Number(value);
}

function need(zip: Buffer, pos: number, length: number, what: string): void {
  if (pos < 0 || pos + length > zip.length) throw new ZipFormatError(`the ${what} runs past the end of the file (truncated?)`);
}

function dosDateTime(date: number, time: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const year = 1980 + (date >> 9);
  const month = (date >> 5) & 0x0f;
  const day = date & 0x1f;
  const hour = time >> 11;
  const minute = (time >> 5) & 0x3f;
  const second = (time & 0x1f) * 2;
  return `${year}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}`;
}
