/**
 * The SMAPI-side release steps against the wired emulators, with the real
 * ask-smapi-sdk: moving the development endpoint, Alexa's simulation, the
 * skill validations and the submission.
 */
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { ExitCode } from "../../lib/errors";
import { DryRunPlan } from "../../lib/dry-run";
import { aliasArn } from "../../lib/release/model";
import { readReleaseState } from "../../lib/release/read-state";
import { submitForCertification } from "../../lib/release/steps/certify";
import { setDevelopmentEndpoint } from "../../lib/release/steps/manifest";
import { confirmAlexaReaches } from "../../lib/release/steps/simulate";
import { runSkillValidations } from "../../lib/release/steps/validate-skill";
import { DEFAULT_FUNCTION_ARN, failedValidation, fixtureManifest, type JsonObject } from "../../lib/emulators/smapi";
import { FUNCTION_NAME, type ReleaseWorld } from "../../lib/emulators/release-world";
import { failure, fastDeps as deps, otherOperatorPointsDevelopmentAt, worldForEachTest } from "../helpers/release-run";

/** A development manifest with NA and EU overrides, all on the unqualified function. */
function manifestWithRegions(arn: string): JsonObject {
  const envelope = fixtureManifest(arn);
  const custom = ((envelope.manifest as JsonObject).apis as JsonObject).custom as JsonObject;
  custom.regions = { NA: { endpoint: { uri: arn } }, EU: { endpoint: { uri: arn } } };
  return envelope;
}

describe("SMAPI release steps", () => {
  let world: ReleaseWorld;
  const start = worldForEachTest({ live: "blue" }, (w) => (world = w));

  const smapiMutations = () => world.smapiEmu.calls.filter((c) => c.mutating).map((c) => c.operation);

  describe("setDevelopmentEndpoint", () => {
    it("moves every endpoint, regional overrides included, waits for Amazon, and returns what undoes it", async () => {
      await start({ smapi: { manifest: manifestWithRegions(DEFAULT_FUNCTION_ARN) } });
      expect(world.names.functionArn).toBe(DEFAULT_FUNCTION_ARN);
      const blue = aliasArn(world.names, "blue");
      const state = await readReleaseState(deps(world));
      const result = await setDevelopmentEndpoint(deps(world), { state, uri: blue });
      expect(result).toMatchObject({ outcome: "updated", uri: blue, previousUri: DEFAULT_FUNCTION_ARN });
      expect(result.previous.map((e) => e.path)).toEqual(["apis.custom.endpoint.uri", "apis.custom.regions.NA.endpoint.uri", "apis.custom.regions.EU.endpoint.uri"]);
      expect(world.smapiEmu.endpoints("development")).toEqual([blue, blue, blue]);
      expect(result.development.etag).toBe(world.smapiEmu.manifestETag("development"));
      // Nothing else in the manifest changed.
      const before = manifestWithRegions(DEFAULT_FUNCTION_ARN).manifest as JsonObject;
      expect({ ...world.smapiEmu.manifest("development"), apis: undefined }).toEqual({ ...before, apis: undefined });

      // Again: already there, nothing is sent.
      const again = await setDevelopmentEndpoint(deps(world), { state: await readReleaseState(deps(world)), uri: blue });
      expect(again.outcome).toBe("unchanged");
      expect(world.smapiEmu.callsTo("updateSkillManifestV1")).toHaveLength(1);

      // Undo with what the result returned.
      const undone = await setDevelopmentEndpoint(deps(world), { state: { manifests: { development: result.development } }, uri: result.previousUri! });
      expect(undone.outcome).toBe("updated");
      expect(world.smapiEmu.endpoints("development")).toEqual([DEFAULT_FUNCTION_ARN, DEFAULT_FUNCTION_ARN, DEFAULT_FUNCTION_ARN]);
    });

    it("reports a manifest changed since it was read (stale ETag) as exit 4, and does not overwrite it", async () => {
      const green = aliasArn(world.names, "green");
      const state = await readReleaseState(deps(world));
      // Applied before our PUT is handled.
      otherOperatorPointsDevelopmentAt(world, green, { before: "updateSkillManifestV1", etag: state.manifests.development.etag, settleMs: 40 });
      const error = await failure(setDevelopmentEndpoint(deps(world), { state, uri: aliasArn(world.names, "blue") }));
      expect(error.exitCode).toBe(ExitCode.Conflict);
      expect(error.message).toMatch(/changed since it was read \(412/);
      expect(world.smapiEmu.endpoints("development")).toEqual([green]);
    });

    it("treats a 412 as success when its own earlier attempt had landed", async () => {
      const blue = aliasArn(world.names, "blue");
      const state = await readReleaseState(deps(world));
      // As if the HTTP layer had repeated our PUT after the first one landed.
      otherOperatorPointsDevelopmentAt(world, blue, { before: "updateSkillManifestV1", etag: state.manifests.development.etag, settleMs: 40 });
      const result = await setDevelopmentEndpoint(deps(world), { state, uri: blue });
      expect(result.outcome).toBe("updated");
      expect(result.development.etag).toBe(world.smapiEmu.manifestETag("development"));
      // The earlier attempt (202), then ours, refused as stale (412) and settled by reading.
      expect(world.smapiEmu.callsTo("updateSkillManifestV1").map((c) => c.status)).toEqual([202, 412]);
    });

    it("waits out another update in progress (409) and then reports it as a concurrent change", async () => {
      const green = aliasArn(world.names, "green");
      const state = await readReleaseState(deps(world));
      otherOperatorPointsDevelopmentAt(world, green, { before: "updateSkillManifestV1", etag: state.manifests.development.etag });
      const error = await failure(setDevelopmentEndpoint(deps(world), { state, uri: aliasArn(world.names, "blue") }));
      expect(error.exitCode).toBe(ExitCode.Conflict);
      expect(error.message).toMatch(/409/);
      expect(world.smapiEmu.endpoints("development")).toEqual([green]);
    });

    it("fails (exit 1) naming cdktf deploy when the alias lacks the Alexa permission (the update's status fails)", async () => {
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "green", "AlexaSkillsKit-green");
      const green = aliasArn(world.names, "green");
      const error = await failure(setDevelopmentEndpoint(deps(world), { state: await readReleaseState(deps(world)), uri: green }));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(error.message).toContain(`The trigger setting for the Lambda ${green} is invalid`);
      expect(error.message).toContain("npx cdktf deploy");
      expect(world.smapiEmu.endpoints("development")).toEqual([world.names.functionArn]);
    });

    it("fails the same way when Amazon refuses the endpoint at once (400)", async () => {
      await start({ smapi: { endpointCheck: "immediate" } });
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "blue", "AlexaSkillsKit-blue");
      const error = await failure(setDevelopmentEndpoint(deps(world), { state: await readReleaseState(deps(world)), uri: aliasArn(world.names, "blue") }));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(error.message).toMatch(/trigger setting .* is invalid.*npx cdktf deploy/s);
    });

    it("waits for its own update, not a status left from an earlier one, and reads through a stale manifest", async () => {
      await start({ smapi: { consistency: { manifestStatusLagReads: 3, staleManifestReads: 2 } } });
      const blue = aliasArn(world.names, "blue");
      const result = await setDevelopmentEndpoint(deps(world), { state: await readReleaseState(deps(world)), uri: blue });
      expect(result).toMatchObject({ outcome: "updated", uri: blue });
      expect(result.development.etag).toBe(world.smapiEmu.manifestETag("development"));
      expect(world.smapiEmu.endpoints("development")).toEqual([blue]);
      expect(world.output.lines.some((l) => l.kind === "progress" && /an earlier update's \(waiting for ours\)/.test(l.text))).toBe(true);
    });

    it("does not take an earlier update's failure for its own", async () => {
      await start({ smapi: { consistency: { manifestStatusLagReads: 3 } } });
      const green = aliasArn(world.names, "green");
      world.lambdaEmu.state.removePermission(FUNCTION_NAME, "green", "AlexaSkillsKit-green");
      expect((await failure(setDevelopmentEndpoint(deps(world), { state: await readReleaseState(deps(world)), uri: green }))).exitCode).toBe(ExitCode.Failed);
      // The permission is back (cdktf deploy); the status still shows the failure for a few reads after the next update.
      world.lambdaEmu.state.addPermission(FUNCTION_NAME, "green", {
        StatementId: "AlexaSkillsKit-green", Action: "lambda:InvokeFunction", Principal: "alexa-appkit.amazon.com", EventSourceToken: world.config.skill.id,
      });
      const result = await setDevelopmentEndpoint(deps(world), { state: await readReleaseState(deps(world)), uri: green });
      expect(result.outcome).toBe("updated");
      expect(world.smapiEmu.endpoints("development")).toEqual([green]);
    });

    it("makes no call under --dry-run and says what it would do", async () => {
      const plan = new DryRunPlan();
      const result = await setDevelopmentEndpoint(deps(world, plan), { state: await readReleaseState(deps(world)), uri: aliasArn(world.names, "blue") });
      expect(result.outcome).toBe("planned");
      expect(plan.calls).toEqual([expect.stringMatching(/^point the development endpoint at .*:blue/)]);
      expect(smapiMutations()).toEqual([]);
    });
  });

  describe("confirmAlexaReaches", () => {
    it("enables testing, simulates the launch and confirms Alexa reached the endpoint (NA override)", async () => {
      await start({ smapi: { manifest: manifestWithRegions(DEFAULT_FUNCTION_ARN) } });
      const blue = aliasArn(world.names, "blue");
      await setDevelopmentEndpoint(deps(world), { state: await readReleaseState(deps(world)), uri: blue });
      const result = await confirmAlexaReaches(deps(world), { uri: blue });
      expect(result).toMatchObject({ outcome: "confirmed", endpoint: blue, utterance: "open boston info", locale: "en-US" });
      expect(result.caption).toMatch(/Welcome to Boston Info/);
      expect(world.smapiEmu.callsTo("setSkillEnablementV1")).toHaveLength(1);
      expect(world.lambdaEmu.calls.of("Invoke").map((c) => c.path)).toEqual([expect.stringContaining(`/functions/${blue}/`)]);

      // Enabled once is enough.
      await confirmAlexaReaches(deps(world), { uri: blue });
      expect(world.smapiEmu.callsTo("setSkillEnablementV1")).toHaveLength(1);
    });

    it("fails saying where Alexa went when it reaches another endpoint", async () => {
      const blue = aliasArn(world.names, "blue");
      const error = await failure(confirmAlexaReaches(deps(world), { uri: blue }));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(error.message).toContain(`Alexa reached ${world.names.functionArn} instead of ${blue}`);
    });

    it("compares the endpoint Alexa reports by what it invokes (:$LATEST, a partial ARN), not as text", async () => {
      await start({ smapi: { simulationEndpointForm: (uri) => (uri.split(":").length === 7 ? `${uri}:$LATEST` : uri.replace(/^arn:aws:lambda:[^:]+:/, "")) } });
      const latest = await confirmAlexaReaches(deps(world), { uri: world.names.functionArn });
      expect(latest).toMatchObject({ outcome: "confirmed", endpoint: `${world.names.functionArn}:$LATEST` });
      const blue = aliasArn(world.names, "blue");
      await setDevelopmentEndpoint(deps(world), { state: await readReleaseState(deps(world)), uri: blue });
      expect(await confirmAlexaReaches(deps(world), { uri: blue })).toMatchObject({ outcome: "confirmed", endpoint: "123456789012:function:BostonInfoSkill:blue" });
      const error = await failure(confirmAlexaReaches(deps(world), { uri: aliasArn(world.names, "green") }));
      expect(error.message).toContain("Alexa reached 123456789012:function:BostonInfoSkill:blue instead of");
    });

    it("starts the simulation again when one gives no answer (SMAPI's 500, a FAILED simulation), but not after a wrong answer", async () => {
      world.smapiEmu.faults.failNext("simulateSkillV2", { status: 500, message: "Internal error" });
      let failures = 1;
      world.smapiEmu.setSimulateHandler(async (sim) => {
        if (failures-- > 0) return { error: "Rate exceeded" };
        const response = await world.lambda.send(new InvokeCommand({ FunctionName: sim.endpoint, Payload: Buffer.from(JSON.stringify(sim.request)) }));
        return { response: JSON.parse(Buffer.from(response.Payload ?? []).toString()) };
      });
      const result = await confirmAlexaReaches(deps(world), { uri: world.names.functionArn });
      expect(result.outcome).toBe("confirmed");
      expect(world.smapiEmu.callsTo("simulateSkillV2").map((c) => c.status)).toEqual([500, 200, 200]);

      // A definite wrong answer (another endpoint) is final: one simulation, no retry.
      world.smapiEmu.calls.length = 0;
      expect((await failure(confirmAlexaReaches(deps(world), { uri: aliasArn(world.names, "blue") }))).message).toMatch(/Alexa reached .* instead of/);
      expect(world.smapiEmu.callsTo("simulateSkillV2")).toHaveLength(1);
    });

    it("fails when the skill's answer is not a well-formed Alexa response, or the simulation fails", async () => {
      world.smapiEmu.setSimulateHandler(() => ({ response: { version: "1.0" } }));
      const bad = await failure(confirmAlexaReaches(deps(world), { uri: world.names.functionArn }));
      expect(bad.message).toMatch(/not a well-formed Alexa response: it has no "response" object/);

      world.smapiEmu.setSimulateHandler(() => ({ error: "Task timed out after 8.00 seconds" }));
      const failed = await failure(confirmAlexaReaches(deps(world), { uri: world.names.functionArn }));
      expect(failed.exitCode).toBe(ExitCode.Failed);
      expect(failed.message).toContain("Task timed out");
    });

    it("retries a simulation refused because another one is running (409), and gives up after a few", async () => {
      world.smapiEmu.faults.failNext("simulateSkillV2", { status: 409, message: "A simulation is already in progress.", times: 2 });
      const result = await confirmAlexaReaches(deps(world), { uri: world.names.functionArn });
      expect(result.outcome).toBe("confirmed");
      expect(world.smapiEmu.callsTo("simulateSkillV2").map((c) => c.status)).toEqual([409, 409, 200]);

      world.smapiEmu.faults.failNext("simulateSkillV2", { status: 409, times: 4 });
      const error = await failure(confirmAlexaReaches(deps(world), { uri: world.names.functionArn }));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(error.message).toMatch(/refused the simulation 4 times .*409/);
    });

    it("under --dry-run lists enabling and simulating, and calls neither", async () => {
      const plan = new DryRunPlan();
      const result = await confirmAlexaReaches(deps(world, plan), { uri: world.names.functionArn });
      expect(result.outcome).toBe("planned");
      expect(plan.calls).toEqual([expect.stringMatching(/^enable the development stage for testing/), expect.stringMatching(/^simulate "open boston info"/)]);
      expect(smapiMutations()).toEqual([]);
      expect(world.lambdaEmu.calls.of("Invoke")).toEqual([]);
    });
  });

  describe("runSkillValidations", () => {
    it("passes, warning about failed recommendations", async () => {
      world.smapiEmu.setValidationOutcome({
        status: "SUCCESSFUL",
        validations: [{ ...failedValidation("en-US", "Example phrases", "Add a third example phrase."), importance: "RECOMMENDED" }],
      });
      const report = await runSkillValidations(deps(world));
      expect(report).toMatchObject({ outcome: "passed", locales: ["en-US"], warnings: [{ title: "Example phrases", importance: "RECOMMENDED" }] });
      expect(world.output.lines.filter((l) => l.kind === "warn").map((l) => l.text)).toEqual([expect.stringContaining("Add a third example phrase")]);
    });

    it("fails (exit 1) listing Amazon's failed validations", async () => {
      world.smapiEmu.setValidationOutcome({ status: "FAILED", validations: [failedValidation("en-US", "Privacy policy", "The privacy policy URL is not reachable.")] });
      const error = await failure(runSkillValidations(deps(world)));
      expect(error.exitCode).toBe(ExitCode.Failed);
      expect(error.message).toContain("[en-US] Privacy policy: The privacy policy URL is not reachable. (required)");
    });
  });

  describe("submitForCertification", () => {
    it("returns the certification id from the Location header", async () => {
      const submission = await submitForCertification(deps(world), { publicationMethod: "MANUAL_PUBLISHING", versionMessage: "Release on green" });
      const review = world.smapiEmu.latestCertification();
      expect(submission).toEqual({ outcome: "submitted", certificationId: review?.id });
      expect(review).toMatchObject({ status: "IN_PROGRESS", publicationMethod: "MANUAL_PUBLISHING", versionMessage: "Release on green" });
    });
  });
});
