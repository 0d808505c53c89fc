import { runCommand } from "../../lib/cli";
import type { Confirm } from "../../lib/release/confirm";
import type { ReleaseDeps } from "../../lib/release/deps";
import { startReleaseWorld, type ReleaseWorld, type ReleaseWorldOptions } from "./release-world";

/** Real time, but waits capped at 10 ms: the emulators' asynchronous work takes about 20 ms. */
export const quickClock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 10))) };

export const TEST_COMMIT = "3f9c2a1d0b7e";

export type CommandDeps = ReleaseDeps & { confirm: Confirm };

export function releaseDeps(world: ReleaseWorld, extra: Partial<CommandDeps> = {}): CommandDeps {
  return {
    lambda: world.lambda,
    smapi: world.smapi,
    config: world.config,
    output: world.output,
    clock: quickClock,
    resolveCommit: async () => TEST_COMMIT,
    confirm: async () => true,
    ...extra,
  };
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
export async function within(options: ReleaseWorldOptions, test: (world: ReleaseWorld) => Promise<void>): Promise<void> {
  const world = await startReleaseWorld(options);
  try {
    await test(world);
    world.smapiEmu.assertNoSpecViolations();
  } finally {
    await world.close();
  }
}
