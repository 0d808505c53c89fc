import { execFile, execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { UsageError } from "../../lib/errors";
import { codeSha256, listZipEntries, zipDirectory } from "../../lib/package";

const HANDLER = `import json


def lambda_handler(event, context):
    return {"version": "1.0", "response": {"outputSpeech": {"type": "PlainText", "text": "Welcome to Boston Info"}}}
`;

const hasUnzip = spawnSync("unzip", ["-v"]).status === 0;
const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "zip-directory-"));
  tempDirs.push(dir);
  return dir;
}

function write(root: string, rel: string, content: string | Buffer, mode = 0o644): void {
  const file = path.join(root, ...rel.split("/"));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
}

/** A small voiceapp311-like function source tree, written in the given file order. */
function makeSkillSource(order: "forward" | "reverse" = "forward"): string {
  const root = tempDir();
  const files: Array<[string, string, number?]> = [
    ["lambda_function.py", HANDLER],
    ["mycity/__init__.py", ""],
    ["mycity/intents/trash_intent.py", "def get_trash_day_info(mycity_request):\n    pass\n"],
    ["mycity/intents/speech_constants.py", 'WELCOME = "Welcome to Boston Info"\n'],
    ["mycity/utilities/gis_utils.py", "import requests\n"],
    ["requirements.txt", "requests==2.32.3\n"],
    ["bin/build.sh", "#!/bin/sh\necho build\n", 0o755],
    ["a-b.txt", "dash sorts before slash\n"],
  ];
  for (const [rel, content, mode] of order === "forward" ? files : [...files].reverse()) write(root, rel, content, mode);
  return root;
}

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("zipDirectory", () => {
  it("lists files in byte order of their path, POSIX separators, no directory entries", async () => {
    const zip = await zipDirectory(makeSkillSource());
    expect(listZipEntries(zip).map((e) => e.name)).toEqual([
      "a-b.txt",
      "bin/build.sh",
      "lambda_function.py",
      "mycity/__init__.py",
      "mycity/intents/speech_constants.py",
      "mycity/intents/trash_intent.py",
      "mycity/utilities/gis_utils.py",
      "requirements.txt",
    ]);
  });

  it("gives every entry the zip epoch and a fixed mode: 0755 if executable, else 0644", async () => {
    const entries = listZipEntries(await zipDirectory(makeSkillSource()));
    for (const entry of entries) expect(entry.modified).toBe("1980-01-01 00:00:00");
    const modes = Object.fromEntries(entries.map((e) => [e.name, (e.mode & 0o7777).toString(8)]));
    expect(modes["bin/build.sh"]).toBe("755");
    expect(modes["lambda_function.py"]).toBe("644");
    for (const entry of entries) expect(entry.mode & 0o170000).toBe(0o100000); // regular file
  });

  it("treats any execute bit as executable, and drops every other mode bit", async () => {
    const root = tempDir();
    write(root, "group-exec.sh", "x", 0o610);
    write(root, "private.txt", "x", 0o600);
    write(root, "world-writable.txt", "x", 0o666);
    const modes = listZipEntries(await zipDirectory(root)).map((e) => [e.name, (e.mode & 0o7777).toString(8)]);
    expect(modes).toEqual([
      ["group-exec.sh", "755"],
      ["private.txt", "644"],
      ["world-writable.txt", "644"],
    ]);
  });

  it("gives byte-identical output across runs, mtimes and readdir order", async () => {
    const first = makeSkillSource("forward");
    const a = await zipDirectory(first);
    const b = await zipDirectory(first);
    expect(b.equals(a)).toBe(true);

    // Another directory, files created in the opposite order, with other mtimes.
    const second = makeSkillSource("reverse");
    utimesSync(path.join(second, "lambda_function.py"), new Date("2001-02-03T04:05:06Z"), new Date("2001-02-03T04:05:06Z"));
    utimesSync(path.join(second, "mycity", "intents", "trash_intent.py"), new Date(), new Date("2030-01-01T00:00:00Z"));
    const c = await zipDirectory(second);
    expect(c.equals(a)).toBe(true);

    // A plain copy (cp gives fresh mtimes).
    const third = path.join(tempDir(), "copy");
    cpSync(first, third, { recursive: true });
    expect((await zipDirectory(third)).equals(a)).toBe(true);
    expect(codeSha256(c)).toBe(codeSha256(a));
  });

  it("gives the same bytes in every time zone", async () => {
    // A process per zone: the zone is read at start-up (and jest's sandboxed
    // process.env would not pass a change on to the Date implementation).
    const source = makeSkillSource();
    const child = [
      `const { zipDirectory } = require(${JSON.stringify(path.join(__dirname, "..", "..", "lib", "package", "zip-directory.ts"))});`,
      "zipDirectory(process.argv[1]).then((zip) => process.stdout.write(zip.toString('base64')));",
    ].join("\n");
    const zones = ["UTC", "Asia/Tokyo", "America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago"];
    const zips = await Promise.all(
      zones.map(
        (tz) =>
          new Promise<Buffer>((resolve, reject) => {
            execFile(process.execPath, ["--import", "tsx", "-e", child, source], { env: { ...process.env, TZ: tz } }, (err, stdout) =>
              err ? reject(err) : resolve(Buffer.from(stdout, "base64")),
            );
          }),
      ),
    );
    const here = await zipDirectory(source);
    for (const zip of zips) {
      expect(zip.equals(here)).toBe(true);
      for (const entry of listZipEntries(zip)) expect(entry.modified).toBe("1980-01-01 00:00:00");
    }
  });

  it("changes when content or a file name changes", async () => {
    const root = makeSkillSource();
    const before = codeSha256(await zipDirectory(root));
    write(root, "mycity/intents/speech_constants.py", 'WELCOME = "Welcome to Boston Info!"\n');
    const edited = codeSha256(await zipDirectory(root));
    expect(edited).not.toBe(before);
    write(root, "mycity/intents/speech_constant.py", 'WELCOME = "Welcome to Boston Info!"\n');
    rmSync(path.join(root, "mycity", "intents", "speech_constants.py"));
    expect(codeSha256(await zipDirectory(root))).not.toBe(edited);
  });

  it("excludes .git, __pycache__, *.pyc, .DS_Store and node_modules by default", async () => {
    const root = makeSkillSource();
    write(root, ".git/HEAD", "ref: refs/heads/master\n");
    write(root, "mycity/__pycache__/trash_intent.cpython-312.pyc", Buffer.from([0x42, 0x0d]));
    write(root, "mycity/stale.pyc", Buffer.from([0x42]));
    write(root, ".DS_Store", "finder");
    write(root, "mycity/intents/.DS_Store", "finder");
    write(root, "node_modules/left-pad/index.js", "module.exports = 1;\n");
    const names = listZipEntries(await zipDirectory(root)).map((e) => e.name);
    expect(names.filter((n) => /\.git|__pycache__|\.pyc$|\.DS_Store|node_modules/.test(n))).toEqual([]);
    expect((await zipDirectory(root)).equals(await zipDirectory(makeSkillSource()))).toBe(true);
  });

  it("takes extra exclusions by name or by path, and can drop the defaults", async () => {
    const root = makeSkillSource();
    write(root, "tests/test_trash.py", "def test(): pass\n");
    write(root, "docs/notes.md", "# notes\n");
    write(root, "mycity/docs/keep.md", "# keep\n");
    write(root, "mycity/__pycache__/x.pyc", "x");
    const names = listZipEntries(await zipDirectory(root, { exclude: ["tests", "docs/*.md", "requirements.txt", "**/*.sh"] })).map((e) => e.name);
    expect(names).toEqual([
      "a-b.txt",
      "lambda_function.py",
      "mycity/__init__.py",
      "mycity/docs/keep.md",
      "mycity/intents/speech_constants.py",
      "mycity/intents/trash_intent.py",
      "mycity/utilities/gis_utils.py",
    ]);
    const withDefaults = listZipEntries(await zipDirectory(root, { defaultExcludes: false })).map((e) => e.name);
    expect(withDefaults).toContain("mycity/__pycache__/x.pyc");
  });

  it("refuses an empty directory, or one whose files are all excluded, with a clear UsageError", async () => {
    const empty = tempDir();
    mkdirSync(path.join(empty, "sub", "dir"), { recursive: true });
    await expect(zipDirectory(empty)).rejects.toThrow(UsageError);
    await expect(zipDirectory(empty)).rejects.toThrow(`nothing to package: ${empty} has no files`);

    const onlyJunk = tempDir();
    write(onlyJunk, "__pycache__/a.pyc", "x");
    write(onlyJunk, ".DS_Store", "x");
    await expect(zipDirectory(onlyJunk)).rejects.toThrow(/nothing to package: every file in .* is excluded \(by \.git, __pycache__, \*\.pyc/);
  });

  it("refuses a missing directory and a file with a UsageError", async () => {
    const root = tempDir();
    await expect(zipDirectory(path.join(root, "nope"))).rejects.toThrow(/cannot package .*nope: it does not exist/);
    write(root, "function.zip", "x");
    await expect(zipDirectory(path.join(root, "function.zip"))).rejects.toThrow(/it is not a directory/);
  });

  it("rejects symbolic links, naming them", async () => {
    const root = makeSkillSource();
    symlinkSync(path.join(root, "lambda_function.py"), path.join(root, "mycity", "link.py"));
    await expect(zipDirectory(root)).rejects.toThrow(UsageError);
    await expect(zipDirectory(root)).rejects.toThrow(`${path.join(root, "mycity", "link.py")} is a symbolic link`);
    // An excluded link is never looked at.
    await expect(zipDirectory(root, { exclude: ["link.py"] })).resolves.toBeInstanceOf(Buffer);
  });

  it("stores files uncompressed with compress: false", async () => {
    const root = makeSkillSource();
    const entries = listZipEntries(await zipDirectory(root, { compress: false }));
    for (const entry of entries) {
      expect(entry.method).toBe(0);
      expect(entry.compressedSize).toBe(entry.size);
    }
    expect(listZipEntries(await zipDirectory(root)).find((e) => e.name === "lambda_function.py")?.method).toBe(8);
  });

  it("reports sizes and CRCs that match the files", async () => {
    const root = makeSkillSource();
    const entry = listZipEntries(await zipDirectory(root)).find((e) => e.name === "lambda_function.py");
    expect(entry?.size).toBe(Buffer.byteLength(HANDLER));
  });

  (hasUnzip ? it : it.skip)("makes a zip that unzip lists, tests and extracts to the same bytes", async () => {
    const root = makeSkillSource();
    const zipFile = path.join(tempDir(), "function.zip");
    writeFileSync(zipFile, await zipDirectory(root));

    const listing = execFileSync("unzip", ["-l", zipFile], { encoding: "utf8" });
    // unzip prints the date as 1980-01-01 or 01-01-1980 depending on its version.
    expect(listing).toMatch(/\s\d+\s+(1980-01-01|01-01-1980) 00:00\s+lambda_function\.py/);
    expect(execFileSync("unzip", ["-t", zipFile], { encoding: "utf8" })).toContain("No errors detected");

    const out = path.join(tempDir(), "out");
    execFileSync("unzip", ["-q", zipFile, "-d", out]);
    expect(readFileSync(path.join(out, "lambda_function.py"), "utf8")).toBe(HANDLER);
    expect(readFileSync(path.join(out, "mycity", "intents", "trash_intent.py"), "utf8")).toContain("get_trash_day_info");
  });
});

describe("codeSha256", () => {
  it("is the base64 SHA-256 of the bytes, as Lambda reports CodeSha256", async () => {
    const zip = await zipDirectory(makeSkillSource());
    const independent = createHash("sha256").update(zip).digest("base64");
    expect(codeSha256(zip)).toBe(independent);
    expect(codeSha256(zip)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it("matches a known value", () => {
    expect(codeSha256(Buffer.from("abc"))).toBe("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  });
});
