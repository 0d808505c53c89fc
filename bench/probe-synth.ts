/**
 * Run in a child process by the synth benchmark: one full synth of every
 * configured environment into a temporary directory, then reports its own
 * CPU time and peak memory.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { loadEnvironments } from "../config";
import { defineStacks } from "../stacks/app";

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-synth-"));
const app = new App({ outdir });
defineStacks(app, loadEnvironments({ env: {} }));
app.synth();
fs.rmSync(outdir, { recursive: true, force: true });
const usage = process.resourceUsage();
process.stdout.write(JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssMb: usage.maxRSS / 1024 }));
