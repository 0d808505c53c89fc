import { ConcurrentChange, InvariantRefusal, OperationFailed, UsageError } from "../../lib/errors";
import { amazonsMessage, explainSmapiError, looksLikeReviewLock, smapiCall, statusCodeOf } from "../../lib/smapi/errors";

/**
 * The SMAPI error layer without I/O, for the branches the emulator suite does not reach
 * (mutation testing found them unobserved). The error has the shape ask-sdk-model-runtime's
 * BaseServiceClient throws: an Error named "ServiceError" with statusCode and the parsed body
 * as `response`.
 */
function serviceError(statusCode: number, response?: object): Error {
  return Object.assign(new Error("Unknown error"), { name: "ServiceError", statusCode, response });
}

const context = { action: "updating the manifest", skillId: "amzn1.ask.skill.s1", vendorId: "M1VENDOR" };

describe("explainSmapiError: the exit code of each answer", () => {
  it.each([
    [303, OperationFailed, /still applying an earlier update while updating the manifest \(303\)/],
    [401, UsageError, /refused the access token while updating the manifest \(401: expired\)/],
    [403, UsageError, /denied access while updating the manifest \(403: expired\).*skill amzn1\.ask\.skill\.s1 in vendor M1VENDOR/],
    [404, UsageError, /could not find skill amzn1\.ask\.skill\.s1 while updating the manifest \(404: expired\)/],
    [409, ConcurrentChange, /conflict while updating the manifest \(409: expired\)/],
    [412, ConcurrentChange, /somebody else changed it/],
    [429, OperationFailed, /kept throttling while updating the manifest \(429\)/],
    [500, OperationFailed, /SMAPI failed while updating the manifest \(500: expired\)/],
  ])("%i", (status, type, message) => {
    const explained = explainSmapiError(serviceError(status, { message: "expired" }), context);
    expect(explained).toBeInstanceOf(type);
    expect(explained.message).toMatch(message);
  });

  it("without a body or a detail, says so plainly", () => {
    expect(explainSmapiError(serviceError(401), context).message).toContain("(401); the token expired");
    expect(explainSmapiError(serviceError(403), { action: "reading" }).message).toBe(
      "SMAPI denied access while reading (403): the LWA account must be a developer with access to the skill. Check ASK_VENDOR_ID and the account's role in the developer console.",
    );
    expect(explainSmapiError(serviceError(404), { action: "reading" }).message).toContain("while reading (404); check SKILL_ID");
    expect(explainSmapiError(serviceError(409), context).message).toContain("(409).");
    expect(explainSmapiError(serviceError(502), context).message).toBe(
      "SMAPI failed while updating the manifest (502). Amazon's side failed, after every retry; run the command again later (it continues where it stopped).",
    );
    expect(explainSmapiError(serviceError(418), context).message).toBe("SMAPI failed while updating the manifest (418).");
  });

  it("joins the message, the error description and each violation into the detail", () => {
    const explained = explainSmapiError(
      serviceError(400, { message: "Invalid", error_description: "bad field", violations: [{ code: "X", message: "uri is wrong" }, { code: "Y" }] }),
      context,
    );
    expect(explained.message).toBe("SMAPI failed while updating the manifest (400: Invalid; bad field; uri is wrong).");
  });

  it("invalid_grant and invalid_client are usage errors that name the fix, whatever the status", () => {
    const grant = explainSmapiError(serviceError(400, { error: "invalid_grant", error_description: "The token is revoked" }), context);
    expect(grant).toBeInstanceOf(UsageError);
    expect(grant.message).toContain("(invalid_grant: The token is revoked)");
    expect(explainSmapiError(serviceError(400, { error: "invalid_grant" }), context).message).toContain("(invalid_grant: revoked or expired)");
    const client = explainSmapiError(serviceError(401, { error: "invalid_client" }), context);
    expect(client).toBeInstanceOf(UsageError);
    expect(client.message).toContain("check ASK_LWA_CLIENT_ID and ASK_LWA_CLIENT_SECRET");
    expect(explainSmapiError(serviceError(401, { error: "unauthorized_client" }), context).message).toContain("refused the access token");
  });

  it("a pipeline error passes through; anything that is not a service error is a failure to answer", () => {
    const refusal = new InvariantRefusal("no");
    expect(explainSmapiError(refusal, context)).toBe(refusal);
    const network = explainSmapiError(new Error("socket hang up"), context);
    expect(network).toBeInstanceOf(OperationFailed);
    expect(network.message).toBe("SMAPI gave no usable answer while updating the manifest: socket hang up");
    expect(explainSmapiError("weird", context).message).toBe("SMAPI gave no usable answer while updating the manifest: weird");
    // An Error named ServiceError without a numeric status is not a service answer.
    const noStatus = Object.assign(new Error("odd"), { name: "ServiceError" });
    expect(explainSmapiError(noStatus, context).message).toBe("SMAPI gave no usable answer while updating the manifest: odd");
    expect(explainSmapiError(Object.assign(new Error("odd"), { statusCode: 500 }), context).message).toContain("gave no usable answer");
  });
});

describe("the review lock (a hint that confirmReviewLock checks against SMAPI)", () => {
  it("is a 403 whose message or violations speak of review, locking or certification", () => {
    expect(looksLikeReviewLock(serviceError(403, { message: "The skill is In Review" }))).toBe(true);
    expect(looksLikeReviewLock(serviceError(403, { violations: [{ code: "RESOURCE_LOCKED" }] }))).toBe(true);
    expect(looksLikeReviewLock(serviceError(403, { violations: [{ message: "pending certification" }] }))).toBe(true);
    expect(looksLikeReviewLock(serviceError(403, { message: "Access denied" }))).toBe(false);
    expect(looksLikeReviewLock(serviceError(403))).toBe(false);
    expect(looksLikeReviewLock(serviceError(409, { message: "under review" }))).toBe(false);
    expect(looksLikeReviewLock(new Error("under review"))).toBe(false);
  });

  it("is an invariant refusal naming the skill and the detail", () => {
    const explained = explainSmapiError(serviceError(403, { message: "under review" }), context);
    expect(explained).toBeInstanceOf(InvariantRefusal);
    expect(explained.message).toMatch(/^SMAPI refused updating the manifest because skill amzn1\.ask\.skill\.s1 is in certification review and its development stage is locked \(under review\)\. Wait/);
  });
});

describe("smapiCall and statusCodeOf", () => {
  it("returns the answer, or throws the explained error", async () => {
    await expect(smapiCall(context, async () => 7)).resolves.toBe(7);
    await expect(smapiCall(context, async () => { throw serviceError(412); })).rejects.toBeInstanceOf(ConcurrentChange);
  });

  it("reads the status of a service error only", () => {
    expect(statusCodeOf(serviceError(429))).toBe(429);
    expect(statusCodeOf(new Error("x"))).toBeUndefined();
  });
});

describe("amazonsMessage and the SDK's wrapping", () => {
  it("quotes Amazon's body, or the error's own message, or the value", () => {
    expect(amazonsMessage(serviceError(400, { message: "Invalid", error_description: "bad", violations: [{ message: "uri" }, {}] }))).toBe("Invalid; bad; uri");
    expect(amazonsMessage(serviceError(500))).toBe("Unknown error");
    expect(amazonsMessage(new Error("socket hang up"))).toBe("socket hang up");
    expect(amazonsMessage(42)).toBe("42");
  });

  it("strips every repeated 'Call to service failed: ' prefix the SDK adds, and only at the start", () => {
    const wrapped = new Error("Call to service failed: Call to service failed: socket hang up");
    expect(explainSmapiError(wrapped, context).message).toBe("SMAPI gave no usable answer while updating the manifest: socket hang up");
    const inner = new Error("proxy said: Call to service failed: later");
    expect(explainSmapiError(inner, context).message).toBe("SMAPI gave no usable answer while updating the manifest: proxy said: Call to service failed: later");
  });
});
