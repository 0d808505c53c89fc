import { GetAliasCommand, GetFunctionConfigurationCommand, ResourceNotFoundException, type LambdaClient } from "@aws-sdk/client-lambda";
import { ExitCode, UsageError } from "../../lib/errors";
import { recordingOutput } from "../../lib/output";
import { testEnvironment } from "../../lib/emulators/example-config";
import { fixtureManifest } from "../../lib/emulators/smapi/seed";
import { readAlias, readFunction, readLatestCertification, readReleaseState } from "../../lib/release/read-state";
import { fakeClock } from "../helpers/fake-clock";
import { fakeSmapi, serviceError, type Scripted } from "../helpers/smapi-fake";

/**
 * lib/release/read-state.ts: everything the release model decides from is read
 * here, from Lambda and SMAPI, never stored on the side (invariant 9: the live
 * stage decides the candidate). These pin what mutation testing found
 * unobserved: $LATEST's update status is Lambda's, not a default (nothing is
 * published during an update); an alias has weights only when Lambda routes
 * part of its traffic elsewhere (a canary in progress); a missing function is
 * a usage error, any other failure is passed on; the latest review's status is
 * SMAPI's, read as in progress when SMAPI gives none (invariant 2); and the
 * development manifest is read through an update being applied (303).
 */

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill";
const config = testEnvironment((input) => {
  input.function = { name: "BostonInfoSkill" };
});

const notFound = () => new ResourceNotFoundException({ message: "Function not found", $metadata: {} });

/** A Lambda client answering GetFunctionConfiguration and GetAlias from a script. */
function fakeLambda(answers: { fn?: object | Error; aliases?: Record<string, object | Error> }): LambdaClient & { sent: unknown[] } {
  const sent: unknown[] = [];
  const answer = (a: object | Error | undefined) => {
    if (a instanceof Error) throw a;
    if (a === undefined) throw notFound();
    return a;
  };
  return {
    sent,
    send: async (command: unknown) => {
      sent.push(command);
      if (command instanceof GetFunctionConfigurationCommand) return answer(answers.fn);
      if (command instanceof GetAliasCommand) return answer(answers.aliases?.[command.input.Name ?? ""]);
      throw new Error("the fake Lambda client was not scripted for this command");
    },
  } as unknown as LambdaClient & { sent: unknown[] };
}

describe("readFunction: $LATEST as Lambda reports it", () => {
  it("strips :$LATEST from the ARN and passes on the update status, hash and revision, not defaults", async () => {
    const lambda = fakeLambda({ fn: { FunctionArn: `${ARN}:$LATEST`, CodeSha256: "sha", RevisionId: "rev", LastUpdateStatus: "InProgress", LastModified: "2026-11-01" } });
    expect(await readFunction(lambda, config)).toEqual({
      names: { functionName: "BostonInfoSkill", functionArn: ARN, aliases: { blue: config.aliases.blue, green: config.aliases.green } },
      latest: { codeSha256: "sha", revisionId: "rev", lastUpdateStatus: "InProgress", lastModified: "2026-11-01" },
    });
    expect((lambda.sent[0] as GetFunctionConfigurationCommand).input).toEqual({ FunctionName: "BostonInfoSkill" });
    expect((await readFunction(fakeLambda({ fn: { FunctionArn: ARN, LastUpdateStatus: "Failed" } }), config)).latest.lastUpdateStatus).toBe("Failed");
    expect((await readFunction(fakeLambda({ fn: { FunctionArn: ARN } }), config)).latest).toEqual({ codeSha256: "", revisionId: "", lastUpdateStatus: "Successful", lastModified: "" });
  });

  it("a missing function is a usage error (exit 2); any other failure passes unchanged", async () => {
    const missing = await readFunction(fakeLambda({}), config).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UsageError);
    expect((missing as UsageError).exitCode).toBe(ExitCode.Usage);
    const denied = Object.assign(new Error("not authorized"), { name: "AccessDeniedException" });
    await expect(readFunction(fakeLambda({ fn: denied }), config)).rejects.toBe(denied);
  });
});

describe("readAlias: an alias has weights only while Lambda routes part of its traffic elsewhere", () => {
  it("reads version, revision, description and weights; no routing or empty weights are no weights", async () => {
    const lambda = fakeLambda({
      aliases: {
        blue: { FunctionVersion: "3", RevisionId: "r3", Description: "previous-version=2", RoutingConfig: { AdditionalVersionWeights: { "4": 0.1 } } },
        green: { FunctionVersion: "2", RevisionId: "r2", RoutingConfig: { AdditionalVersionWeights: {} } },
        bare: {},
      },
    });
    expect(await readAlias(lambda, "BostonInfoSkill", "blue")).toEqual({ name: "blue", version: "3", revisionId: "r3", description: "previous-version=2", weights: { "4": 0.1 } });
    expect(await readAlias(lambda, "BostonInfoSkill", "green")).toEqual({ name: "green", version: "2", revisionId: "r2", description: "" });
    expect(await readAlias(lambda, "BostonInfoSkill", "bare")).toEqual({ name: "bare", version: "", revisionId: "", description: "" });
    expect((lambda.sent[0] as GetAliasCommand).input).toEqual({ FunctionName: "BostonInfoSkill", Name: "blue" });
  });

  it("a missing alias is undefined; any other failure passes unchanged", async () => {
    expect(await readAlias(fakeLambda({}), "BostonInfoSkill", "blue")).toBeUndefined();
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" });
    await expect(readAlias(fakeLambda({ aliases: { blue: throttled } }), "BostonInfoSkill", "blue")).rejects.toBe(throttled);
  });
});

describe("readLatestCertification: the latest review, as SMAPI lists it", () => {
  it("takes SMAPI's status and submission time, reads no status as in progress, and ignores reviews without an id", async () => {
    const list = (items: object[]) => fakeSmapi({ getCertificationsListV1: [{ items }] }).smapi;
    expect(await readLatestCertification(list([{ id: "c1", status: "FAILED", skillSubmissionTimestamp: "2026-03-01T00:00:00Z" }]), "s")).toEqual({
      id: "c1", status: "FAILED", submittedAt: "2026-03-01T00:00:00Z",
    });
    expect(await readLatestCertification(list([{ id: "c2" }]), "s")).toEqual({ id: "c2", status: "IN_PROGRESS" });
    expect(await readLatestCertification(list([{ status: "IN_PROGRESS" }]), "s")).toBeUndefined();
    expect(await readLatestCertification(list([]), "s")).toBeUndefined();
  });
});

describe("readReleaseState: the development manifest is read through an update being applied", () => {
  const manifest = (stage: string) => ({ body: fixtureManifest(stage === "live" ? `${ARN}:green` : ARN), headers: [{ key: "ETag", value: `etag-${stage}` }], statusCode: 200 });
  const lambda = () => fakeLambda({ fn: { FunctionArn: ARN }, aliases: { blue: { FunctionVersion: "1" }, green: { FunctionVersion: "2" } } });
  function smapi(firstDevelopmentRead: Scripted, live: Scripted = undefined) {
    let developmentReads = 0;
    return fakeSmapi({
      callGetSkillManifestV1: [
        (_skill: unknown, stage: unknown) => {
          if (stage === "live") {
            if (live instanceof Error) throw live;
            return manifest("live");
          }
          if (developmentReads++ === 0 && firstDevelopmentRead instanceof Error) throw firstDevelopmentRead;
          return manifest("development");
        },
      ],
      getSkillStatusV1: [{ manifest: { lastUpdateRequest: { status: "SUCCEEDED" }, eTag: "etag-development" } }],
      getCertificationsListV1: [{ items: [{ id: "cert-1", status: "IN_PROGRESS", skillSubmissionTimestamp: "2026-03-02T15:00:00Z" }] }],
    });
  }

  it("with a clock and an output, waits out a 303 and reads the manifest applied", async () => {
    const fake = smapi(serviceError(303));
    const state = await readReleaseState({ lambda: lambda(), smapi: fake.smapi, config, clock: fakeClock(), output: recordingOutput() });
    expect(state.development).toEqual({ kind: "latest" });
    expect(state.live).toEqual({ kind: "colour", colour: "green", alias: "green" });
    expect(state.manifests.development.etag).toBe("etag-development");
    expect(state.manifests.live?.etag).toBe("etag-live");
    expect(state.aliases.green).toMatchObject({ version: "2" });
    // The review in progress reaches the model, which refuses to move the alias it uses (invariant 2).
    expect(state.certification).toEqual({ id: "cert-1", status: "IN_PROGRESS", submittedAt: "2026-03-02T15:00:00Z" });
    expect(fake.callsTo("getSkillStatusV1")).toHaveLength(1);
  });

  it("without them, reads once and reports the 303; a live stage never published is no live target", async () => {
    const fake = smapi(serviceError(303));
    const error = await readReleaseState({ lambda: lambda(), smapi: fake.smapi, config }).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: ExitCode.Failed });
    expect(fake.callsTo("getSkillStatusV1")).toEqual([]);
    // The wait needs both: a clock alone is a single read too.
    const clockOnly = smapi(serviceError(303));
    await expect(readReleaseState({ lambda: lambda(), smapi: clockOnly.smapi, config, clock: fakeClock() })).rejects.toMatchObject({ exitCode: ExitCode.Failed });
    expect(clockOnly.callsTo("getSkillStatusV1")).toEqual([]);

    const unpublished = await readReleaseState({ lambda: lambda(), smapi: smapi(undefined, serviceError(404)).smapi, config });
    expect(unpublished.live).toBeUndefined();
    expect(unpublished.manifests.live).toBeUndefined();
    expect(unpublished.manifests.development.etag).toBe("etag-development");
  });
});
