import { runProbe, type BenchResult } from "./measure";

const RUNS = 5;

/** The cdktf app from a cold start, as `cdktf synth` runs it ("app": "tsx main.ts"). */
export async function benchSynth(): Promise<BenchResult> {
  const synth = runProbe("probe-synth.ts", [], RUNS);
  return {
    name: "synth (all stacks of the example environment, cold process)",
    metrics: { wallMs: synth.wallMs, cpuMs: synth.cpuMs, maxRssMb: synth.maxRssMb },
    notes: `median of ${RUNS} runs of tsx + main's synth in a fresh process`,
  };
}

/** Why provider resources are imported from their own modules. */
export async function benchProviderImport(): Promise<BenchResult> {
  const root = runProbe("probe-import.ts", ["root"], 3);
  const perResource = runProbe("probe-import.ts", ["per-resource"], 3);
  return {
    name: "@cdktf/provider-aws import: package root vs per-resource modules",
    metrics: {
      rootCpuMs: root.cpuMs,
      rootMaxRssMb: root.maxRssMb,
      perResourceCpuMs: perResource.cpuMs,
      perResourceMaxRssMb: perResource.maxRssMb,
    },
    notes: `root costs ${(root.cpuMs / perResource.cpuMs).toFixed(1)}x the CPU and ${(root.maxRssMb / perResource.maxRssMb).toFixed(1)}x the memory`,
  };
}
