/**
 * flip against the two emulators (loopback only) with 100 ms added to every
 * call, the emulators' own asynchronous work (manifest update, simulation)
 * near zero, so the time is the calls'. Every call is timed from the client
 * side; the sequential chain is the number of "waves": a wave is a set of
 * calls in flight together, and a new wave starts only when a call starts
 * after every earlier one has ended. With independent reads in parallel the
 * wall time should be close to chain x latency.
 */
import { performance } from "node:perf_hooks";
import { LambdaClient } from "@aws-sdk/client-lambda";
import type { runtime } from "ask-smapi-model";
import { systemClock } from "../lib/clock";
import { flip } from "../lib/release/commands/flip";
import { ResilientApiClient } from "../lib/smapi/api-client";
import { createSmapiClient } from "../lib/smapi/client";
import { startReleaseWorld } from "../lib/emulators/release-world";
import type { BenchResult } from "./measure";

const LATENCY_MS = 100;

interface Span {
  name: string;
  start: number;
  end: number;
}

export async function benchFlip(): Promise<BenchResult> {
  const world = await startReleaseWorld({
    live: "blue",
    latencyMs: LATENCY_MS,
    smapi: { timings: { manifestUpdateMs: 0, modelBuildMs: 0, validationMs: 0, publicationMs: 0, rollbackMs: 0, simulationMs: 0 } },
  });
  const spans: Span[] = [];
  try {
    // Our own client, so that the Lambda calls Alexa makes during the simulation are not counted as flip's.
    const lambda = new LambdaClient({ region: world.lambdaEmu.region, endpoint: world.lambdaEmu.url, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    lambda.middlewareStack.add(
      (next, context) => async (args) => {
        const start = performance.now();
        try {
          return await next(args);
        } finally {
          spans.push({ name: `lambda:${context.commandName}`, start, end: performance.now() });
        }
      },
      { step: "finalizeRequest", name: "benchTiming" },
    );
    const inner = new ResilientApiClient({ timeoutMs: 10_000 });
    const timed: runtime.ApiClient = {
      invoke: async (request) => {
        const start = performance.now();
        try {
          return await inner.invoke(request);
        } finally {
          spans.push({ name: `smapi:${request.method} ${new URL(request.url).pathname}`, start, end: performance.now() });
        }
      },
    };
    const smapi = createSmapiClient({
      credentials: { kind: "refresh-token", ...world.smapiEmu.credentials },
      endpoints: { apiEndpoint: world.smapiEmu.url, authEndpoint: world.smapiEmu.url },
      apiClient: timed,
    });
    // The default polling starts at 1 s; the bench asks how the calls chain, so it polls as soon as it may.
    const clock = { now: systemClock.now, sleep: (ms: number) => systemClock.sleep(Math.min(ms, 50)) };
    const started = performance.now();
    await flip({ to: "candidate", yes: true }, { lambda, smapi, config: world.config, output: quiet(), clock, confirm: async () => true });
    const wallMs = Math.round(performance.now() - started);
    const chain = waves(spans);
    // Requests that reached the wire: concurrent token requests are shared, so count SMAPI's from the emulator's log.
    const calls = spans.filter((span) => span.name.startsWith("lambda:")).length + world.smapiEmu.calls.length;
    const sleeps = Math.max(0, wallMs - chain * LATENCY_MS);
    return {
      name: "flip (blue live; green moved, development pointed, simulated)",
      metrics: {
        latencyPerCallMs: LATENCY_MS,
        wallMs,
        calls,
        sequentialChain: chain,
        chainTimesLatencyMs: chain * LATENCY_MS,
        allCallsInARowMs: calls * LATENCY_MS,
      },
      notes:
        `${calls} calls (Lambda and SMAPI, one LWA token) in ${chain} sequential waves: ${wallMs} ms against ${chain * LATENCY_MS} ms for the chain ` +
        `and ${calls * LATENCY_MS} ms if every call waited for the one before; the rest (~${sleeps} ms) is polling and the emulators' own work.`,
    };
  } finally {
    await world.close();
  }
}

function waves(spans: readonly Span[]): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let count = 0;
  let waveEnd = -Infinity;
  for (const span of sorted) {
    if (span.start >= waveEnd) {
      count++;
      waveEnd = span.end;
    } else {
      waveEnd = Math.max(waveEnd, span.end);
    }
  }
  return count;
}

function quiet() {
  return { info: () => undefined, warn: () => undefined, progress: () => undefined, json: () => undefined };
}
