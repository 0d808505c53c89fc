/**
 * The SMAPI spec validator itself: requests the spec would reject are caught
 * (with a message that says why), requests it accepts pass, and the emulator's
 * own answers are held to the spec too.
 */
import { EMULATED_OPERATIONS } from "../../lib/emulators/smapi/server";
import { fixtureManifest, fixtureModels, getSpecValidator, startSmapiEmulator } from "../../lib/emulators/smapi/index";

const SKILL = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000";
const validator = getSpecValidator();

function check(method: string, pathAndQuery: string, body?: unknown, headers: Record<string, string> = {}) {
  const [path, query] = pathAndQuery.split("?");
  return validator.validateRequest({
    method,
    path: path ?? "",
    query: new URLSearchParams(query ?? ""),
    headers,
    rawBody: body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body),
  });
}

function manifestWithInterfaces(interfaces: unknown[]): unknown {
  const envelope = fixtureManifest() as { manifest: { apis: { custom: Record<string, unknown> } } };
  envelope.manifest.apis.custom.interfaces = interfaces;
  return envelope;
}

describe("SMAPI spec validator", () => {
  it("is built once per process", () => {
    expect(getSpecValidator()).toBe(validator);
    expect(validator.operations.length).toBeGreaterThan(100);
  });

  it("names every emulated operation after an operation of the spec", () => {
    const names = new Set(validator.operations.map((o) => o.name));
    expect(EMULATED_OPERATIONS.filter((op) => !names.has(op))).toEqual([]);
  });

  describe("accepts what the spec allows", () => {
    it.each([
      ["GET", `/v1/skills/${SKILL}/stages/development/manifest`, undefined, {}],
      ["PUT", `/v1/skills/${SKILL}/stages/development/manifest`, fixtureManifest(), { "if-match": "abc" }],
      ["PUT", `/v1/skills/${SKILL}/stages/development/interactionModel/locales/en-US`, fixtureModels()["en-US"], {}],
      ["HEAD", `/v1/skills/${SKILL}/stages/live/interactionModel/locales/en-US`, undefined, {}],
      ["GET", `/v1/skills/${SKILL}/status?resource=manifest`, undefined, {}],
      ["GET", `/v1/skills/${SKILL}/status`, undefined, {}],
      ["POST", `/v2/skills/${SKILL}/stages/development/simulations`, { input: { content: "open boston info" }, device: { locale: "en-US" } }, {}],
      ["POST", `/v1/skills/${SKILL}/stages/development/validations`, { locales: ["en-US"] }, {}],
      ["POST", `/v1/skills/${SKILL}/submit`, { publicationMethod: "MANUAL_PUBLISHING", versionMessage: "blue" }, {}],
      ["POST", `/v1/skills/${SKILL}/submit`, undefined, {}],
      ["POST", `/v1/skills/${SKILL}/withdraw`, { reason: "OTHER", message: "x" }, {}],
      ["GET", `/v1/skills/${SKILL}/certifications?maxResults=10`, undefined, {}],
      ["POST", `/v1/skills/${SKILL}/publications`, {}, { "accept-language": "en-US" }],
      ["GET", `/v1/skills/${SKILL}/publications/~latest`, undefined, { "accept-language": "en-US" }],
      ["POST", `/v1/skills/${SKILL}/rollbacks`, { targetVersion: "1" }, {}],
      ["PUT", `/v1/skills/${SKILL}/stages/development/manifest`, manifestWithInterfaces([{ type: "ALEXA_PRESENTATION_APL", supportedViewports: [] }]), {}],
    ])("%s %s", (method, path, body, headers) => {
      const result = check(method, path, body, headers);
      expect(result.violations).toEqual([]);
      expect(result.operation).toBeDefined();
    });

    it("matches a literal segment before a parameter", () => {
      const result = check("GET", `/v1/skills/${SKILL}/publications/~latest`, undefined, { "accept-language": "en-US" });
      expect(result.operation?.name).toBe("getSkillPublicationsV1");
      expect(result.pathParams).toEqual({ skillId: SKILL });
    });

    it("accepts the real Boston Info model although one slot value has no synonyms (leniency 1)", () => {
      expect(validator.validateDefinition("v1.skill.interactionModel.InteractionModelData", fixtureModels()["en-US"])).toEqual([]);
    });
  });

  describe("rejects what the spec does not allow", () => {
    it.each([
      ["an unknown path", "GET", "/v1/skills/x/nothing", undefined, {}, /no path template .* matches GET \/v1\/skills\/x\/nothing/],
      ["a wrong method", "DELETE", `/v1/skills/${SKILL}/stages/development/manifest`, undefined, {}, /method DELETE is not defined .* \(the spec allows GET, PUT\)/],
      ["a missing required body", "PUT", `/v1/skills/${SKILL}/stages/development/manifest`, undefined, {}, /requires a body/],
      ["a missing required body field", "POST", `/v1/skills/${SKILL}/withdraw`, { message: "x" }, {}, /must have required property 'reason'/],
      ["a wrong enum value", "POST", `/v1/skills/${SKILL}/submit`, { publicationMethod: "RIGHT_NOW" }, {}, /publicationMethod must be equal to one of the allowed values \(MANUAL_PUBLISHING, AUTO_PUBLISHING\)/],
      ["a bad body type", "POST", `/v1/skills/${SKILL}/submit`, { versionMessage: 42 }, {}, /versionMessage must be string/],
      ["a body that is not JSON", "POST", `/v1/skills/${SKILL}/rollbacks`, "{targetVersion: 1", {}, /body is not JSON/],
      ["a body where none is taken", "GET", `/v1/skills/${SKILL}/status`, { x: 1 }, {}, /takes no request body/],
      ["a non-integer query parameter", "GET", `/v1/skills/${SKILL}/versions?maxResults=ten`, undefined, {}, /maxResults must be an integer/],
      ["an out-of-range query parameter", "GET", `/v1/skills/${SKILL}/versions?maxResults=51`, undefined, {}, /maxResults must be <= 50/],
      ["an undeclared query parameter", "GET", `/v1/skills/${SKILL}/status?resources=manifest`, undefined, {}, /query parameter resources is not defined/],
      ["a missing required header", "POST", `/v1/skills/${SKILL}/publications`, {}, {}, /requires header parameter Accept-Language/],
      ["a malformed locale", "GET", `/v1/skills/${SKILL}/stages/development/interactionModel/locales/english`, undefined, {}, /locale must match format/],
      ["an over-long skill ID", "GET", `/v1/skills/${"x".repeat(256)}/status`, undefined, {}, /skillId must NOT have more than 255 characters/],
      ["a simulation without a device", "POST", `/v2/skills/${SKILL}/stages/development/simulations`, { input: { content: "hi" } }, {}, /must have required property 'device'/],
      ["a bad simulation session mode", "POST", `/v2/skills/${SKILL}/stages/development/simulations`, { input: { content: "hi" }, device: { locale: "en-US" }, session: { mode: "SOMETIMES" } }, {}, /session\/mode must be equal to one of the allowed values/],
      ["a manifest endpoint that is neither an ARN nor HTTPS", "PUT", `/v1/skills/${SKILL}/stages/development/manifest`, fixtureManifest("http://example.com/skill"), {}, /endpoint\/uri must match pattern/],
      ["an unknown interface type (discriminator)", "PUT", `/v1/skills/${SKILL}/stages/development/manifest`, manifestWithInterfaces([{ type: "HOLOGRAM" }]), {}, /interfaces\/0\/type must be one of the v1\.skill\.Manifest\.Interface subtypes/],
      ["a bad property of an interface subtype", "PUT", `/v1/skills/${SKILL}/stages/development/manifest`, manifestWithInterfaces([{ type: "ALEXA_PRESENTATION_APL", supportedViewports: "all" }]), {}, /interfaces\/0\/supportedViewports must be array/],
    ])("%s", (_what, method, path, body, headers, message) => {
      const { violations } = check(method, path, body, headers);
      expect(violations.join("\n")).toMatch(message);
    });
  });

  describe("holds the emulator's answers to the spec", () => {
    const status = validator.operations.find((o) => o.name === "getSkillStatusV1")!;
    const manifest = validator.operations.find((o) => o.name === "getSkillManifestV1")!;

    it("accepts a well-formed answer", () => {
      const body = { manifest: { lastUpdateRequest: { status: "FAILED", errors: [{ code: "X", message: "why" }] }, eTag: "e" } };
      expect(validator.validateResponse(status, 200, {}, body)).toEqual([]);
    });

    it("flags a status the spec does not list, a missing ETag, and a bad body", () => {
      expect(validator.validateResponse(status, 409, {}, { message: "busy" })).toEqual(["getSkillStatusV1 answered 409, which the spec does not list"]);
      expect(validator.validateResponse(manifest, 200, {}, { manifest: {} })).toEqual(["getSkillManifestV1 200 lacks the ETag header"]);
      expect(validator.validateResponse(status, 200, {}, { manifest: { lastUpdateRequest: { status: "DONE" } } }).join()).toMatch(/status must be equal to one of the allowed values/);
    });

    it("gives StandardizedError the message its x-inheritsFrom parent requires", () => {
      expect(validator.validateDefinition("v1.skill.StandardizedError", { code: "X" }).join()).toMatch(/required property 'message'/);
    });
  });

  it("can compile every request body schema of the spec", () => {
    const withBody = validator.operations.filter((o) => o.params.some((p) => p.in === "body"));
    expect(withBody.length).toBeGreaterThan(40);
    for (const op of withBody) {
      const path = op.pathTemplate.replace(/\{[^}]+\}/g, "x");
      expect(() => check(op.method, path, {})).not.toThrow();
    }
  });

  it("answers 400 over HTTP and records the violation", async () => {
    const emu = await startSmapiEmulator({ skillId: SKILL });
    try {
      const token = emu.lwa.issueAccessToken();
      const res = await fetch(`${emu.url}/v1/skills/${SKILL}/submit`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ publicationMethod: "RIGHT_NOW" }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/^Request does not match the SMAPI spec: .*publicationMethod/);
      expect(emu.specViolations).toEqual([expect.objectContaining({ operation: "submitSkillForCertificationV1", method: "POST" })]);
      expect(() => emu.assertNoSpecViolations()).toThrow(/publicationMethod/);
      expect(emu.calls).toEqual([{ operation: "submitSkillForCertificationV1", method: "POST", path: `/v1/skills/${SKILL}/submit`, mutating: true, status: 400 }]);

      const unknown = await fetch(`${emu.url}/v1/nowhere`, { headers: { Authorization: `Bearer ${token}` } });
      expect(unknown.status).toBe(400);
      expect(emu.calls[1]?.operation).toBe("unknown");
    } finally {
      await emu.close();
    }
  });
});
