import { ConcurrentChange, InvariantRefusal, OperationFailed, UsageError } from "../../lib/errors";
import { smapiCall } from "../../lib/smapi/errors";
import { smapiClient, startSmapiEmulator, type SmapiEmulator } from "../../lib/emulators/smapi";

/** SMAPI's failures, raised by the real ask-smapi-sdk, as messages a person can act on (issue 3). */
describe("explainSmapiError", () => {
  let emu: SmapiEmulator;
  beforeEach(async () => {
    emu = await startSmapiEmulator();
  });
  afterEach(() => emu.close());

  const readManifest = (skillId = emu.skillId, context = { action: "reading the development manifest", skillId, vendorId: "M1VENDOR" }) =>
    smapiCall(context, () => smapiClient(emu).getSkillManifestV1(skillId, "development"));

  it("403 names the vendor and the skill", async () => {
    emu.faults.failNext("getSkillManifestV1", { status: 403, message: "Access denied" });
    const error = await readManifest().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(new RegExp(`403: Access denied.*skill ${emu.skillId} in vendor M1VENDOR.*ASK_VENDOR_ID`));
  });

  it("404 names the skill", async () => {
    const missing = "amzn1.ask.skill.11111111-2222-4333-8444-555555555555";
    const error = await readManifest(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(new RegExp(`could not find skill ${missing} .*check SKILL_ID`));
  });

  it("a revoked refresh token says how to mint a new one", async () => {
    emu.lwa.revokeRefreshToken();
    const error = await readManifest().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/invalid_grant.*setup:credentials -- --overwrite/);
  });

  it("412 is a concurrent change, a review lock an invariant, anything else a failure", async () => {
    emu.faults.failNext("getSkillManifestV1", { status: 412, message: "Precondition failed" });
    await expect(readManifest()).rejects.toBeInstanceOf(ConcurrentChange);
    emu.faults.failNext("getSkillManifestV1", { status: 403, code: "RESOURCE_LOCKED", message: "The skill is under review" });
    await expect(readManifest()).rejects.toBeInstanceOf(InvariantRefusal);
    emu.faults.failNext("getSkillManifestV1", { status: 400, message: "Bad request" });
    await expect(readManifest()).rejects.toThrow(new OperationFailed("SMAPI failed while reading the development manifest (400: Bad request)."));
  });
});
