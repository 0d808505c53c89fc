import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ZipFile } from "yazl";
import { extractZip, ZipFormatError } from "../../lib/package";

async function zipOf(files: { name: string; text: string; mode?: number }[], compress = true): Promise<Buffer> {
  const zip = new ZipFile();
  for (const f of files) zip.addBuffer(Buffer.from(f.text), f.name, { compress, ...(f.mode !== undefined && { mode: f.mode }) });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("extractZip", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "extract-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("writes stored and deflated files, keeping the execute bit", async () => {
    await extractZip(await zipOf([{ name: "a/b.py", text: "print(1)\n" }, { name: "run.sh", text: "#!/bin/sh\n", mode: 0o100755 }]), dir);
    await extractZip(await zipOf([{ name: "stored.txt", text: "plain" }], false), dir);
    expect(await readFile(path.join(dir, "a", "b.py"), "utf8")).toBe("print(1)\n");
    expect(await readFile(path.join(dir, "stored.txt"), "utf8")).toBe("plain");
    expect((await stat(path.join(dir, "run.sh"))).mode & 0o111).not.toBe(0);
  });

  it("refuses an entry that would land outside the directory (zip slip)", async () => {
    const zip = await zipOf([{ name: "ok.txt", text: "x" }]);
    // yazl refuses ".." names, so write one over a same-length name.
    const evil = Buffer.from(zip.toString("latin1").split("ok.txt").join("../x.t"), "latin1");
    await expect(extractZip(evil, dir)).rejects.toBeInstanceOf(ZipFormatError);
    await expect(extractZip(evil, dir)).rejects.toThrow("would be written outside the package directory");
  });

  it("refuses symbolic links and corrupt entries", async () => {
    await expect(extractZip(await zipOf([{ name: "link", text: "/etc/passwd", mode: 0o120777 }]), dir)).rejects.toThrow("is a symbolic link");
    const zip = await zipOf([{ name: "data.txt", text: "hello hello hello" }], false);
    const corrupt = Buffer.from(zip);
    corrupt.write("J", zip.indexOf("hello"), "latin1");
    await expect(extractZip(corrupt, dir)).rejects.toThrow("is corrupt");
  });
});
