// Bundles scripts/deploy-skill.ts into dist/deploy-skill.cjs with esbuild: one
// file that Node runs without tsx, TypeScript or this project's full
// node_modules. CodeBuild runs it after `npm ci` in this directory (see
// stacks/buildspec.ts); imports resolve from here when the tooling checkout
// has no node_modules of its own. Plain CommonJS, so Node runs it as it is.
"use strict";
const { copyFileSync, mkdirSync } = require("node:fs");
const path = require("node:path");
const esbuild = require("esbuild");

const root = path.resolve(__dirname, "..", "..");
const dist = path.join(root, "dist");
mkdirSync(dist, { recursive: true });
esbuild.buildSync({
  entryPoints: [path.join(root, "scripts", "deploy-skill.ts")],
  outfile: path.join(dist, "deploy-skill.cjs"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  nodePaths: [path.join(__dirname, "node_modules")],
  logLevel: "warning",
  legalComments: "none",
});
// The package check runs the handler with this harness, found next to the code that runs it (__dirname).
copyFileSync(path.join(root, "lib", "build", "harness.py"), path.join(dist, "harness.py"));
