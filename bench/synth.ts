import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { median, ROOT, runProbe, type BenchResult } from "./measure";

const RUNS = 5;

interface AppRun {
  wallMs: number;
  maxRssMb: number;
}

/**
 * The cdktf app exactly as `cdktf synth` starts it (cdktf.json "app"),
 * without the CLI's own start: wall time from outside, peak memory from
 * GNU time. `preload` adds a module before the app (the root provider import).
 */
const BUNDLE_CACHE = path.join(ROOT, "node_modules", ".cache", "alexa-skill-pipeline");

function runApp(preload: string[], runs = RUNS): AppRun {
  const [command, ...args] = (JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).app as string).split(" ");
  const samples = Array.from({ length: runs }, () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-synth-"));
    const started = process.hrtime.bigint();
    const result = spawnSync("/usr/bin/time", ["-f", "%M", command as string, ...preload, ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    fs.rmSync(outdir, { recursive: true, force: true });
    if (result.status !== 0) throw new Error(`the app failed: ${result.stderr}`);
    const maxRssKb = Number(result.stderr.trim().split("\n").pop());
    return { wallMs, maxRssMb: maxRssKb / 1024 };
  });
  return { wallMs: Math.round(median(samples.map((s) => s.wallMs))), maxRssMb: Math.round(median(samples.map((s) => s.maxRssMb))) };
}

/** Targets (issue 2): the app's synth at most 0.5 s and 150 MB, excluding the cdktf CLI's start. */
export async function benchSynth(): Promise<BenchResult> {
  // The first synth after a change bundles our TypeScript with esbuild; later ones reuse the bundle.
  fs.rmSync(BUNDLE_CACHE, { recursive: true, force: true });
  const afterChange = runApp([], 1);
  const perResource = runApp([]);
  const root = runApp(["--require", "@cdktf/provider-aws"]);
  return {
    name: "synth of the whole app (node app.cjs, as cdktf synth runs it), per-resource imports vs the root import",
    metrics: {
      wallMs: perResource.wallMs,
      maxRssMb: perResource.maxRssMb,
      afterChangeWallMs: afterChange.wallMs,
      rootImportWallMs: root.wallMs,
      rootImportMaxRssMb: root.maxRssMb,
    },
    notes:
      `median of ${RUNS} fresh processes (afterChange: the first synth after an edit, which bundles with esbuild); targets 500 ms and 150 MB. The same synth with the package-root import of @cdktf/provider-aws ` +
      `takes ${(root.wallMs / perResource.wallMs).toFixed(1)}x the time and ${(root.maxRssMb / perResource.maxRssMb).toFixed(1)}x the memory`,
  };
}

/** Why provider resources are imported from their own modules, import alone. */
export async function benchProviderImport(): Promise<BenchResult> {
  const root = runProbe("probe-import.ts", ["root"], 3);
  const perResource = runProbe("probe-import.ts", ["per-resource"], 3);
  return {
    name: "@cdktf/provider-aws import alone: package root vs per-resource modules",
    metrics: {
      rootCpuMs: root.cpuMs,
      rootMaxRssMb: root.maxRssMb,
      perResourceCpuMs: perResource.cpuMs,
      perResourceMaxRssMb: perResource.maxRssMb,
    },
    notes: `root costs ${(root.cpuMs / perResource.cpuMs).toFixed(1)}x the CPU and ${(root.maxRssMb / perResource.maxRssMb).toFixed(1)}x the memory`,
  };
}

/** npm test as CI runs it: type check and every test. Target: under 60 s. */
export async function benchTests(): Promise<BenchResult> {
  const started = process.hrtime.bigint();
  const result = spawnSync("npm", ["test", "--silent"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  const wallMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  if (result.status !== 0) throw new Error(`npm test failed:\n${result.stderr.slice(-2000)}`);
  const tests = /Tests:\s+(\d+) passed/.exec(result.stderr)?.[1];
  return {
    name: "npm test (tsc --noEmit + jest)",
    metrics: { wallMs, tests: Number(tests ?? 0) },
    notes: "target: under 60 s on this machine",
  };
}
