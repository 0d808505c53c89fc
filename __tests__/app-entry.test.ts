import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

/**
 * app.cjs caches its esbuild bundle; a synth after an edit must never run
 * the old code. Checked in a scratch project: app.cjs, a two-module main.ts,
 * and this project's node_modules (for esbuild).
 */
describe("app.cjs, the cdktf app entry", () => {
  let dir: string;
  const run = () => execFileSync("node", [path.join(dir, "app.cjs")], { cwd: dir, encoding: "utf8" }).trim();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "app-entry-"));
    fs.copyFileSync(path.join(ROOT, "app.cjs"), path.join(dir, "app.cjs"));
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.symlinkSync(path.join(ROOT, "node_modules", "esbuild"), path.join(dir, "node_modules", "esbuild"));
    fs.writeFileSync(path.join(dir, "main.ts"), 'import { word } from "./word";\nconst n: number = 1;\nconsole.log(`${word} ${n}`);\n');
    fs.writeFileSync(path.join(dir, "word.ts"), 'export const word: string = "first";\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs main.ts, then reuses the bundle while nothing changed", () => {
    expect(run()).toBe("first 1");
    const cache = path.join(dir, "node_modules", ".cache", "alexa-skill-pipeline", "app.cjs");
    const built = fs.statSync(cache).mtimeMs;
    expect(run()).toBe("first 1");
    expect(fs.statSync(cache).mtimeMs).toBe(built);
  });

  it("rebuilds when any module it bundled changes", () => {
    expect(run()).toBe("first 1");
    fs.writeFileSync(path.join(dir, "word.ts"), 'export const word: string = "second, and longer";\n');
    expect(run()).toBe("second, and longer 1");
  });

  it("rebuilds when a module it bundled disappears (and fails like the code would)", () => {
    expect(run()).toBe("first 1");
    fs.rmSync(path.join(dir, "word.ts"));
    expect(() => run()).toThrow(/Could not resolve "\.\/word"/);
  });
});
