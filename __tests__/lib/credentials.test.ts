import { readAskCredentials, readSmapiEndpoints } from "../../lib/credentials";
import { UsageError } from "../../lib/errors";

describe("readAskCredentials", () => {
  const full = { ASK_LWA_CLIENT_ID: "amzn1.application-oa2-client.abc", ASK_LWA_CLIENT_SECRET: "secret-123456", ASK_REFRESH_TOKEN: "Atzr|token-123456" };

  it("reads a refresh-token configuration", () => {
    expect(readAskCredentials(full)).toEqual({ kind: "refresh-token", clientId: full.ASK_LWA_CLIENT_ID, clientSecret: "secret-123456", refreshToken: "Atzr|token-123456" });
  });

  it("accepts the ASK CLI's newer name for the secret", () => {
    const { ASK_LWA_CLIENT_SECRET: _omit, ...rest } = full;
    expect(readAskCredentials({ ...rest, ASK_LWA_CLIENT_CONFIRMATION: "confirm-123456" })).toMatchObject({ clientSecret: "confirm-123456" });
  });

  it("accepts an access token alone", () => {
    expect(readAskCredentials({ ASK_ACCESS_TOKEN: "Atza|access" })).toEqual({ kind: "access-token", accessToken: "Atza|access" });
  });

  it("lists every missing name in one error", () => {
    const error = captureError(() => readAskCredentials({ ASK_LWA_CLIENT_ID: "x" }, { vendorId: true }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain("ASK_LWA_CLIENT_SECRET (or ASK_LWA_CLIENT_CONFIRMATION), ASK_REFRESH_TOKEN, ASK_VENDOR_ID");
    expect((error as UsageError).exitCode).toBe(2);
  });
});

describe("readSmapiEndpoints", () => {
  it("defaults to Amazon's endpoints and honours the ASK CLI's variables", () => {
    expect(readSmapiEndpoints({})).toEqual({ apiEndpoint: "https://api.amazonalexa.com", authEndpoint: "https://api.amazon.com" });
    expect(readSmapiEndpoints({ ASK_SMAPI_SERVER_BASE_URL: "http://127.0.0.1:4000/", ASK_LWA_TOKEN_HOST: "http://127.0.0.1:4001" })).toEqual({
      apiEndpoint: "http://127.0.0.1:4000", authEndpoint: "http://127.0.0.1:4001",
    });
  });

  it("names a variable that is not a URL", () => {
    expect(() => readSmapiEndpoints({ ASK_LWA_TOKEN_HOST: "api.amazon.com" })).toThrow(/ASK_LWA_TOKEN_HOST is "api.amazon.com"/);
  });
});

function captureError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}
