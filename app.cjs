/**
 * The cdktf app entry ("app" in cdktf.json). It bundles main.ts and our own
 * modules with esbuild in memory (node_modules stay external and load
 * natively), then runs the result. Running main.ts through a TypeScript
 * loader instead costs a second process or a loader hook on every one of
 * cdktf's own requires: about twice the wall time (see npm run bench).
 *
 * The bundle is cached in node_modules/.cache with the size and mtime of
 * every file esbuild read; any change to any of them rebuilds it, so a synth
 * after an edit is never stale, and a repeated synth skips esbuild.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const entry = path.join(__dirname, "main.ts");
const debug = Boolean(process.env.DEBUG);
const cacheDir = path.join(__dirname, "node_modules", ".cache", "alexa-skill-pipeline");
const cacheFile = path.join(cacheDir, debug ? "app.debug.cjs" : "app.cjs");
const inputsFile = `${cacheFile}.inputs.json`;

function stamp(file) {
  const stat = fs.statSync(path.join(__dirname, file));
  return `${stat.size}:${stat.mtimeMs}`;
}

function cached() {
  try {
    const inputs = JSON.parse(fs.readFileSync(inputsFile, "utf8"));
    for (const [file, seen] of Object.entries(inputs)) if (stamp(file) !== seen) return undefined;
    return fs.readFileSync(cacheFile, "utf8");
  } catch {
    return undefined;
  }
}

function build() {
  const { buildSync } = require("esbuild");
  const { outputFiles, metafile } = buildSync({
    entryPoints: [entry],
    absWorkingDir: __dirname,
    bundle: true,
    packages: "external",
    platform: "node",
    target: "node20",
    format: "cjs",
    // Inline source maps only when debugging: Node would parse every dependency's maps too.
    sourcemap: debug ? "inline" : false,
    metafile: true,
    write: false,
    logLevel: "error",
  });
  const code = outputFiles[0].text;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const inputs = Object.fromEntries(Object.keys(metafile.inputs).map((file) => [file, stamp(file)]));
    // Written aside and renamed: a concurrent synth reads the old bundle or the new one, never half of one.
    const unique = `.${process.pid}.tmp`;
    fs.writeFileSync(cacheFile + unique, code);
    fs.renameSync(cacheFile + unique, cacheFile);
    fs.writeFileSync(inputsFile + unique, JSON.stringify(inputs));
    fs.renameSync(inputsFile + unique, inputsFile);
  } catch {
    // A read-only checkout still synthesizes; it just builds every time.
  }
  return code;
}

const code = cached() ?? build();
if (debug) process.setSourceMapsEnabled(true);
const app = new Module(entry, module);
app.filename = entry;
app.paths = Module._nodeModulePaths(__dirname);
app._compile(code, entry);
