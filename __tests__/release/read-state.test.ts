import { readReleaseState } from "../../lib/release/read-state";
import { candidateColour, liveColour } from "../../lib/release/model";
import { startReleaseWorld } from "../../lib/emulators/release-world";

describe("readReleaseState", () => {
  it("derives the colours from SMAPI's live manifest, reading everything in parallel", async () => {
    const world = await startReleaseWorld({ live: "green", latencyMs: 100 });
    try {
      const state = await readReleaseState(world);
      expect(liveColour(state)).toBe("green");
      expect(candidateColour(state)).toBe("blue");
      expect(state.development).toEqual({ kind: "latest" });
      expect(state.aliases.blue).toMatchObject({ name: "blue", version: "1" });
      expect(state.names.functionArn).toBe("arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill");
      expect(state.manifests.development.etag).toBeTruthy();
      expect(state.certification).toBeUndefined();
      // Independent reads overlap: every Lambda read started before the first one finished.
      const reads = world.lambdaEmu.calls.entries;
      expect(reads.map((c) => c.operation).sort()).toEqual(["GetAlias", "GetAlias", "GetFunctionConfiguration"]);
      const firstEnd = Math.min(...reads.map((c) => c.at + c.durationMs));
      expect(reads.every((c) => c.at < firstEnd)).toBe(true);
      world.smapiEmu.assertNoSpecViolations();
    } finally {
      await world.close();
    }
  });

  it("recognises a live legacy production-N alias, and a skill never published", async () => {
    const legacy = await startReleaseWorld({ live: "legacy" });
    const unpublished = await startReleaseWorld({ live: "unpublished" });
    try {
      expect((await readReleaseState(legacy)).live).toEqual({ kind: "legacy", alias: "production-3" });
      expect((await readReleaseState(unpublished)).live).toBeUndefined();
    } finally {
      await Promise.all([legacy.close(), unpublished.close()]);
    }
  });

  it("reads a skill never submitted (SMAPI answers 404 for its certifications) as one with no certification", async () => {
    const world = await startReleaseWorld({ live: "unpublished" });
    try {
      world.smapiEmu.faults.failNext("getCertificationsListV1", { status: 404, message: "No certifications." });
      expect((await readReleaseState(world)).certification).toBeUndefined();
    } finally {
      await world.close();
    }
  });

  it("says how to create a function that does not exist", async () => {
    const world = await startReleaseWorld();
    try {
      await expect(readReleaseState({ ...world, config: { ...world.config, function: { ...world.config.function, name: "Missing" } } })).rejects.toThrow(
        /Lambda function Missing does not exist in us-east-1 .*npx cdktf deploy/,
      );
    } finally {
      await world.close();
    }
  });
});
