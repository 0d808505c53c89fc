import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { createLambdaClient } from "../../lib/aws/lambda-client";
import { startLambdaEmulator } from "../../lib/emulators/lambda";

/** Points the default credential chain and AWS_ENDPOINT_URL_LAMBDA (the SDK's own override) at `url`, for one test. */
function inEnvironment(url: string): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ENDPOINT_URL_LAMBDA: url, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" });
  delete process.env.AWS_PROFILE;
  return () => {
    process.env = saved;
  };
}

describe("the AWS clients (lib/aws)", () => {
  it("give up on a request that never answers, after the configured timeout and attempts", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const restore = inEnvironment(`http://127.0.0.1:${port}`);
    const lambda = createLambdaClient({ region: "us-east-1", requestTimeoutMs: 200, maxAttempts: 2 });
    try {
      await expect(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "BostonInfoSkill" }))).rejects.toThrow(/timed? ?out|timeout/i);
      expect(sockets.length).toBe(2); // retried once, then gave up
    } finally {
      restore();
      lambda.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("honour AWS_ENDPOINT_URL_LAMBDA and retry throttling with the SDK's standard strategy", async () => {
    const emu = await startLambdaEmulator();
    const restore = inEnvironment(emu.url);
    const lambda = createLambdaClient({ region: "us-east-1", maxAttempts: 3 });
    try {
      emu.faults.throttleNext("GetFunctionConfiguration", 2);
      const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "BostonInfoSkill" }));
      expect(fn.FunctionName).toBe("BostonInfoSkill");
      expect(emu.calls.of("GetFunctionConfiguration").map((c) => c.status)).toEqual([429, 429, 200]);
    } finally {
      restore();
      lambda.destroy();
      await emu.close();
    }
  });
});
