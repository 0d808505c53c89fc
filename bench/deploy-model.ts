/**
 * deploy:model of three locales against the SMAPI emulator (loopback only),
 * with 100 ms added to every call and 2 s model builds, next to the same
 * deploy of one locale. The claim it checks: uploads and builds run at the
 * same time, so three locales cost about one build, not three.
 *
 * The real script (`main`, real clock, real ask-smapi-sdk, default polling)
 * does the work; the emulator and the temporary package are removed after.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { smapiEnv, startSmapiEmulator } from "../lib/emulators/smapi/index";
import { main } from "../scripts/deploy-model";

const FIXTURE = path.resolve(__dirname, "../lib/emulators/fixtures/voiceapp311-skill-package");
const BUILD_MS = 2000;
const LATENCY_MS = 100;

interface Measurement {
  totalMs: number;
  smapiCalls: number;
  lwaCalls: number;
  mutatingCalls: number;
  statusPolls: number;
}

export async function benchDeployModel(): Promise<{ name: string; metrics: Record<string, number>; notes: string }> {
  const model = JSON.parse(await readFile(path.join(FIXTURE, "interactionModels/custom/en-US.json"), "utf8")) as ModelFile;
  // The stage holds last week's model: one sample fewer, so every locale has a change to upload.
  const previous = structuredClone(model);
  previous.interactionModel.languageModel.intents[0]?.samples?.pop();

  const one = await measure(["en-US"], model, previous);
  const three = await measure(["en-US", "en-GB", "en-CA"], model, previous);
  return {
    name: "deploy:model, 3 locales",
    metrics: {
      modelBuildMs: BUILD_MS,
      latencyPerCallMs: LATENCY_MS,
      oneLocaleTotalMs: one.totalMs,
      threeLocalesTotalMs: three.totalMs,
      threeLocalesOverOneBuild: round2(three.totalMs / BUILD_MS),
      threeLocalesOverOneLocale: round2(three.totalMs / one.totalMs),
      smapiCalls: three.smapiCalls,
      lwaCalls: three.lwaCalls,
      mutatingCalls: three.mutatingCalls,
      statusPolls: three.statusPolls,
    },
    notes:
      `Three locales took ${three.totalMs} ms against ${BUILD_MS} ms for one build (and ${one.totalMs} ms for a one-locale deploy): ` +
      `the three uploads go out together and one status poll watches all three builds, so the cost is one build plus call latency and ` +
      `polling granularity (backoff from 0.5 s, x1.5), not three builds (>= ${3 * BUILD_MS} ms one after another). ` +
      `${three.smapiCalls} SMAPI calls (${three.mutatingCalls} uploads, ${three.statusPolls} status reads) and ${three.lwaCalls} LWA token call, ${LATENCY_MS} ms each.`,
  };
}

async function measure(locales: readonly string[], model: ModelFile, previous: ModelFile): Promise<Measurement> {
  const emu = await startSmapiEmulator({
    latencyMs: LATENCY_MS,
    timings: { modelBuildMs: BUILD_MS },
    interactionModels: Object.fromEntries(locales.map((l) => [l, previous])),
  });
  const dir = await mkdtemp(path.join(tmpdir(), "bench-deploy-model-"));
  try {
    await cp(path.join(FIXTURE, "skill.json"), path.join(dir, "skill.json"));
    await mkdir(path.join(dir, "interactionModels/custom"), { recursive: true });
    for (const locale of locales) await writeFile(path.join(dir, "interactionModels/custom", `${locale}.json`), JSON.stringify(model));

    let stderr = "";
    const env = smapiEnv(emu);
    const started = performance.now();
    const code = await main(["--skill-package", dir, "--json"], { env, stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } });
    const totalMs = Math.round(performance.now() - started);
    if (code !== 0) throw new Error(`deploy:model exited ${code}:\n${stderr}`);
    emu.assertNoSpecViolations();
    const smapi = emu.calls.filter((c) => c.operation !== "lwaToken");
    return {
      totalMs,
      smapiCalls: smapi.length,
      lwaCalls: emu.calls.length - smapi.length,
      mutatingCalls: smapi.filter((c) => c.mutating).length,
      statusPolls: emu.callsTo("getSkillStatusV1").length,
    };
  } finally {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
}

interface ModelFile {
  interactionModel: { languageModel: { intents: { samples?: string[] }[] } };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
