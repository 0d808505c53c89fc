import { spawnSync } from "node:child_process";
import * as path from "node:path";

export interface BenchResult {
  name: string;
  metrics: Record<string, number>;
  notes: string;
}

export const ROOT = path.resolve(__dirname, "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs a probe script under tsx N times; wall time from outside, CPU and memory as the probe reports them. */
export function runProbe(script: string, args: string[], runs: number): { wallMs: number; cpuMs: number; maxRssMb: number } {
  const samples = Array.from({ length: runs }, () => {
    const started = process.hrtime.bigint();
    const result = spawnSync(TSX, [path.join(ROOT, "bench", script), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${script} failed: ${result.stderr}`);
    return { wallMs, ...(JSON.parse(result.stdout) as { cpuMs: number; maxRssMb: number }) };
  });
  return {
    wallMs: Math.round(median(samples.map((s) => s.wallMs))),
    cpuMs: Math.round(median(samples.map((s) => s.cpuMs))),
    maxRssMb: Math.round(median(samples.map((s) => s.maxRssMb))),
  };
}
