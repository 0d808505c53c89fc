import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
  SSMServiceException,
} from "@aws-sdk/client-ssm";
import { startSsmEmulator, type SsmEmulator } from "../../lib/emulators/ssm";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/0b6ff2a4-5c1e-4d0a-9d59-2f0d7a0c1e11";

let emu: SsmEmulator;
let ssm: SSMClient;
beforeEach(async () => {
  emu = await startSsmEmulator({ kmsKeys: [KEY] });
  ssm = new SSMClient({ region: "us-east-1", endpoint: emu.url, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 3 });
});
afterEach(async () => {
  ssm.destroy();
  await emu.close();
});

async function failure(promise: Promise<unknown>): Promise<SSMServiceException> {
  try {
    await promise;
  } catch (error) {
    return error as SSMServiceException;
  }
  throw new Error("expected the call to fail");
}

describe("Parameter Store emulator, through the real SSM client", () => {
  it("creates a SecureString, hides it without decryption and shows it with", async () => {
    expect(await ssm.send(new PutParameterCommand({ Name: "/a/secret", Value: "s3cr3t-value", Type: "SecureString" }))).toMatchObject({ Version: 1, Tier: "Standard" });
    const hidden = await ssm.send(new GetParameterCommand({ Name: "/a/secret" }));
    expect(hidden.Parameter).toMatchObject({ Name: "/a/secret", Type: "SecureString", Version: 1, ARN: "arn:aws:ssm:us-east-1:123456789012:parameter/a/secret" });
    expect(hidden.Parameter?.Value).not.toContain("s3cr3t-value");
    expect(hidden.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    const shown = await ssm.send(new GetParameterCommand({ Name: "/a/secret", WithDecryption: true }));
    expect(shown.Parameter?.Value).toBe("s3cr3t-value");
    expect(emu.store.get("/a/secret")?.keyId).toBe("alias/aws/ssm");
  });

  it("refuses to replace without Overwrite (ParameterAlreadyExists), replaces with it and counts versions", async () => {
    await ssm.send(new PutParameterCommand({ Name: "/a/p", Value: "one", Type: "String" }));
    const error = await failure(ssm.send(new PutParameterCommand({ Name: "/a/p", Value: "two", Type: "String" })));
    expect(error).toBeInstanceOf(ParameterAlreadyExists);
    expect(emu.store.get("/a/p")?.value).toBe("one");
    expect(await ssm.send(new PutParameterCommand({ Name: "/a/p", Value: "two", Overwrite: true }))).toMatchObject({ Version: 2 });
    expect(emu.store.get("/a/p")).toMatchObject({ value: "two", version: 2, type: "String" });
  });

  it("refuses tags with Overwrite, as AWS does", async () => {
    const error = await failure(ssm.send(new PutParameterCommand({ Name: "/a/t", Value: "v", Type: "String", Overwrite: true, Tags: [{ Key: "k", Value: "v" }] })));
    expect(error.name).toBe("ValidationException");
    expect(error.message).toMatch(/tags and overwrite can't be used together/);
  });

  it("encrypts under a customer key that exists, and refuses one that does not (InvalidKeyId)", async () => {
    await ssm.send(new PutParameterCommand({ Name: "/a/k", Value: "v", Type: "SecureString", KeyId: KEY }));
    expect(emu.store.get("/a/k")?.keyId).toBe(KEY);
    const error = await failure(ssm.send(new PutParameterCommand({ Name: "/a/k2", Value: "v", Type: "SecureString", KeyId: KEY.replace("0b6f", "ffff") })));
    expect(error.name).toBe("InvalidKeyId");
  });

  it("GetParameters lists the names it did not find", async () => {
    await ssm.send(new PutParameterCommand({ Name: "/a/1", Value: "x", Type: "String" }));
    const answer = await ssm.send(new GetParametersCommand({ Names: ["/a/1", "/a/2"], WithDecryption: true }));
    expect(answer.Parameters?.map((p) => p.Name)).toEqual(["/a/1"]);
    expect(answer.InvalidParameters).toEqual(["/a/2"]);
  });

  it("denies what IAM denies: an action on one name, or decryption under a key", async () => {
    emu.store.deny({ action: "ssm:PutParameter", resource: "/a/locked" });
    const denied = await failure(ssm.send(new PutParameterCommand({ Name: "/a/locked", Value: "v", Type: "String" })));
    expect(denied.name).toBe("AccessDeniedException");
    expect(denied.message).toMatch(/not authorized to perform: ssm:PutParameter on resource: arn:aws:ssm:us-east-1:123456789012:parameter\/a\/locked/);
    await ssm.send(new PutParameterCommand({ Name: "/a/open", Value: "v", Type: "SecureString" }));
    emu.store.deny({ action: "kms:Decrypt" });
    expect((await failure(ssm.send(new GetParametersCommand({ Names: ["/a/open"], WithDecryption: true })))).name).toBe("AccessDeniedException");
    expect((await ssm.send(new GetParametersCommand({ Names: ["/a/open"] }))).Parameters).toHaveLength(1);
  });

  it("deletes, and answers ParameterNotFound after", async () => {
    await ssm.send(new PutParameterCommand({ Name: "/a/d", Value: "v", Type: "String" }));
    await ssm.send(new DeleteParameterCommand({ Name: "/a/d" }));
    expect(await failure(ssm.send(new GetParameterCommand({ Name: "/a/d" })))).toBeInstanceOf(ParameterNotFound);
    expect(await failure(ssm.send(new DeleteParameterCommand({ Name: "/a/d" })))).toBeInstanceOf(ParameterNotFound);
  });

  it("injects faults: a throttle the SDK retries, an error it does not", async () => {
    emu.faults.throttleNext("PutParameter");
    await ssm.send(new PutParameterCommand({ Name: "/a/f", Value: "v", Type: "String" }));
    expect(emu.calls.of("PutParameter").map((c) => c.errorType ?? "ok")).toEqual(["ThrottlingException", "ok"]);
    emu.faults.failNext("GetParameter", { status: 400, errorType: "AccessDeniedException", message: "no" });
    expect((await failure(ssm.send(new GetParameterCommand({ Name: "/a/f" })))).name).toBe("AccessDeniedException");
    expect(emu.faults.pending().failures).toEqual([]);
  });

  it("takes connection faults: a dropped answer after the write was made, a request that never gets an answer", async () => {
    emu.faults.dropNext("PutParameter", { afterHandling: true });
    const once = new SSMClient({ region: "us-east-1", endpoint: emu.url, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1, requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true } });
    try {
      await failure(once.send(new PutParameterCommand({ Name: "/a/dropped", Value: "v", Type: "String" })));
      expect(emu.store.get("/a/dropped")?.value).toBe("v");
      emu.faults.hangNext("GetParameter");
      await failure(once.send(new GetParameterCommand({ Name: "/a/dropped" })));
      expect(emu.calls.of("GetParameter").map((c) => c.errorType)).toEqual(["connection hang"]);
    } finally {
      once.destroy();
    }
  });

  it("hostile: an error answer echoes the request", async () => {
    const hostile = await startSsmEmulator({ hostile: true });
    const client = new SSMClient({ region: "us-east-1", endpoint: hostile.url, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
    try {
      hostile.faults.failNext("PutParameter", { status: 400, errorType: "ValidationException", message: "bad" });
      expect((await failure(client.send(new PutParameterCommand({ Name: "/a/e", Value: "echo-me", Type: "String" })))).message).toContain("echo-me");
    } finally {
      client.destroy();
      await hostile.close();
    }
  });

  it("keeps every request whole, for leak checks", async () => {
    await ssm.send(new PutParameterCommand({ Name: "/a/r", Value: "look-for-me", Type: "SecureString" }));
    expect(emu.requests).toHaveLength(1);
    expect(emu.requests[0]?.headers["x-amz-target"]).toBe("AmazonSSM.PutParameter");
    expect(JSON.parse(emu.requests[0]!.body)).toMatchObject({ Name: "/a/r", Value: "look-for-me" });
  });
});
