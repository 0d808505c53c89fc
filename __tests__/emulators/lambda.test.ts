/**
 * The Lambda emulator, driven only through the real @aws-sdk/client-lambda
 * (and @aws-sdk/client-s3 for the linked S3), so each assertion is also a
 * check that the emulator speaks the wire format the SDK expects.
 */
import { createHash } from "node:crypto";
import {
  AddPermissionCommand,
  CreateAliasCommand,
  DeleteAliasCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvalidParameterValueException,
  InvokeCommand,
  LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PreconditionFailedException,
  PublishVersionCommand,
  RemovePermissionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  ServiceException,
  TooManyRequestsException,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionUpdatedV2,
  type FunctionConfiguration,
  type LambdaClientConfig,
} from "@aws-sdk/client-lambda";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { type LambdaEmulator, type LambdaEmulatorOptions, functionError, makeZip, startLambdaEmulator } from "../../lib/emulators/lambda";
import { type S3Emulator, startS3Emulator } from "../../lib/emulators/s3";

const FN = "BostonInfoSkill";
const SKILL_ID = "amzn1.ask.skill.00000000-1111-2222-3333-444444444444";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

const open: Array<{ close(): Promise<void> } | { destroy(): void }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) {
    if ("destroy" in o) o.destroy();
    else await o.close();
  }
});

async function emulator(options: LambdaEmulatorOptions = {}): Promise<{ emu: LambdaEmulator; lambda: LambdaClient }> {
  const emu = await startLambdaEmulator(options);
  open.push(emu);
  return { emu, lambda: client(emu) };
}

function client(emu: LambdaEmulator, extra: Partial<LambdaClientConfig> = {}): LambdaClient {
  const c = new LambdaClient({ region: "us-east-1", endpoint: emu.url, credentials, maxAttempts: 1, ...extra });
  open.push(c);
  return c;
}

const zip = (tag: string): Buffer => makeZip({ "lambda_function.py": `# ${tag}\n` });
const sha = (b: Buffer): string => createHash("sha256").update(b).digest("base64");
const launchRequest = {
  version: "1.0",
  session: { new: true, sessionId: "s", application: { applicationId: SKILL_ID } },
  request: { type: "LaunchRequest", requestId: "r", locale: "en-US", timestamp: "2024-01-01T00:00:00Z" },
};
const json = (payload: Uint8Array | undefined): unknown => JSON.parse(Buffer.from(payload ?? []).toString("utf8"));

async function waitUpdated(lambda: LambdaClient, name = FN): Promise<FunctionConfiguration> {
  for (let i = 0; i < 100; i++) {
    const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (c.LastUpdateStatus !== "InProgress") return c;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("update never finished");
}

async function rejection(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the call to fail");
}

describe("code updates", () => {
  test("UpdateFunctionCode is InProgress, then Successful, with a new CodeSha256 and RevisionIds", async () => {
    const { lambda } = await emulator({ updateDurationMs: 40 });
    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FN }));
    expect(before).toMatchObject({ State: "Active", LastUpdateStatus: "Successful", Version: "$LATEST" });

    const pkg = zip("v2");
    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: pkg }));
    expect(updated.LastUpdateStatus).toBe("InProgress");
    expect(updated.CodeSha256).toBe(sha(pkg));
    expect(updated.CodeSize).toBe(pkg.length);
    expect(updated.RevisionId).not.toBe(before.RevisionId);
    expect(updated.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

    const done = await waitUpdated(lambda);
    expect(done).toMatchObject({ LastUpdateStatus: "Successful", CodeSha256: sha(pkg) });
    // AWS changes the RevisionId again when the update finishes.
    expect(done.RevisionId).not.toBe(updated.RevisionId);
  });

  test("a second update while one is in progress is refused; a stale RevisionId too", async () => {
    const { lambda } = await emulator({ updateDurationMs: 1000 });
    const { RevisionId } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FN }));
    const stale = await rejection(
      lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: zip("a"), RevisionId: "stale" })),
    );
    expect(stale).toBeInstanceOf(PreconditionFailedException);
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: zip("a"), RevisionId }));
    const busy = await rejection(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: zip("b") })));
    expect(busy).toBeInstanceOf(ResourceConflictException);
    expect(busy.message).toContain("An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill");
  });

  test("a failed update reports its reason and leaves the previous code in place", async () => {
    const { emu, lambda } = await emulator({ updateDurationMs: 0 });
    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FN }));
    emu.state.failNextUpdate(FN, "Lambda was unable to decrypt the environment variables.", "KMSAccessDenied");
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: zip("bad") }));
    const after = await waitUpdated(lambda);
    expect(after).toMatchObject({
      LastUpdateStatus: "Failed",
      LastUpdateStatusReason: "Lambda was unable to decrypt the environment variables.",
      LastUpdateStatusReasonCode: "KMSAccessDenied",
      CodeSha256: before.CodeSha256,
    });
  });

  test("the SDK's own waiter sees the update through", async () => {
    // The update lasts until the waiter's second read, however slow the machine: outcomes, not timings.
    const { emu, lambda } = await emulator({ updateDurationMs: 3_600_000 });
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: zip("waited") }));
    const seen: string[] = [];
    emu.faults.before("GetFunction", () => {
      if (seen.push("GetFunction") === 2) emu.state.finishUpdate(FN);
    });
    const result = await waitUntilFunctionUpdatedV2(
      { client: lambda, maxWaitTime: 30, minDelay: 0.02, maxDelay: 0.05 },
      { FunctionName: FN },
    );
    expect(result.state).toBe("SUCCESS");
    // The first read saw InProgress and the waiter went on; the second saw the update finished.
    expect(emu.calls.of("GetFunction").map((c) => c.status)).toEqual([200, 200]);
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FN }))).LastUpdateStatus).toBe("Successful");
  });

  test("a package that is not a zip is refused; DryRun validates without changing anything", async () => {
    const { emu, lambda } = await emulator();
    const bad = await rejection(
      lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: Buffer.from("not a zip at all, clearly") })),
    );
    expect(bad).toBeInstanceOf(InvalidParameterValueException);

    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FN }));
    const dry = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: zip("dry"), DryRun: true }));
    expect(dry.CodeSha256).toBe(sha(zip("dry")));
    const after = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FN }));
    expect(after.CodeSha256).toBe(before.CodeSha256);
    expect(after.RevisionId).toBe(before.RevisionId);
    expect(emu.calls.of("UpdateFunctionCode").map((c) => c.mutating)).toEqual([true, false]);
  });

  test("UpdateFunctionCode reads S3Bucket/S3Key from the linked S3 emulator", async () => {
    const s3emu: S3Emulator = await startS3Emulator({ buckets: ["artifacts"] });
    open.push(s3emu);
    const s3 = new S3Client({ region: "us-east-1", endpoint: s3emu.url, forcePathStyle: true, credentials, maxAttempts: 1 });
    open.push(s3);
    const { lambda } = await emulator({ s3: s3emu, updateDurationMs: 0 });

    const pkg = zip("from-s3");
    await s3.send(new PutObjectCommand({ Bucket: "artifacts", Key: "builds/abc123/skill.zip", Body: pkg }));
    const updated = await lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: FN, S3Bucket: "artifacts", S3Key: "builds/abc123/skill.zip" }),
    );
    expect(updated.CodeSha256).toBe(sha(pkg));
    expect(s3emu.calls.operations()).toEqual(["PutObject"]);

    const missing = await rejection(
      lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, S3Bucket: "artifacts", S3Key: "nope.zip" })),
    );
    expect(missing).toBeInstanceOf(InvalidParameterValueException);
    expect(missing.message).toContain("S3 Error Code: NoSuchKey");
  });
});

describe("versions", () => {
  test("PublishVersion is refused while the update is in progress, then allowed; unchanged code reuses the version", async () => {
    // The update lasts until the test ends it, however slow the machine.
    const { emu, lambda } = await emulator({ updateDurationMs: 3_600_000 });
    const pkg = zip("release");
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: pkg }));

    const refused = await rejection(lambda.send(new PublishVersionCommand({ FunctionName: FN })));
    expect(refused).toBeInstanceOf(ResourceConflictException);
    expect(refused.$metadata?.httpStatusCode).toBe(409);

    emu.state.finishUpdate(FN);
    const latest = await waitUpdated(lambda);
    const stale = await rejection(
      lambda.send(new PublishVersionCommand({ FunctionName: FN, RevisionId: "00000000-0000-0000-0000-000000000000" })),
    );
    expect(stale).toBeInstanceOf(PreconditionFailedException);
    const wrongHash = await rejection(lambda.send(new PublishVersionCommand({ FunctionName: FN, CodeSha256: sha(zip("x")) })));
    expect(wrongHash).toBeInstanceOf(InvalidParameterValueException);
    expect(wrongHash.message).toContain("is different from current CodeSHA256 in $LATEST");

    const v1 = await lambda.send(
      new PublishVersionCommand({
        FunctionName: FN,
        Description: "2024-05-01 abc123",
        CodeSha256: latest.CodeSha256,
        RevisionId: latest.RevisionId,
      }),
    );
    expect(v1).toMatchObject({
      Version: "1",
      Description: "2024-05-01 abc123",
      CodeSha256: sha(pkg),
      FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill:1",
    });
    const again = await lambda.send(new PublishVersionCommand({ FunctionName: FN, Description: "ignored" }));
    expect(again.Version).toBe("1");
    expect(again.Description).toBe("2024-05-01 abc123");
  });

  test("ListVersionsByFunction lists $LATEST first and pages with Marker/MaxItems", async () => {
    const { lambda } = await emulator({ functions: [{ name: FN, versions: [{}, {}, {}] }] });
    const first = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: FN, MaxItems: 3 }));
    expect(first.Versions?.map((v) => v.Version)).toEqual(["$LATEST", "1", "2"]);
    expect(first.Versions?.[0]?.FunctionArn).toBe("arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill:$LATEST");
    expect(first.NextMarker).toBeDefined();
    const rest = await lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: FN, MaxItems: 3, Marker: first.NextMarker }),
    );
    expect(rest.Versions?.map((v) => v.Version)).toEqual(["3"]);
    expect(rest.NextMarker).toBeUndefined();
  });
});

describe("aliases", () => {
  test("create, read, update with RevisionId, list and delete", async () => {
    const { lambda } = await emulator({ functions: [{ name: FN, versions: [{}, {}] }] });
    const blue = await lambda.send(
      new CreateAliasCommand({ FunctionName: FN, Name: "blue", FunctionVersion: "1", Description: "blue colour" }),
    );
    expect(blue).toMatchObject({
      AliasArn: "arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill:blue",
      FunctionVersion: "1",
      Description: "blue colour",
    });
    const dup = await rejection(lambda.send(new CreateAliasCommand({ FunctionName: FN, Name: "blue", FunctionVersion: "2" })));
    expect(dup).toBeInstanceOf(ResourceConflictException);

    const moved = await lambda.send(
      new UpdateAliasCommand({ FunctionName: FN, Name: "blue", FunctionVersion: "2", RevisionId: blue.RevisionId }),
    );
    expect(moved.FunctionVersion).toBe("2");
    expect(moved.RevisionId).not.toBe(blue.RevisionId);

    const stale = await rejection(
      lambda.send(new UpdateAliasCommand({ FunctionName: FN, Name: "blue", FunctionVersion: "1", RevisionId: blue.RevisionId })),
    );
    expect(stale).toBeInstanceOf(PreconditionFailedException);
    expect(stale.$metadata?.httpStatusCode).toBe(412);

    const weighted = await lambda.send(
      new UpdateAliasCommand({ FunctionName: FN, Name: "blue", RoutingConfig: { AdditionalVersionWeights: { "1": 0.25 } } }),
    );
    expect(weighted.RoutingConfig?.AdditionalVersionWeights).toEqual({ "1": 0.25 });
    const cleared = await lambda.send(
      new UpdateAliasCommand({ FunctionName: FN, Name: "blue", RoutingConfig: { AdditionalVersionWeights: {} } }),
    );
    expect(cleared.RoutingConfig).toBeUndefined();

    await lambda.send(new CreateAliasCommand({ FunctionName: FN, Name: "green", FunctionVersion: "1" }));
    const listed = await lambda.send(new ListAliasesCommand({ FunctionName: FN }));
    expect(listed.Aliases?.map((a) => [a.Name, a.FunctionVersion])).toEqual([["blue", "2"], ["green", "1"]]);
    const onV1 = await lambda.send(new ListAliasesCommand({ FunctionName: FN, FunctionVersion: "1" }));
    expect(onV1.Aliases?.map((a) => a.Name)).toEqual(["green"]);

    await lambda.send(new DeleteAliasCommand({ FunctionName: FN, Name: "green" }));
    await lambda.send(new DeleteAliasCommand({ FunctionName: FN, Name: "green" })); // idempotent, as on AWS
    const gone = await rejection(lambda.send(new GetAliasCommand({ FunctionName: FN, Name: "green" })));
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
    expect(gone.message).toBe("Alias not found: arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill:green");
  });

  test("a concurrent operator moving the alias between read and write makes the write fail", async () => {
    const { emu, lambda } = await emulator({
      functions: [{ name: FN, versions: [{}, {}, {}], aliases: [{ name: "green", version: "1" }] }],
    });
    const read = await lambda.send(new GetAliasCommand({ FunctionName: FN, Name: "green" }));
    emu.faults.beforeNext("UpdateAlias", (ctx) => {
      expect(ctx.params.Name).toBe("green");
      emu.state.setAlias(FN, "green", "3");
    });
    const err = await rejection(
      lambda.send(new UpdateAliasCommand({ FunctionName: FN, Name: "green", FunctionVersion: "2", RevisionId: read.RevisionId })),
    );
    expect(err).toBeInstanceOf(PreconditionFailedException);
    expect(emu.state.getAlias(FN, "green").functionVersion).toBe("3");
  });

  test("an alias cannot point at a version that does not exist", async () => {
    const { lambda } = await emulator();
    const err = await rejection(lambda.send(new CreateAliasCommand({ FunctionName: FN, Name: "blue", FunctionVersion: "7" })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.message).toBe("Function not found: arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill:7");
  });
});

describe("eventual consistency", () => {
  test("with staleAliasReads, GetAlias briefly returns an alias as it was, while invocations run the new version", async () => {
    const { lambda } = await emulator({ staleAliasReads: 2, functions: [{ name: FN, versions: [{}, {}], aliases: [{ name: "blue", version: "1" }] }] });
    const before = await lambda.send(new GetAliasCommand({ FunctionName: FN, Name: "blue" }));
    const moved = await lambda.send(new UpdateAliasCommand({ FunctionName: FN, Name: "blue", FunctionVersion: "2", RevisionId: before.RevisionId }));
    const reads = [];
    for (let i = 0; i < 3; i++) reads.push(await lambda.send(new GetAliasCommand({ FunctionName: FN, Name: "blue" })));
    expect(reads.map((r) => [r.FunctionVersion, r.RevisionId])).toEqual([
      ["1", before.RevisionId],
      ["1", before.RevisionId],
      ["2", moved.RevisionId],
    ]);
    expect((await lambda.send(new InvokeCommand({ FunctionName: FN, Qualifier: "blue", Payload: Buffer.from("{}") }))).ExecutedVersion).toBe("2");
    // The stale RevisionId is refused: preconditions see the truth.
    const refused = await rejection(lambda.send(new UpdateAliasCommand({ FunctionName: FN, Name: "blue", FunctionVersion: "1", RevisionId: before.RevisionId })));
    expect(refused).toBeInstanceOf(PreconditionFailedException);
  });
});

describe("permissions", () => {
  test("AddPermission with an event source token; GetPolicy per qualifier; duplicate statement id; remove", async () => {
    const { lambda } = await emulator({ functions: [{ name: FN, versions: [{}], aliases: [{ name: "blue", version: "1" }] }] });
    const added = await lambda.send(
      new AddPermissionCommand({
        FunctionName: FN,
        Qualifier: "blue",
        StatementId: "alexa-skill-blue",
        Action: "lambda:InvokeFunction",
        Principal: "alexa-appkit.amazon.com",
        EventSourceToken: SKILL_ID,
      }),
    );
    const expected = {
      Sid: "alexa-skill-blue",
      Effect: "Allow",
      Principal: { Service: "alexa-appkit.amazon.com" },
      Action: "lambda:InvokeFunction",
      Resource: "arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill:blue",
      Condition: { StringEquals: { "lambda:EventSourceToken": SKILL_ID } },
    };
    expect(JSON.parse(added.Statement ?? "")).toEqual(expected);

    const policy = await lambda.send(new GetPolicyCommand({ FunctionName: FN, Qualifier: "blue" }));
    expect(JSON.parse(policy.Policy ?? "")).toEqual({ Version: "2012-10-17", Id: "default", Statement: [expected] });
    const alias = await lambda.send(new GetAliasCommand({ FunctionName: FN, Name: "blue" }));
    expect(policy.RevisionId).toBe(alias.RevisionId);

    // The unqualified function has its own (here: no) policy.
    const none = await rejection(lambda.send(new GetPolicyCommand({ FunctionName: FN })));
    expect(none).toBeInstanceOf(ResourceNotFoundException);

    const dup = await rejection(
      lambda.send(
        new AddPermissionCommand({
          FunctionName: `${FN}:blue`,
          StatementId: "alexa-skill-blue",
          Action: "lambda:InvokeFunction",
          Principal: "alexa-appkit.amazon.com",
          EventSourceToken: SKILL_ID,
        }),
      ),
    );
    expect(dup).toBeInstanceOf(ResourceConflictException);
    expect(dup.message).toContain("The statement id (alexa-skill-blue) provided already exists");

    await lambda.send(new RemovePermissionCommand({ FunctionName: FN, Qualifier: "blue", StatementId: "alexa-skill-blue" }));
    const removed = await rejection(lambda.send(new GetPolicyCommand({ FunctionName: FN, Qualifier: "blue" })));
    expect(removed).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe("invoke", () => {
  test("the default handler answers a LaunchRequest on $LATEST with a well-formed Alexa response", async () => {
    const { lambda } = await emulator();
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: FN, Payload: Buffer.from(JSON.stringify(launchRequest)), LogType: "Tail" }),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe("$LATEST");
    expect(json(out.Payload)).toMatchObject({
      version: "1.0",
      response: { outputSpeech: { type: "PlainText", text: expect.any(String) }, shouldEndSession: false },
    });
    expect(Buffer.from(out.LogResult ?? "", "base64").toString()).toContain("START RequestId:");
  });

  test("an alias invocation runs its version's code; $LATEST runs the previous code while updating", async () => {
    const v1 = zip("one");
    const v2 = zip("two");
    const seen: Array<{ qualifier: string | undefined; resolvedVersion: string; codeSha256: string }> = [];
    const { lambda } = await emulator({
      updateDurationMs: 1000,
      functions: [{ name: FN, code: v2, versions: [{ code: v1 }, { code: v2 }], aliases: [{ name: "blue", version: "1" }] }],
      invoke: ({ qualifier, resolvedVersion, codeSha256 }) => {
        seen.push({ qualifier, resolvedVersion, codeSha256 });
        return { ok: true };
      },
    });
    const viaArn = await lambda.send(
      new InvokeCommand({ FunctionName: "arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill:blue", Payload: Buffer.from("{}") }),
    );
    expect(viaArn.ExecutedVersion).toBe("1");
    await lambda.send(new InvokeCommand({ FunctionName: FN, Qualifier: "2" }));
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: zip("three") }));
    await lambda.send(new InvokeCommand({ FunctionName: FN }));
    expect(seen).toEqual([
      { qualifier: "blue", resolvedVersion: "1", codeSha256: sha(v1) },
      { qualifier: "2", resolvedVersion: "2", codeSha256: sha(v2) },
      { qualifier: undefined, resolvedVersion: "$LATEST", codeSha256: sha(v2) },
    ]);
  });

  test("weighted alias routing draws with the injected random source", async () => {
    const { lambda } = await emulator({
      random: () => 0.1,
      functions: [{ name: FN, versions: [{}, {}], aliases: [{ name: "live", version: "1", additionalVersionWeights: { "2": 0.2 } }] }],
    });
    const out = await lambda.send(new InvokeCommand({ FunctionName: FN, Qualifier: "live", Payload: Buffer.from(JSON.stringify(launchRequest)) }));
    expect(out.ExecutedVersion).toBe("2");
  });

  test("a thrown error or a returned functionError() is an Unhandled function error", async () => {
    let mode: "throw" | "return" = "throw";
    const { lambda } = await emulator({
      invoke: () => {
        if (mode === "throw") throw new TypeError("boom");
        return functionError("'request'", "KeyError");
      },
    });
    const thrown = await lambda.send(new InvokeCommand({ FunctionName: FN, Payload: Buffer.from("{}") }));
    expect(thrown.StatusCode).toBe(200);
    expect(thrown.FunctionError).toBe("Unhandled");
    expect(json(thrown.Payload)).toMatchObject({ errorType: "TypeError", errorMessage: "boom", stackTrace: expect.any(Array) });
    mode = "return";
    const returned = await lambda.send(new InvokeCommand({ FunctionName: FN }));
    expect(returned.FunctionError).toBe("Unhandled");
    expect(json(returned.Payload)).toMatchObject({ errorType: "KeyError", errorMessage: "'request'" });
  });

  test("DryRun checks access without running; Event is accepted", async () => {
    let ran = 0;
    const { lambda } = await emulator({ invoke: () => void ran++ });
    const dry = await lambda.send(new InvokeCommand({ FunctionName: FN, InvocationType: "DryRun" }));
    expect(dry.StatusCode).toBe(204);
    expect(ran).toBe(0);
    const ev = await lambda.send(new InvokeCommand({ FunctionName: FN, InvocationType: "Event", Payload: Buffer.from("{}") }));
    expect(ev.StatusCode).toBe(202);
  });
});

describe("not found", () => {
  test("missing function, version, alias, in every addressing form", async () => {
    const { lambda } = await emulator();
    const cases: Array<[Promise<unknown>, string]> = [
      [lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "Nope" })), "Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope"],
      [lambda.send(new GetFunctionCommand({ FunctionName: "123456789012:function:Nope" })), "Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope"],
      [lambda.send(new InvokeCommand({ FunctionName: FN, Qualifier: "9" })), "Function not found: arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill:9"],
      [lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `arn:aws:lambda:us-east-1:123456789012:function:${FN}:green` })), "Function not found: arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill:green"],
      [lambda.send(new GetAliasCommand({ FunctionName: FN, Name: "green" })), "Alias not found: arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill:green"],
    ];
    for (const [call, message] of cases) {
      const err = await rejection(call);
      expect(err).toBeInstanceOf(ResourceNotFoundException);
      expect(err.message).toBe(message);
      expect(err.$metadata?.httpStatusCode).toBe(404);
    }
  });
});

describe("faults, latency and the call log", () => {
  test("a throttle surfaces as TooManyRequestsException without retries, and is retried by default", async () => {
    const { emu, lambda } = await emulator();
    emu.faults.throttleNext("GetFunctionConfiguration", 1);
    const err = await rejection(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FN })));
    expect(err).toBeInstanceOf(TooManyRequestsException);
    expect(err.$metadata?.httpStatusCode).toBe(429);

    const retrying = client(emu, { maxAttempts: 3 });
    emu.faults.throttleNext("GetFunctionConfiguration", 1);
    const ok = await retrying.send(new GetFunctionConfigurationCommand({ FunctionName: FN }));
    expect(ok.$metadata.attempts).toBe(2);
    expect(emu.calls.of("GetFunctionConfiguration").map((c) => c.status)).toEqual([429, 429, 200]);
    expect(emu.faults.pending().failures).toEqual([]);
  });

  test("failNext answers with the given status and type; delayNext and latencyMs slow calls down", async () => {
    const { emu, lambda } = await emulator({ latencyMs: 100 });
    emu.faults.failNext("PublishVersion", { status: 500, message: "internal" });
    const err = await rejection(lambda.send(new PublishVersionCommand({ FunctionName: FN })));
    expect(err).toBeInstanceOf(ServiceException);
    expect(err.message).toBe("internal");

    emu.faults.delayNext("GetAlias", 50);
    const t0 = Date.now();
    await rejection(lambda.send(new GetAliasCommand({ FunctionName: FN, Name: "blue" })));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
    expect(emu.calls.entries.every((c) => c.durationMs >= 99)).toBe(true);
  });

  test("`*` matches every operation; a standing hook runs until removed", async () => {
    const { emu, lambda } = await emulator();
    emu.faults.failNext("*", { status: 503, times: 2 });
    expect((await rejection(lambda.send(new ListAliasesCommand({ FunctionName: FN })))).name).toBe("ServiceException");
    expect((await rejection(lambda.send(new GetFunctionCommand({ FunctionName: FN })))).name).toBe("ServiceException");
    await lambda.send(new GetFunctionCommand({ FunctionName: FN }));

    const seen: string[] = [];
    const stop = emu.faults.before("*", (ctx) => void seen.push(ctx.operation));
    await lambda.send(new ListAliasesCommand({ FunctionName: FN }));
    await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FN }));
    stop();
    await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FN }));
    expect(seen).toEqual(["ListAliases", "GetFunctionConfiguration"]);
    expect(emu.faults.pending()).toEqual({ failures: [], delays: [], hooks: [] });
  });

  test("every call is logged with its operation, path and whether it mutates", async () => {
    const { emu, lambda } = await emulator({ functions: [{ name: FN, versions: [{}] }] });
    await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FN, Qualifier: "1" }));
    await lambda.send(new ListAliasesCommand({ FunctionName: FN }));
    await lambda.send(new InvokeCommand({ FunctionName: FN, Payload: Buffer.from(JSON.stringify(launchRequest)) }));
    expect(emu.calls.mutating()).toEqual([]);
    await lambda.send(new CreateAliasCommand({ FunctionName: FN, Name: "blue", FunctionVersion: "1" }));
    expect(emu.calls.entries.map((c) => [c.operation, c.method, c.path, c.mutating, c.status])).toEqual([
      ["GetFunctionConfiguration", "GET", `/2015-03-31/functions/${FN}/configuration`, false, 200],
      ["ListAliases", "GET", `/2015-03-31/functions/${FN}/aliases`, false, 200],
      ["Invoke", "POST", `/2015-03-31/functions/${FN}/invocations`, false, 200],
      ["CreateAlias", "POST", `/2015-03-31/functions/${FN}/aliases`, true, 201],
    ]);
    expect(emu.calls.entries[0]?.query).toEqual({ Qualifier: "1" });
    expect(emu.calls.count("Invoke")).toBe(1);
  });

  test("GetFunction's code location serves the package", async () => {
    const pkg = zip("download-me");
    const { lambda } = await emulator({ functions: [{ name: FN, code: pkg }] });
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: FN }));
    const res = await fetch(fn.Code?.Location ?? "");
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(pkg));
  });
});
