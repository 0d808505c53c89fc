import { DEFAULT_ACCOUNT, smapiClient, startSmapiEmulator, type SmapiEmulator } from "../../lib/emulators/smapi";

const SCOPE = "alexa::ask:skills:readwrite alexa::ask:models:readwrite";
let emu: SmapiEmulator;
beforeEach(async () => {
  emu = await startSmapiEmulator();
});
afterEach(async () => emu.close());

function authorize(params: Record<string, string>): Promise<Response> {
  const url = new URL(`${emu.url}/ap/oa`);
  for (const [k, v] of Object.entries({ response_type: "code", client_id: emu.credentials.clientId, scope: SCOPE, state: "s-1", redirect_uri: "http://127.0.0.1:9090/cb", ...params })) url.searchParams.set(k, v);
  return fetch(url, { redirect: "manual" });
}

function token(form: Record<string, string>): Promise<{ status: number; body: Record<string, string> }> {
  return fetch(`${emu.url}/auth/o2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: emu.credentials.clientId, client_secret: emu.credentials.clientSecret, ...form }).toString(),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));
}

describe("LWA emulator: the authorization-code flow", () => {
  it("redirects with a code and the state, and the code is exchanged once for tokens that work", async () => {
    const page = await authorize({});
    expect(page.status).toBe(302);
    const back = new URL(page.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe("http://127.0.0.1:9090/cb");
    expect(back.searchParams.get("state")).toBe("s-1");
    const code = back.searchParams.get("code")!;
    const first = await token({ grant_type: "authorization_code", code, redirect_uri: "http://127.0.0.1:9090/cb" });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).toMatch(/^Atzr\|/);
    const again = await token({ grant_type: "authorization_code", code, redirect_uri: "http://127.0.0.1:9090/cb" });
    expect(again).toEqual({ status: 400, body: expect.objectContaining({ error: "invalid_grant" }) });
    const vendors = await smapiClient(emu, { refreshToken: first.body.refresh_token }).getVendorListV1();
    expect(vendors.vendors?.map((v) => v.id)).toEqual([emu.vendorId]);
  });

  it("refuses a code presented with another return URL", async () => {
    const code = new URL((await authorize({})).headers.get("location")!).searchParams.get("code")!;
    expect((await token({ grant_type: "authorization_code", code, redirect_uri: "http://127.0.0.1:1234/cb" })).body.error).toBe("invalid_grant");
  });

  it("redirects with access_denied when the person declines", async () => {
    emu.lwa.signIn(DEFAULT_ACCOUNT, "deny");
    const back = new URL((await authorize({})).headers.get("location")!);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("s-1");
    expect(back.searchParams.get("code")).toBeNull();
  });

  it("shows an error page, never a redirect, for an unknown client or a return URL the profile does not allow", async () => {
    expect((await authorize({ client_id: "amzn1.application-oa2-client.unknown" })).status).toBe(400);
    const restricted = await startSmapiEmulator({ lwa: { allowedReturnUrls: ["http://127.0.0.1:9090/cb"] } });
    try {
      const page = await fetch(`${restricted.url}/ap/oa?response_type=code&client_id=${restricted.credentials.clientId}&scope=profile&state=x&redirect_uri=${encodeURIComponent("http://127.0.0.1:8080/cb")}`, { redirect: "manual" });
      expect(page.status).toBe(400);
      expect(page.headers.get("location")).toBeNull();
    } finally {
      await restricted.close();
    }
  });

  it("redirects with invalid_scope for a scope LWA does not know", async () => {
    expect(new URL((await authorize({ scope: "alexa::everything" })).headers.get("location")!).searchParams.get("error")).toBe("invalid_scope");
  });
});

describe("SMAPI emulator: vendors and developers", () => {
  it("lists the vendors of the token's account", async () => {
    const token = emu.addAccount("amzn1.account.TWO", { vendors: [{ id: "M1A", name: "A", roles: ["ROLE_DEVELOPER"] }, { id: "M1B", name: "B", roles: [] }], developer: true });
    const answer = await smapiClient(emu, { refreshToken: token }).getVendorListV1();
    expect(answer.vendors).toEqual([{ id: "M1A", name: "A", roles: ["ROLE_DEVELOPER"] }, { id: "M1B", name: "B", roles: [] }]);
    emu.assertNoSpecViolations();
  });

  it("refuses every call on the skill with 403 for an account that is not its developer", async () => {
    const token = emu.addAccount("amzn1.account.OUTSIDER", { vendors: [] });
    const outsider = smapiClient(emu, { refreshToken: token });
    await expect(outsider.getSkillManifestV1(emu.skillId, "development")).rejects.toMatchObject({ statusCode: 403 });
    await expect(smapiClient(emu).getSkillManifestV1(emu.skillId, "development")).resolves.toBeDefined();
    emu.assertNoSpecViolations();
  });
});
