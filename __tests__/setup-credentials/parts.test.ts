import { authorizeUrl, judgeCallback } from "../../lib/setup-credentials/authorize";
import { browserCommand } from "../../lib/setup-credentials/browser";
import { planStore } from "../../lib/setup-credentials/store";
import { parameterNames } from "../../lib/setup-credentials/parameters";
import { applyStore } from "../../lib/setup-credentials/store";
import { testEnvironment } from "../../lib/emulators/example-config";
import { startSsmEmulator } from "../../lib/emulators/ssm";
import { SSMClient } from "@aws-sdk/client-ssm";

describe("the callback's answer", () => {
  const good = (extra: Record<string, string> = {}) => new URLSearchParams({ code: "c-1", state: "s-1", ...extra });

  it("is accepted with this login's state and a code", () => {
    expect(judgeCallback(good(), "s-1")).toEqual({ ok: true, code: "c-1" });
  });

  it("is refused with another state, or none", () => {
    expect(judgeCallback(good({ state: "s-2" }), "s-1")).toMatchObject({ ok: false, denied: false });
    expect(judgeCallback(new URLSearchParams({ code: "c-1" }), "s-1")).toMatchObject({ ok: false });
  });

  it("says the sign-in was declined on access_denied, and names other errors", () => {
    expect(judgeCallback(new URLSearchParams({ error: "access_denied", state: "s-1" }), "s-1")).toMatchObject({ ok: false, denied: true });
    const other = judgeCallback(new URLSearchParams({ error: "invalid_scope", error_description: "unknown scope" }), "s-1");
    expect(other).toMatchObject({ ok: false, denied: false });
    expect(!other.ok && other.reason).toMatch(/invalid_scope: unknown scope/);
  });
});

describe("the authorize URL", () => {
  it("carries the client ID, the scopes, the state and the return URL, and nothing else", () => {
    const url = new URL(authorizeUrl("https://www.amazon.com", { clientId: "amzn1.application-oa2-client.x", redirectUri: "http://127.0.0.1:9090/cb", state: "s" }));
    expect(`${url.origin}${url.pathname}`).toBe("https://www.amazon.com/ap/oa");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: "code",
      client_id: "amzn1.application-oa2-client.x",
      scope: expect.stringMatching(/^alexa::ask:skills:readwrite /),
      state: "s",
      redirect_uri: "http://127.0.0.1:9090/cb",
    });
  });
});

describe("opening a browser", () => {
  const url = "https://www.amazon.com/ap/oa?a=1&b=2";

  it("uses xdg-open only with a display and the opener on PATH", () => {
    expect(browserCommand(url, "linux", { DISPLAY: ":0" }, () => true)).toEqual({ command: "xdg-open", args: [url] });
    expect(browserCommand(url, "linux", { WAYLAND_DISPLAY: "wayland-0" }, () => true)?.command).toBe("xdg-open");
    expect(browserCommand(url, "linux", {}, () => true)).toBeUndefined();
    expect(browserCommand(url, "linux", { DISPLAY: ":0" }, () => false)).toBeUndefined();
  });

  it("uses open on macOS and start (with the URL quoted for cmd) on Windows", () => {
    expect(browserCommand(url, "darwin", {})).toEqual({ command: "open", args: [url] });
    const windows = browserCommand(url, "win32", {});
    expect(windows?.command).toBe("cmd");
    expect(windows?.args.at(-1)).toBe(`start "" "${url}"`);
  });
});

describe("storing under the configured KMS key", () => {
  it("writes SecureStrings under kmsKeyArn when it is configured", async () => {
    const key = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-2222-3333-4444-555566667777";
    const emu = await startSsmEmulator({ kmsKeys: [key] });
    const ssm = new SSMClient({ region: "us-east-1", endpoint: emu.url, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    try {
      const parameters = parameterNames(testEnvironment((c) => void (c.secrets.kmsKeyArn = key)));
      const values = { lwaClientId: "id", lwaClientSecret: "secret-value", refreshToken: "Atzr|token", vendorId: "M1V" };
      const plan = await planStore(ssm, parameters, values, { overwrite: false });
      expect(plan.map((p) => p.action)).toEqual(["create", "create", "create", "create"]);
      await applyStore(ssm, parameters, plan, values, () => {});
      for (const name of Object.values(parameters.names)) expect(emu.store.get(name)).toMatchObject({ type: "SecureString", keyId: key });
      emu.store.deny({ action: "kms:Encrypt", resource: key });
      const rotated = { ...values, refreshToken: "Atzr|newer" };
      const again = await planStore(ssm, parameters, rotated, { overwrite: true });
      await expect(applyStore(ssm, parameters, again, rotated, () => {})).rejects.toThrow(/Access denied.*ssm:PutParameter.*kms:Encrypt/);
    } finally {
      ssm.destroy();
      await emu.close();
    }
  });
});

describe("storing when an answer is lost", () => {
  async function withStore(test: (emu: Awaited<ReturnType<typeof startSsmEmulator>>, ssm: SSMClient) => Promise<void>) {
    const emu = await startSsmEmulator();
    const ssm = new SSMClient({ region: "us-east-1", endpoint: emu.url, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 2 });
    try {
      await test(emu, ssm);
    } finally {
      ssm.destroy();
      await emu.close();
    }
  }
  const parameters = parameterNames(testEnvironment(() => {}));
  const values = { lwaClientId: "id", lwaClientSecret: "secret-value", refreshToken: "Atzr|token", vendorId: "M1V" };

  it("recognises its own write when the SDK repeats a PutParameter whose answer was dropped", () =>
    withStore(async (emu, ssm) => {
      const plan = await planStore(ssm, parameters, values, { overwrite: false });
      emu.faults.dropNext("PutParameter", { afterHandling: true });
      await applyStore(ssm, parameters, plan, values, () => {});
      expect(emu.calls.of("PutParameter").map((c) => c.errorType ?? "ok")).toEqual(["connection drop-after", "ParameterAlreadyExists", "ok", "ok", "ok"]);
      for (const role of Object.keys(values) as Array<keyof typeof values>) expect(emu.store.get(parameters.names[role])).toMatchObject({ type: "SecureString", value: values[role] });
    }));

  it("still reports a parameter somebody else created meanwhile with another value (exit 4)", () =>
    withStore(async (emu, ssm) => {
      const plan = await planStore(ssm, parameters, values, { overwrite: false });
      emu.store.put({ name: parameters.names.lwaClientId, value: "someone-else", type: "SecureString", overwrite: false });
      await expect(applyStore(ssm, parameters, plan, values, () => {})).rejects.toMatchObject({ exitCode: 4 });
      expect(emu.store.get(parameters.names.lwaClientId)?.value).toBe("someone-else");
    }));
});
