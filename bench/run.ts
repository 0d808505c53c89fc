/**
 * npm run bench: every benchmark of the project, on loopback only, each
 * stopping by itself. Prints a table and writes bench/results.json; the
 * README quotes the numbers.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { benchCodeBuild } from "./codebuild";
import { benchDeployModel } from "./deploy-model";
import { benchFlip } from "./flip";
import { ROOT, type BenchResult } from "./measure";
import { benchProviderImport, benchSynth, benchTests } from "./synth";

const BENCHMARKS: Record<string, () => Promise<BenchResult>> = {
  synth: benchSynth,
  "provider-import": benchProviderImport,
  "deploy-model": benchDeployModel,
  flip: benchFlip,
  codebuild: benchCodeBuild,
  tests: benchTests,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHMARKS);
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(BENCHMARKS).join(", ")}\n`);
    process.exitCode = 2;
    return;
  }
  const file = path.join(ROOT, "bench", "results.json");
  // A run of some benchmarks replaces their entries and keeps the others'.
  const previous = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as { results?: Array<BenchResult & { key?: string }> }).results ?? [] : [];
  const results = new Map(previous.filter((r) => r.key).map((r) => [r.key as string, r]));
  for (const name of names) {
    process.stderr.write(`running ${name}…\n`);
    const result = await (BENCHMARKS[name] as () => Promise<BenchResult>)();
    results.set(name, { key: name, ...result });
    process.stdout.write(`\n${result.name}\n${Object.entries(result.metrics).map(([k, v]) => `  ${k}: ${v}`).join("\n")}\n  ${result.notes}\n`);
  }
  const machine = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? "unknown", memoryGb: Math.round(os.totalmem() / 2 ** 30) };
  const ordered = Object.keys(BENCHMARKS).flatMap((key) => (results.has(key) ? [results.get(key)] : []));
  fs.writeFileSync(file, `${JSON.stringify({ machine, results: ordered }, null, 2)}\n`);
}

void main();
