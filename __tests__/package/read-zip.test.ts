import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ZipFile } from "yazl";
import { UsageError } from "../../lib/errors";
import { checkZip, codeSha256, listZipEntries, readZip, zipDirectory, ZipFormatError } from "../../lib/package";

let dir: string;
let zip: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "read-zip-"));
  const source = path.join(dir, "src");
  mkdirSync(source);
  writeFileSync(path.join(source, "lambda_function.py"), "def lambda_handler(event, context):\n    return {}\n");
  zip = await zipDirectory(source);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: Buffer | string): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe("readZip", () => {
  it("returns the bytes of a zip, unchanged", async () => {
    const read = await readZip(file("function.zip", zip));
    expect(read.equals(zip)).toBe(true);
    expect(codeSha256(read)).toBe(codeSha256(zip));
  });

  it.each([
    ["not-a-zip.zip", "def lambda_handler(): pass\n", /package .*not-a-zip\.zip is not a zip file \(it does not start with a zip header\)/],
    ["empty-file.zip", "", /package .*empty-file\.zip is not a zip file \(it is empty\)/],
    ["gzip.zip", Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]), /gzip\.zip is not a zip file/],
  ])("rejects %s with a UsageError naming the file", async (name, content, message) => {
    const p = file(name, content);
    await expect(readZip(p)).rejects.toThrow(UsageError);
    await expect(readZip(p)).rejects.toThrow(message);
  });

  it("rejects a truncated zip", async () => {
    const p = file("truncated.zip", zip.subarray(0, zip.length - 30));
    await expect(readZip(p)).rejects.toThrow(/truncated\.zip is not a valid zip file: no end of central directory record/);
  });

  it("rejects an empty zip archive", async () => {
    const empty = new ZipFile();
    const chunks: Buffer[] = [];
    empty.outputStream.on("data", (c: Buffer) => chunks.push(c));
    const done = new Promise((resolve) => empty.outputStream.on("end", resolve));
    empty.end();
    await done;
    await expect(readZip(file("empty-archive.zip", Buffer.concat(chunks)))).rejects.toThrow(/empty-archive\.zip is an empty zip archive/);
  });

  it("rejects a missing file and a directory", async () => {
    await expect(readZip(path.join(dir, "missing.zip"))).rejects.toThrow(/package .*missing\.zip does not exist/);
    await expect(readZip(dir)).rejects.toThrow(/is a directory, not a \.zip file/);
  });
});

describe("checkZip / listZipEntries", () => {
  it("lists the entries", () => {
    expect(checkZip(zip, "function.zip")).toEqual([
      expect.objectContaining({ name: "lambda_function.py", isDirectory: false, method: 8, modified: "1980-01-01 00:00:00" }),
    ]);
  });

  it("rejects a zip that only holds directories", async () => {
    const onlyDirs = new ZipFile();
    onlyDirs.addEmptyDirectory("mycity/");
    const chunks: Buffer[] = [];
    onlyDirs.outputStream.on("data", (c: Buffer) => chunks.push(c));
    const done = new Promise((resolve) => onlyDirs.outputStream.on("end", resolve));
    onlyDirs.end();
    await done;
    expect(() => checkZip(Buffer.concat(chunks), "dirs.zip")).toThrow(/dirs\.zip has no files in it/);
  });

  it("finds the end record behind an archive comment, and reads ZIP64 records", async () => {
    const z = new ZipFile();
    z.addBuffer(Buffer.from("hello"), "a.txt", { mtime: new Date(1980, 0, 1), forceZip64Format: true });
    const chunks: Buffer[] = [];
    z.outputStream.on("data", (c: Buffer) => chunks.push(c));
    const done = new Promise((resolve) => z.outputStream.on("end", resolve));
    z.end({ forceZip64Format: true, comment: "built by alexa-skill-pipeline" });
    await done;
    expect(listZipEntries(Buffer.concat(chunks))).toEqual([expect.objectContaining({ name: "a.txt", size: 5 })]);
  });

  it("throws ZipFormatError when a central directory entry is damaged", () => {
    const damaged = Buffer.from(zip);
    const central = damaged.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    damaged.writeUInt32LE(0, central);
    expect(() => listZipEntries(damaged)).toThrow(ZipFormatError);
    expect(() => checkZip(damaged, "damaged.zip")).toThrow(/damaged\.zip is not a valid zip file: central directory entry 1 has a bad signature/);
  });
});
