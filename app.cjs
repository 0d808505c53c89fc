/**
 * The cdktf app entry ("app" in cdktf.json). It bundles main.ts and our own
 * modules with esbuild in memory (about 30 ms; node_modules stay external and
 * load natively), then runs the result. Running main.ts through a TypeScript
 * loader instead costs a second process or a loader hook on every one of
 * cdktf's own requires: about twice the wall time (see npm run bench).
 */
"use strict";
const path = require("node:path");
const Module = require("node:module");
const { buildSync } = require("esbuild");

const entry = path.join(__dirname, "main.ts");
const { outputFiles } = buildSync({
  entryPoints: [entry],
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node20",
  format: "cjs",
  // Inline source maps only when debugging: Node would parse every dependency's maps too.
  sourcemap: process.env.DEBUG ? "inline" : false,
  write: false,
  logLevel: "error",
});
if (process.env.DEBUG) process.setSourceMapsEnabled(true);
const app = new Module(entry, module);
app.filename = entry;
app.paths = Module._nodeModulePaths(__dirname);
app._compile(outputFiles[0].text, entry);
