import { PassThrough } from "node:stream";
import { runCommand } from "../../lib/cli";
import type { Clock } from "../../lib/clock";
import type { ReleaseIO } from "../../lib/release/command-line";
import type { Confirm } from "../../lib/release/confirm";
import type { ReleaseDeps } from "../../lib/release/deps";
import { DryRunPlan } from "../../lib/dry-run";
import { aliasArn, type Colour } from "../../lib/release/model";
import { readReleaseState } from "../../lib/release/read-state";
import { setDevelopmentEndpoint } from "../../lib/release/steps/manifest";
import { fixtureManifest, smapiClient, type JsonObject } from "../../lib/emulators/smapi";
import { withEndpoint } from "../../lib/release/endpoints";
import { startReleaseWorld, type ReleaseWorld, type ReleaseWorldOptions } from "../../lib/emulators/release-world";

/** Real time (unless `now` is given), with every wait cut to at most `capMs`. */
export function cappedClock(capMs: number, now: () => number = () => Date.now()): Clock {
  return { now, sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, capMs))) };
}

/** Real time, but waits capped at 10 ms: the emulators' asynchronous work takes about 20 ms. */
export const quickClock = cappedClock(10);

/** Real time, waits capped at 5 ms: for the SMAPI polls (validations, publications, rollbacks), which need not wait long. */
export const fastClock = cappedClock(5);

export const TEST_COMMIT = "3f9c2a1d0b7e";

export type CommandDeps = ReleaseDeps & { confirm: Confirm };

export function releaseDeps(world: ReleaseWorld, extra: Partial<CommandDeps> = {}): CommandDeps {
  return {
    lambda: world.lambda,
    cloudwatch: world.cloudwatch,
    smapi: world.smapi,
    config: world.config,
    output: world.output,
    clock: quickClock,
    resolveCommit: async () => TEST_COMMIT,
    confirm: async () => true,
    ...extra,
  };
}

/** releaseDeps on the fast clock, for a --dry-run when given a plan: for the SMAPI-side commands and steps. */
export function fastDeps(world: ReleaseWorld, dryRun?: DryRunPlan): CommandDeps {
  return releaseDeps(world, { clock: fastClock, ...(dryRun ? { dryRun } : {}) });
}

/** What flip does on the SMAPI side: points development at a colour's alias (the tests' stand-in for flip). */
export async function pointDevelopmentAt(world: ReleaseWorld, colour: Colour): Promise<void> {
  await setDevelopmentEndpoint(fastDeps(world), { state: await readReleaseState(fastDeps(world)), uri: aliasArn(world.names, colour) });
}

/**
 * Sets the live stage's endpoints out of band, as a release made by hand
 * could have left them: the default one and regional overrides, by region.
 */
export function setLiveEndpoints(world: ReleaseWorld, endpoints: { default: string } & Partial<Record<"NA" | "EU" | "FE", string>>): void {
  const live = world.smapiEmu.state.snapshot("live");
  if (!live) throw new Error("the world's skill was never published");
  const { default: uri, ...regions } = endpoints;
  const manifest = withEndpoint(live.manifest, uri) as JsonObject;
  const custom = (manifest.apis as JsonObject).custom as JsonObject;
  if (Object.keys(regions).length > 0) custom.regions = Object.fromEntries(Object.entries(regions).map(([region, u]) => [region, { endpoint: { uri: u } }]));
  world.smapiEmu.state.setStage("live", { ...live, manifest });
}

/**
 * Another operator, with a SMAPI client of their own, points development at
 * `uri` (with `etag`, if given) just before our next `before` call is
 * handled; `settleMs` gives Amazon time to apply theirs first.
 */
export function otherOperatorPointsDevelopmentAt(world: ReleaseWorld, uri: string, options: { before: string; etag?: string; settleMs?: number }): void {
  const other = smapiClient(world.smapiEmu, { refreshToken: world.smapiEmu.lwa.issueRefreshToken() });
  world.smapiEmu.faults.beforeNext(options.before, async () => {
    await other.updateSkillManifestV1(world.config.skill.id, "development", fixtureManifest(uri), options.etag);
    if (options.settleMs !== undefined) await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  });
}

/** Runs a command as its script does: the exit code, what it said on stderr, and its result. */
export async function runRelease<R>(name: string, run: () => Promise<R>): Promise<{ code: number; stderr: string; result: R | undefined }> {
  let stderr = "";
  let result: R | undefined;
  const code = await runCommand(name, { env: {}, stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } }, async () => {
    result = await run();
  });
  return { code, stderr, result };
}

/** A fresh world for one test, checked against the SMAPI spec and closed afterwards. */
export async function within<T = void>(options: ReleaseWorldOptions, test: (world: ReleaseWorld) => Promise<T>): Promise<T> {
  const world = await startReleaseWorld(options);
  try {
    const result = await test(world);
    world.smapiEmu.assertNoSpecViolations();
    return result;
  } finally {
    await world.close();
  }
}

/**
 * A fresh world for each test of the describe block it is called in, checked
 * against the SMAPI spec and closed afterwards; `use` receives it. The
 * function returned replaces it by one with other options, mid-test.
 */
export function worldForEachTest(defaults: ReleaseWorldOptions, use: (world: ReleaseWorld) => void): (options?: ReleaseWorldOptions) => Promise<void> {
  let world: ReleaseWorld | undefined;
  const start = async (options: ReleaseWorldOptions = {}): Promise<void> => {
    await world?.close();
    world = await startReleaseWorld({ ...defaults, ...options });
    use(world);
  };
  beforeEach(() => start());
  afterEach(async () => {
    world?.smapiEmu.assertNoSpecViolations();
    await world?.close();
  });
  return start;
}

/** The mutating calls made in both emulators since the last `mark()`. */
export function mutationTracker(world: () => ReleaseWorld): { mark: () => void; mutationsSinceMark: () => string[] } {
  let marks = { smapi: 0, lambda: 0 };
  return {
    mark: () => void (marks = { smapi: world().smapiEmu.calls.length, lambda: world().lambdaEmu.calls.entries.length }),
    mutationsSinceMark: () => [
      ...world().smapiEmu.calls.slice(marks.smapi).filter((c) => c.mutating).map((c) => c.operation),
      ...world().lambdaEmu.calls.entries.slice(marks.lambda).filter((c) => c.mutating).map((c) => c.operation),
    ],
  };
}

export { failure } from "./failure";

/** A stream that keeps what is written to it. */
export function capture() {
  let text = "";
  return { write: (chunk: string) => ((text += chunk), true), text: () => text };
}

/**
 * Runs a script's main against the world as `npm run` would: the AWS SDK reads
 * its endpoint and credentials from the process environment itself, and
 * standard input is not a terminal.
 */
export async function runScript(world: ReleaseWorld, main: (argv: string[], io: ReleaseIO) => Promise<number>, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  const saved = { ...process.env };
  Object.assign(process.env, world.env);
  const code = await main(argv, { env: process.env, stdout, stderr, stdin }).finally(() => {
    process.env = saved;
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
