import { DryRunPlan } from "../../lib/dry-run";
import { ConcurrentChange, ExitCode, OperationFailed } from "../../lib/errors";
import { aliasArn } from "../../lib/release/model";
import { readDevelopmentManifest, setDevelopmentEndpoint, type SetEndpointInput } from "../../lib/release/steps/manifest";
import { readSettledDevelopmentManifest, readStageManifest } from "../../lib/smapi/manifest";
import { DEFAULT_FUNCTION_ARN, fixtureManifest, smapiClient, type JsonObject } from "../../lib/emulators/smapi";
import { FUNCTION_NAME, type ReleaseWorld, type ReleaseWorldOptions } from "../../lib/emulators/release-world";
import { fakeClock } from "../helpers/fake-clock";
import { failure, releaseDeps, within, type CommandDeps } from "../helpers/release-run";

/**
 * The development-endpoint move that flip, `flip --to latest`, finish and their undo share
 * (lib/release/steps/manifest.ts), and the manifest reads under it (lib/smapi/manifest.ts):
 * our update is sent only with the ETag it was read with, a conflict is settled by reading
 * (our own earlier attempt is success, anybody else's change is exit 4 and never overwritten:
 * invariant 7), an endpoint Amazon refuses for a missing Alexa permission is named as such
 * (invariant 4), and a stale read is read again, a bounded number of times.
 *
 * The emulator runs on the test's fake clock: Amazon applies an update once the step's own
 * waits have moved the clock on, so every wait is counted and none is real.
 */
type Clock = ReturnType<typeof fakeClock>;

function inWorld(options: ReleaseWorldOptions, test: (world: ReleaseWorld, deps: CommandDeps, clock: Clock) => Promise<void>): Promise<void> {
  const clock = fakeClock();
  return within({ ...options, smapi: { ...options.smapi, now: clock.now } }, (world) => test(world, releaseDeps(world, { clock }), clock));
}

/** The state the step starts from: the development manifest as read now, with its ETag. */
async function readState(deps: CommandDeps): Promise<SetEndpointInput["state"]> {
  return { manifests: { development: await readDevelopmentManifest(deps) } };
}

/** Another operator's SMAPI client (their own login). */
function otherOperator(world: ReleaseWorld) {
  return smapiClient(world.smapiEmu, { refreshToken: world.smapiEmu.lwa.issueRefreshToken() });
}

const updates = (world: ReleaseWorld) => world.smapiEmu.callsTo("updateSkillManifestV1").map((c) => c.status);

/** Runs `hook` before the `n`th next call of `operation` (1: the next one). */
function beforeCall(world: ReleaseWorld, operation: string, n: number, hook: () => Promise<void> | void): void {
  let seen = 0;
  const stop = world.smapiEmu.faults.before(operation, async () => {
    seen += 1;
    if (seen < n) return;
    stop();
    await hook();
  });
}

/** Another operator points development at `uri` (sent with `etag`); `applied`: Amazon applies it before we go on. */
async function otherUpdate(world: ReleaseWorld, uri: string, etag: string | undefined, applied: boolean): Promise<void> {
  await otherOperator(world).updateSkillManifestV1(world.config.skill.id, "development", fixtureManifest(uri) as never, etag);
  if (applied) await world.smapiEmu.settle();
}

/** A development manifest with the given default endpoint (none if undefined) and regional overrides. */
function manifestWith(uri: string | undefined, regions: Partial<Record<"NA" | "EU" | "FE", string>> = {}): JsonObject {
  const envelope = fixtureManifest("placeholder");
  const custom = ((envelope.manifest as JsonObject).apis as JsonObject).custom as JsonObject;
  if (uri === undefined) delete custom.endpoint;
  else custom.endpoint = { uri };
  if (Object.keys(regions).length > 0) custom.regions = Object.fromEntries(Object.entries(regions).map(([region, u]) => [region, { endpoint: { uri: u } }]));
  return envelope;
}

/** Replaces the development manifest out of band, as an edit in the developer console would. */
function setDevelopmentManifest(world: ReleaseWorld, envelope: JsonObject): void {
  const dev = world.smapiEmu.state.snapshot("development")!;
  world.smapiEmu.state.setStage("development", { ...dev, manifest: envelope.manifest as JsonObject });
}

describe("setDevelopmentEndpoint: what counts as already there, and what it returns to undo the move", () => {
  it("sends nothing, not even a status read, when every endpoint, regional overrides included, already is the target", () =>
    inWorld({ smapi: { manifest: manifestWith(`${DEFAULT_FUNCTION_ARN}:blue`, { EU: `${DEFAULT_FUNCTION_ARN}:blue` }) } }, async (world, deps) => {
      const blue = aliasArn(world.names, "blue");
      const state = await readState(deps);
      world.smapiEmu.calls.length = 0;
      const result = await setDevelopmentEndpoint(deps, { state, uri: blue });
      expect(result).toEqual({ outcome: "unchanged", uri: blue, previous: [expect.objectContaining({ uri: blue }), expect.objectContaining({ uri: blue })], previousUri: blue, development: state.manifests.development, warnings: [] });
      expect(world.smapiEmu.calls).toEqual([]);
    }));

  it("moves a regional override left elsewhere even when the default endpoint is already the target", () =>
    inWorld({}, async (world, deps) => {
      const blue = aliasArn(world.names, "blue");
      const green = aliasArn(world.names, "green");
      setDevelopmentManifest(world, manifestWith(blue, { EU: green }));
      const result = await setDevelopmentEndpoint(deps, { state: await readState(deps), uri: blue });
      expect(result).toMatchObject({ outcome: "updated", previousUri: blue });
      expect(world.smapiEmu.endpoints("development")).toEqual([blue, blue]);
    }));

  it("a manifest without any endpoint is not already there: the endpoint is written, and there is no previous one to restore", () =>
    inWorld({ smapi: { manifest: manifestWith(undefined) } }, async (world, deps) => {
      const blue = aliasArn(world.names, "blue");
      const result = await setDevelopmentEndpoint(deps, { state: await readState(deps), uri: blue });
      expect(result).toMatchObject({ outcome: "updated", previous: [], previousUri: undefined });
      expect(world.smapiEmu.endpoints("development")).toEqual([blue]);
    }));

  it("the endpoint to restore is the default one, or the first regional override when there is no default", () =>
    inWorld({}, async (world, deps) => {
      const blue = aliasArn(world.names, "blue");
      const green = aliasArn(world.names, "green");
      setDevelopmentManifest(world, manifestWith(world.names.functionArn, { NA: green }));
      expect((await setDevelopmentEndpoint(deps, { state: await readState(deps), uri: blue })).previousUri).toBe(world.names.functionArn);
      setDevelopmentManifest(world, manifestWith(undefined, { NA: green, EU: world.names.functionArn }));
      expect((await setDevelopmentEndpoint(deps, { state: await readState(deps), uri: blue })).previousUri).toBe(green);
    }));
});


describe("setDevelopmentEndpoint never writes blind", () => {
  it("refuses a manifest it did not read, or one read without an ETag (If-Match is what protects a concurrent change), and sends nothing", () =>
    inWorld({}, async (world, deps) => {
      const blue = aliasArn(world.names, "blue");
      const read = (await readState(deps)).manifests.development;
      world.smapiEmu.calls.length = 0;
      const unread = await failure(setDevelopmentEndpoint(deps, { state: { manifests: { development: { manifest: undefined, etag: read.etag } } }, uri: blue }));
      expect(unread).toBeInstanceOf(OperationFailed);
      const blind = await failure(setDevelopmentEndpoint(deps, { state: { manifests: { development: { manifest: read.manifest, etag: undefined } } }, uri: blue }));
      expect(blind).toBeInstanceOf(OperationFailed);
      expect(blind.message).toMatch(/without an ETag/);
      expect(world.smapiEmu.calls).toEqual([]);
    }));
});

describe("setDevelopmentEndpoint under --dry-run", () => {
  it("lists the update and returns the manifest as read, with no warnings, sending nothing", () =>
    inWorld({}, async (world) => {
      const plan = new DryRunPlan();
      const deps = releaseDeps(world, { clock: fakeClock(), dryRun: plan });
      const state = await readState(deps);
      world.smapiEmu.calls.length = 0;
      const blue = aliasArn(world.names, "blue");
      const result = await setDevelopmentEndpoint(deps, { state, uri: blue });
      expect(result).toEqual({ outcome: "planned", uri: blue, previous: [{ path: "apis.custom.endpoint.uri", uri: world.names.functionArn }], previousUri: world.names.functionArn, development: state.manifests.development, warnings: [] });
      expect(plan.calls).toHaveLength(1);
      expect(world.smapiEmu.calls).toEqual([]);
    }));
});

describe("setDevelopmentEndpoint: an update SMAPI accepted is waited for, and its outcome is Amazon's", () => {
  it("waits for the update to be applied and returns the manifest as it now stands, with Amazon's warnings", () =>
    inWorld({}, async (world, deps, clock) => {
      const blue = aliasArn(world.names, "blue");
      const state = await readState(deps);
      // The second status read after the update (the first is before it) reports it applied, with a warning.
      beforeCall(world, "getSkillStatusV1", 3, () => {
        const eTag = world.smapiEmu.manifestETag("development");
        world.smapiEmu.faults.failNext("getSkillStatusV1", { status: 200, body: { manifest: { lastUpdateRequest: { status: "SUCCEEDED", warnings: [{ message: "The privacy URL redirects." }] }, eTag } } });
      });
      const result = await setDevelopmentEndpoint(deps, { state, uri: blue });
      expect(result).toMatchObject({ outcome: "updated", uri: blue, previousUri: world.names.functionArn, warnings: [{ message: "The privacy URL redirects." }] });
      expect(result.development).toEqual({ manifest: { manifest: world.smapiEmu.manifest("development") }, etag: world.smapiEmu.manifestETag("development") });
      expect(result.development.etag).not.toBe(state.manifests.development.etag);
      expect(world.smapiEmu.endpoints("development")).toEqual([blue]);
      expect(clock.sleeps).toEqual([500]);
      expect(updates(world)).toEqual([202]);
    }));

  it("a failed update is a failure quoting Amazon, and only a trigger error is named a missing Alexa permission (invariant 4)", () =>
    inWorld({}, async (world, deps) => {
      const blue = aliasArn(world.names, "blue");
      beforeCall(world, "getSkillStatusV1", 3, () => {
        world.smapiEmu.faults.failNext("getSkillStatusV1", { status: 200, body: { manifest: { lastUpdateRequest: { status: "FAILED", errors: [{ message: "The privacy policy URL is not reachable." }] } } } });
      });
      const other = await failure(setDevelopmentEndpoint(deps, { state: await readState(deps), uri: blue }));
      expect(other.exitCode).toBe(ExitCode.Failed);
      expect(other.message).toContain("The privacy policy URL is not reachable.");
      expect(other.message).not.toContain("cdktf deploy");

      // A trigger error among others is still the missing permission.
      await world.smapiEmu.settle();
      beforeCall(world, "getSkillStatusV1", 3, () => {
        const errors = [{ message: "The privacy policy URL is not reachable." }, { message: `The trigger setting for the Lambda ${world.names.functionArn} is invalid.` }];
        world.smapiEmu.faults.failNext("getSkillStatusV1", { status: 200, body: { manifest: { lastUpdateRequest: { status: "FAILED", errors } } } });
      });
      const among = await failure(setDevelopmentEndpoint(deps, { state: await readState(deps), uri: world.names.functionArn }));
      expect(among.message).toContain("lacks the Alexa Skills Kit invoke permission");

      await world.smapiEmu.settle();
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "green", "AlexaSkillsKit-green");
      const green = aliasArn(world.names, "green");
      const trigger = await failure(setDevelopmentEndpoint(deps, { state: await readState(deps), uri: green }));
      expect(trigger.exitCode).toBe(ExitCode.Failed);
      expect(trigger.message).toContain("lacks the Alexa Skills Kit invoke permission");
      expect(world.smapiEmu.endpoints("development")).not.toContain(green);
    }));

  it("SMAPI's immediate refusal (400) is named a missing permission only when Amazon says the trigger is invalid; a review lock is a refusal (3)", () =>
    inWorld({ smapi: { endpointCheck: "immediate" } }, async (world, deps) => {
      const green = aliasArn(world.names, "green");
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "green", "AlexaSkillsKit-green");
      const trigger = await failure(setDevelopmentEndpoint(deps, { state: await readState(deps), uri: green }));
      expect(trigger.exitCode).toBe(ExitCode.Failed);
      expect(trigger.message).toContain("lacks the Alexa Skills Kit invoke permission");

      // The trigger message as the error's own message, without violations.
      world.smapiEmu.faults.failNext("updateSkillManifestV1", { status: 400, message: `The trigger setting for the Lambda ${green} is invalid.` });
      expect((await failure(setDevelopmentEndpoint(deps, { state: await readState(deps), uri: green }))).message).toContain("lacks the Alexa Skills Kit invoke permission");

      world.smapiEmu.faults.failNext("updateSkillManifestV1", { status: 400, body: { message: "Skill manifest is not valid.", violations: [{ message: "The privacy policy URL is not valid." }, { code: "NO_MESSAGE" }] } });
      const invalid = await failure(setDevelopmentEndpoint(deps, { state: await readState(deps), uri: green }));
      expect(invalid.exitCode).toBe(ExitCode.Failed);
      expect(invalid.message).toContain("The privacy policy URL is not valid.");
      expect(invalid.message).not.toContain("invoke permission");
      expect(invalid.message).toContain("updating the development manifest");

      world.smapiEmu.faults.failNext("updateSkillManifestV1", { status: 403, message: "The skill is in certification review and is locked." });
      expect((await failure(setDevelopmentEndpoint(deps, { state: await readState(deps), uri: green }))).exitCode).toBe(ExitCode.Refused);
      expect(world.smapiEmu.endpoints("development")).toEqual([world.names.functionArn]);
    }));

  it("somebody else's change right after ours was applied is a concurrent change (4), and theirs is kept", () =>
    inWorld({}, async (world, deps) => {
      const green = aliasArn(world.names, "green");
      const state = await readState(deps);
      beforeCall(world, "getSkillManifestV1", 1, () => otherUpdate(world, green, world.smapiEmu.manifestETag("development"), true));
      const error = await failure(setDevelopmentEndpoint(deps, { state, uri: aliasArn(world.names, "blue") }));
      expect(error).toBeInstanceOf(ConcurrentChange);
      expect(world.smapiEmu.endpoints("development")).toEqual([green]);
      expect(updates(world)).toEqual([202, 202]);
    }));

  it("gives up waiting after 5 minutes by default (the caller's limit otherwise), saying the update was accepted and where development points", () =>
    inWorld({ smapi: { timings: { manifestUpdateMs: 3_600_000 } } }, async (world, deps, clock) => {
      const blue = aliasArn(world.names, "blue");
      const error = await failure(setDevelopmentEndpoint(deps, { state: await readState(deps), uri: blue }));
      expect(error).toBeInstanceOf(OperationFailed);
      expect(error.message).toMatch(new RegExp(`^SMAPI accepted the development manifest update, so the development endpoint now points at ${blue}.*after 300 s`));
      expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(300_000);

      await world.smapiEmu.settle();
      const at = clock.now();
      const limited = await failure(setDevelopmentEndpoint(deps, { state: await readState(deps), uri: aliasArn(world.names, "green"), timeoutMs: 10_000 }));
      expect(limited.message).toMatch(/after 10 s/);
      expect(clock.now() - at).toBe(10_000);
    }));
});

describe("setDevelopmentEndpoint reads through a stale manifest a bounded number of times", () => {
  it("reads again, pausing 0.5 s then twice as long, until the manifest carries a new ETag", () =>
    inWorld({ smapi: { consistency: { staleManifestReads: 4 } } }, async (world, deps, clock) => {
      const blue = aliasArn(world.names, "blue");
      const result = await setDevelopmentEndpoint(deps, { state: await readState(deps), uri: blue });
      expect(result).toMatchObject({ outcome: "updated" });
      expect(result.development.etag).toBe(world.smapiEmu.manifestETag("development"));
      // The status wait, then four stale reads.
      expect(clock.sleeps).toEqual([500, 500, 1000, 2000, 4000]);
    }));

  it("a stale read is read again even when somebody else's later update failed: our applied update is not taken for their change", () =>
    inWorld({ smapi: { consistency: { staleManifestReads: 2 } } }, async (world, deps) => {
      const blue = aliasArn(world.names, "blue");
      const green = aliasArn(world.names, "green");
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "green", "AlexaSkillsKit-green");
      const state = await readState(deps);
      // Once ours is applied, somebody else's update of the new manifest starts and fails.
      beforeCall(world, "getSkillManifestV1", 1, async () => {
        await world.smapiEmu.settle();
        await otherUpdate(world, green, world.smapiEmu.manifestETag("development"), true);
      });
      const result = await setDevelopmentEndpoint(deps, { state, uri: blue });
      expect(result.outcome).toBe("updated");
      expect(world.smapiEmu.endpoints("development")).toEqual([blue]);
    }));

  it("after five stale reads in a row it stops with a failure (exit 1) that says the update was accepted, never calling it somebody else's change", () =>
    inWorld({ smapi: { consistency: { staleManifestReads: 5 } } }, async (world, deps, clock) => {
      const blue = aliasArn(world.names, "blue");
      const error = await failure(setDevelopmentEndpoint(deps, { state: await readState(deps), uri: blue }));
      expect(error).toBeInstanceOf(OperationFailed);
      expect(error.message).toMatch(/^SMAPI accepted the development manifest update.*5 reads in a row still returned it as it was before/);
      expect(clock.sleeps).toEqual([500, 500, 1000, 2000, 4000]);
      expect(world.smapiEmu.callsTo("getSkillManifestV1").length).toBe(1 + 5);
    }));
});

describe("setDevelopmentEndpoint settles a conflict by reading, never by overwriting (invariant 7)", () => {
  it("a 412 after our own earlier attempt landed (the HTTP layer repeated the PUT) is success", () =>
    inWorld({}, async (world, deps) => {
      const blue = aliasArn(world.names, "blue");
      const state = await readState(deps);
      beforeCall(world, "updateSkillManifestV1", 1, () => otherUpdate(world, blue, state.manifests.development.etag, true));
      const result = await setDevelopmentEndpoint(deps, { state, uri: blue });
      expect(result).toMatchObject({ outcome: "updated", warnings: [] });
      expect(result.development.etag).toBe(world.smapiEmu.manifestETag("development"));
      expect(updates(world)).toEqual([202, 412]);
    }));

  it("a 409 while our own earlier attempt is being applied is success once Amazon has applied it", () =>
    inWorld({}, async (world, deps, clock) => {
      const blue = aliasArn(world.names, "blue");
      const state = await readState(deps);
      beforeCall(world, "updateSkillManifestV1", 1, () => otherUpdate(world, blue, state.manifests.development.etag, false));
      const result = await setDevelopmentEndpoint(deps, { state, uri: blue });
      expect(result).toMatchObject({ outcome: "updated", uri: blue });
      expect(result.development.etag).toBe(world.smapiEmu.manifestETag("development"));
      expect(updates(world)).toEqual([202, 409]);
      // The read was sent to the status (303) and waited for it.
      expect(world.smapiEmu.callsTo("getSkillManifestV1").map((c) => c.status)).toEqual([200, 303, 200]);
      expect(clock.sleeps).toEqual([500]);
    }));

  it("a 409 while our own earlier attempt is applied is success even while the status still reports the update before it", () =>
    inWorld({ smapi: { consistency: { manifestStatusLagReads: 3 } } }, async (world, deps) => {
      const blue = aliasArn(world.names, "blue");
      const state = await readState(deps);
      beforeCall(world, "updateSkillManifestV1", 1, () => otherUpdate(world, blue, state.manifests.development.etag, false));
      const result = await setDevelopmentEndpoint(deps, { state, uri: blue });
      expect(result.outcome).toBe("updated");
      expect(world.smapiEmu.endpoints("development")).toEqual([blue]);
    }));

  it("a 409 while an update never finishes ends at the caller's time limit", () =>
    inWorld({ smapi: { timings: { manifestUpdateMs: 3_600_000 } } }, async (world, deps, clock) => {
      const state = await readState(deps);
      beforeCall(world, "updateSkillManifestV1", 1, () => otherUpdate(world, aliasArn(world.names, "green"), state.manifests.development.etag, false));
      const at = clock.now();
      const error = await failure(setDevelopmentEndpoint(deps, { state, uri: aliasArn(world.names, "blue"), timeoutMs: 20_000 }));
      expect(error).toBeInstanceOf(OperationFailed);
      expect(clock.now() - at).toBe(20_000);
    }));

  it("a 412 or a 409 from somebody else's update is a concurrent change (4), and theirs is kept", () =>
    inWorld({}, async (world, deps) => {
      const blue = aliasArn(world.names, "blue");
      const green = aliasArn(world.names, "green");
      let state = await readState(deps);
      beforeCall(world, "updateSkillManifestV1", 1, () => otherUpdate(world, green, state.manifests.development.etag, true));
      const stale = await failure(setDevelopmentEndpoint(deps, { state, uri: blue }));
      expect(stale).toBeInstanceOf(ConcurrentChange);
      expect(stale.message).toMatch(/412/);
      expect(world.smapiEmu.endpoints("development")).toEqual([green]);

      state = await readState(deps);
      beforeCall(world, "updateSkillManifestV1", 1, () => otherUpdate(world, world.names.functionArn, state.manifests.development.etag, false));
      const busy = await failure(setDevelopmentEndpoint(deps, { state, uri: blue }));
      expect(busy).toBeInstanceOf(ConcurrentChange);
      expect(busy.message).toMatch(/409/);
      expect(world.smapiEmu.endpoints("development")).toEqual([world.names.functionArn]);
    }));

  it("somebody else's manifest with the default endpoint at the target but a regional override elsewhere is their change (4), not ours landed", () =>
    inWorld({}, async (world, deps) => {
      const blue = aliasArn(world.names, "blue");
      const green = aliasArn(world.names, "green");
      const state = await readState(deps);
      beforeCall(world, "updateSkillManifestV1", 1, async () => {
        await otherOperator(world).updateSkillManifestV1(world.config.skill.id, "development", manifestWith(blue, { EU: green }) as never, state.manifests.development.etag);
        await world.smapiEmu.settle();
      });
      const error = await failure(setDevelopmentEndpoint(deps, { state, uri: blue }));
      expect(error).toBeInstanceOf(ConcurrentChange);
      expect(world.smapiEmu.endpoints("development")).toEqual([blue, green]);
    }));

  it("after a 412 the manifest changed: a stale read is read again even when a later update of somebody else failed", () =>
    inWorld({ smapi: { consistency: { staleManifestReads: 1 } } }, async (world, deps) => {
      const blue = aliasArn(world.names, "blue");
      const green = aliasArn(world.names, "green");
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "green", "AlexaSkillsKit-green");
      const state = await readState(deps);
      // Our earlier attempt lands; then somebody else's update of the new manifest fails.
      beforeCall(world, "updateSkillManifestV1", 1, async () => {
        await otherUpdate(world, blue, state.manifests.development.etag, true);
        await otherUpdate(world, green, world.smapiEmu.manifestETag("development"), true);
      });
      const result = await setDevelopmentEndpoint(deps, { state, uri: blue });
      expect(result.outcome).toBe("updated");
      expect(updates(world)).toEqual([202, 202, 412]);
    }));

  it("a manifest somebody else left without any endpoint is their change (4), not ours landed", () =>
    inWorld({}, async (world, deps) => {
      const state = await readState(deps);
      beforeCall(world, "updateSkillManifestV1", 1, async () => {
        await otherOperator(world).updateSkillManifestV1(world.config.skill.id, "development", manifestWith(undefined) as never, state.manifests.development.etag);
        await world.smapiEmu.settle();
      });
      const error = await failure(setDevelopmentEndpoint(deps, { state, uri: aliasArn(world.names, "blue") }));
      expect(error).toBeInstanceOf(ConcurrentChange);
      expect(world.smapiEmu.endpoints("development")).toEqual([]);
    }));

  it("after a 409 whose update succeeded, a stale read is still read again, not taken for the outcome", () =>
    inWorld({ smapi: { consistency: { staleManifestReads: 1 } } }, async (world, deps, clock) => {
      const blue = aliasArn(world.names, "blue");
      const state = await readState(deps);
      beforeCall(world, "updateSkillManifestV1", 1, () => otherUpdate(world, blue, state.manifests.development.etag, false));
      const result = await setDevelopmentEndpoint(deps, { state, uri: blue });
      expect(result.outcome).toBe("updated");
      expect(result.development.etag).toBe(world.smapiEmu.manifestETag("development"));
      expect(clock.sleeps).toEqual([500, 500]);
    }));

  it("a 409 while somebody else's update is applied, which Amazon then refuses, is a concurrent change (4), not a stale read", () =>
    inWorld({}, async (world, deps, clock) => {
      const green = aliasArn(world.names, "green");
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "green", "AlexaSkillsKit-green");
      const state = await readState(deps);
      beforeCall(world, "updateSkillManifestV1", 1, () => otherUpdate(world, green, state.manifests.development.etag, false));
      const error = await failure(setDevelopmentEndpoint(deps, { state, uri: aliasArn(world.names, "blue") }));
      expect(error).toBeInstanceOf(ConcurrentChange);
      expect(error.message).toMatch(/409/);
      expect(world.smapiEmu.endpoints("development")).toEqual([world.names.functionArn]);
      // The failed update left the manifest, and its ETag, as read: one read after it, not five.
      expect(clock.sleeps).toEqual([500]);
    }));

  it("a 409 while our own earlier attempt is applied, which Amazon then refuses for a missing Alexa permission (among other errors), says so (invariant 4)", () =>
    inWorld({}, async (world, deps) => {
      const green = aliasArn(world.names, "green");
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "green", "AlexaSkillsKit-green");
      const state = await readState(deps);
      beforeCall(world, "updateSkillManifestV1", 1, () => otherUpdate(world, green, state.manifests.development.etag, false));
      // The status read after the 409 (the first is before our update) reports that update failed, with another error first.
      beforeCall(world, "getSkillStatusV1", 2, async () => {
        await world.smapiEmu.settle();
        const errors = [{ message: "The privacy policy URL is not reachable." }, { message: `The trigger setting for the Lambda ${green} is invalid.` }];
        world.smapiEmu.faults.failNext("getSkillStatusV1", { status: 200, body: { manifest: { lastUpdateRequest: { status: "FAILED", errors } } } });
      });
      const error = await failure(setDevelopmentEndpoint(deps, { state, uri: green }));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(error.message).toContain("lacks the Alexa Skills Kit invoke permission");
      expect(world.smapiEmu.endpoints("development")).toEqual([world.names.functionArn]);
    }));

  it("the same when Amazon had already refused that update before the manifest was read again, and the status still lags", () =>
    inWorld({ smapi: { consistency: { manifestStatusLagReads: 5 } } }, async (world, deps) => {
      const green = aliasArn(world.names, "green");
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "green", "AlexaSkillsKit-green");
      let state = await readState(deps);
      beforeCall(world, "updateSkillManifestV1", 1, () => otherUpdate(world, green, state.manifests.development.etag, false));
      beforeCall(world, "getSkillManifestV1", 1, () => world.smapiEmu.settle());
      const ours = await failure(setDevelopmentEndpoint(deps, { state, uri: green }));
      expect(ours.message).toContain("lacks the Alexa Skills Kit invoke permission");

      state = await readState(deps);
      beforeCall(world, "updateSkillManifestV1", 1, () => otherUpdate(world, green, state.manifests.development.etag, false));
      beforeCall(world, "getSkillManifestV1", 1, () => world.smapiEmu.settle());
      const theirs = await failure(setDevelopmentEndpoint(deps, { state, uri: aliasArn(world.names, "blue") }));
      expect(theirs).toBeInstanceOf(ConcurrentChange);
      expect(world.smapiEmu.endpoints("development")).toEqual([world.names.functionArn]);
    }));
});

describe("lib/smapi/manifest.ts: a manifest read is the stage's current one, or a failure", () => {
  it("a stage that does not exist (live before the first publication, certified after one) reads as none; a missing development stage or another failure is an error", () =>
    inWorld({}, async (world) => {
      const skillId = world.config.skill.id;
      for (const stage of ["live", "certified"] as const) {
        world.smapiEmu.faults.failNext("getSkillManifestV1", { status: 404, message: "No such stage." });
        expect(await readStageManifest(world.smapi, skillId, stage)).toBeUndefined();
      }
      world.smapiEmu.faults.failNext("getSkillManifestV1", { status: 404, message: "No such stage." });
      await expect(readStageManifest(world.smapi, skillId, "development")).rejects.toMatchObject({ statusCode: 404 });
      world.smapiEmu.faults.failNext("getSkillManifestV1", { status: 403, message: "Access denied." });
      await expect(readStageManifest(world.smapi, skillId, "live")).rejects.toMatchObject({ statusCode: 403 });
      expect(await readStageManifest(world.smapi, skillId, "development")).toEqual({ manifest: { manifest: world.smapiEmu.manifest("development") }, etag: world.smapiEmu.manifestETag("development") });
    }));

  it("readDevelopmentManifest explains a failed read with its exit code (403: the account's access, 2)", () =>
    inWorld({}, async (world, deps) => {
      world.smapiEmu.faults.failNext("getSkillManifestV1", { status: 403, message: "Access denied." });
      const error = await failure(readDevelopmentManifest(deps));
      expect(error.exitCode).toBe(ExitCode.Usage);
      expect(error.message).toContain("reading the development manifest");
    }));

  it("a read during an update is sent to the status (303): it waits for the update and reads again, and says which update it waited for", () =>
    inWorld({}, async (world, deps, clock) => {
      const skillId = world.config.skill.id;
      expect(await readSettledDevelopmentManifest(deps, skillId)).toEqual({ manifest: await readStageManifest(world.smapi, skillId, "development") });

      await otherUpdate(world, aliasArn(world.names, "green"), undefined, false);
      const settled = await readSettledDevelopmentManifest(deps, skillId);
      expect(settled).toEqual({ manifest: { manifest: { manifest: world.smapiEmu.manifest("development") }, etag: world.smapiEmu.manifestETag("development") }, update: expect.objectContaining({ status: "SUCCEEDED" }) });
      expect(world.smapiEmu.endpoints("development")).toEqual([aliasArn(world.names, "green")]);
      expect(clock.sleeps).toEqual([500]);
    }));

  it("a second update right after the first is somebody else's: after two 303s it stops with a failure instead of reading for ever", () =>
    inWorld({}, async (world, deps) => {
      await otherUpdate(world, aliasArn(world.names, "green"), undefined, false);
      beforeCall(world, "getSkillManifestV1", 2, async () => {
        await world.smapiEmu.settle();
        await otherUpdate(world, aliasArn(world.names, "blue"), undefined, false);
      });
      const error = await failure(readSettledDevelopmentManifest(deps, world.config.skill.id));
      expect(error).toBeInstanceOf(OperationFailed);
      expect(error.message).toMatch(/kept applying updates/);
      expect(world.smapiEmu.callsTo("getSkillManifestV1").map((c) => c.status)).toEqual([303, 303]);
    }));

  it("explains any other failure of the read (a 403 is exit 2), without waiting", () =>
    inWorld({}, async (world, deps, clock) => {
      world.smapiEmu.faults.failNext("getSkillManifestV1", { status: 403, message: "Access denied." });
      const error = await failure(readSettledDevelopmentManifest(deps, world.config.skill.id));
      expect(error.exitCode).toBe(ExitCode.Usage);
      expect(error.message).toContain("reading the development manifest");
      expect(clock.sleeps).toEqual([]);
    }));

  it("waits for our own update, not the earlier failure a lagging status still reports", () =>
    inWorld({ smapi: { consistency: { manifestStatusLagReads: 3 } } }, async (world, deps) => {
      const green = aliasArn(world.names, "green");
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "green", "AlexaSkillsKit-green");
      expect((await failure(setDevelopmentEndpoint(deps, { state: await readState(deps), uri: green }))).exitCode).toBe(ExitCode.Failed);
      world.lambdaEmu.state.addPermission(FUNCTION_NAME, "green", {
        StatementId: "AlexaSkillsKit-green", Action: "lambda:InvokeFunction", Principal: "alexa-appkit.amazon.com", EventSourceToken: world.config.skill.id,
      });
      const result = await setDevelopmentEndpoint(deps, { state: await readState(deps), uri: green });
      expect(result.outcome).toBe("updated");
      expect(world.smapiEmu.endpoints("development")).toEqual([green]);
    }));
});
