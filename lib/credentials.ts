import { UsageError } from "./errors";
import { rememberSecrets } from "./output";

/** How the scripts authenticate to SMAPI (DESIGN.md's configuration contract). */
export type AskCredentials =
  | { kind: "refresh-token"; clientId: string; clientSecret: string; refreshToken: string; vendorId?: string }
  | { kind: "access-token"; accessToken: string; vendorId?: string };

export interface SmapiEndpoints {
  /** ASK_SMAPI_SERVER_BASE_URL, the ASK CLI's name. */
  apiEndpoint: string;
  /** ASK_LWA_TOKEN_HOST, the ASK CLI's name. */
  authEndpoint: string;
}

export const DEFAULT_SMAPI_ENDPOINTS: SmapiEndpoints = {
  apiEndpoint: "https://api.amazonalexa.com",
  authEndpoint: "https://api.amazon.com",
};

const value = (env: NodeJS.ProcessEnv, name: string) => (env[name] && env[name]?.trim() !== "" ? env[name] : undefined);

/**
 * LWA credentials from the environment: a refresh token with the security
 * profile's client ID and secret, or ASK_ACCESS_TOKEN alone. Every missing
 * name is listed in one error, so one fix is enough.
 */
export function readAskCredentials(env: NodeJS.ProcessEnv, required: { vendorId?: boolean } = {}): AskCredentials {
  const vendorId = value(env, "ASK_VENDOR_ID");
  const missingVendor = required.vendorId && !vendorId ? ["ASK_VENDOR_ID"] : [];
  const accessToken = value(env, "ASK_ACCESS_TOKEN");
  const clientId = value(env, "ASK_LWA_CLIENT_ID");
  // ASK_LWA_CLIENT_CONFIRMATION is the ASK CLI's newer name for the client secret.
  const clientSecret = value(env, "ASK_LWA_CLIENT_SECRET") ?? value(env, "ASK_LWA_CLIENT_CONFIRMATION");
  const refreshToken = value(env, "ASK_REFRESH_TOKEN");
  const withVendor = vendorId ? { vendorId } : {};
  rememberSecrets([clientSecret, refreshToken, accessToken]);

  if (clientId && clientSecret && refreshToken && missingVendor.length === 0) {
    return { kind: "refresh-token", clientId, clientSecret, refreshToken, ...withVendor };
  }
  if (accessToken && !refreshToken && missingVendor.length === 0) return { kind: "access-token", accessToken, ...withVendor };

  const missing = [
    ...(clientId ? [] : ["ASK_LWA_CLIENT_ID"]),
    ...(clientSecret ? [] : ["ASK_LWA_CLIENT_SECRET (or ASK_LWA_CLIENT_CONFIRMATION)"]),
    ...(refreshToken ? [] : ["ASK_REFRESH_TOKEN"]),
    ...missingVendor,
  ];
  throw new UsageError(
    `Missing Alexa (SMAPI) credentials: ${missing.join(", ")}. ` +
      "Set the security profile's client ID and secret and a refresh token (or ASK_ACCESS_TOKEN alone for a short session); " +
      "CodeBuild reads them from Parameter Store. The README's \"Secrets\" section shows how to mint a refresh token.",
  );
}

export function readSmapiEndpoints(env: NodeJS.ProcessEnv): SmapiEndpoints {
  const endpoints = {
    apiEndpoint: value(env, "ASK_SMAPI_SERVER_BASE_URL") ?? DEFAULT_SMAPI_ENDPOINTS.apiEndpoint,
    authEndpoint: value(env, "ASK_LWA_TOKEN_HOST") ?? DEFAULT_SMAPI_ENDPOINTS.authEndpoint,
  };
  for (const [name, url] of [["ASK_SMAPI_SERVER_BASE_URL", endpoints.apiEndpoint], ["ASK_LWA_TOKEN_HOST", endpoints.authEndpoint]] as const) {
    if (!/^https?:\/\/[^\s/]+(\/.*)?$/.test(url)) {
      throw new UsageError(`${name} is ${JSON.stringify(url)}, which is not a URL; expected for example https://api.amazonalexa.com.`);
    }
  }
  return { apiEndpoint: endpoints.apiEndpoint.replace(/\/+$/, ""), authEndpoint: endpoints.authEndpoint.replace(/\/+$/, "") };
}

/** Where Login with Amazon's authorize page is: ASK_LWA_AUTHORIZE_HOST, the ASK CLI's name. */
export const DEFAULT_LWA_AUTHORIZE_HOST = "https://www.amazon.com";

export function readLwaAuthorizeHost(env: NodeJS.ProcessEnv): string {
  const host = value(env, "ASK_LWA_AUTHORIZE_HOST") ?? DEFAULT_LWA_AUTHORIZE_HOST;
  if (!/^https?:\/\/[^\s/]+(\/.*)?$/.test(host)) {
    throw new UsageError(`ASK_LWA_AUTHORIZE_HOST is ${JSON.stringify(host)}, which is not a URL; expected for example ${DEFAULT_LWA_AUTHORIZE_HOST}.`);
  }
  return host.replace(/\/+$/, "");
}

/** The security profile's client ID and secret alone (no refresh token yet); each may be missing. */
export function readLwaClient(env: NodeJS.ProcessEnv): { clientId?: string; clientSecret?: string } {
  const clientId = value(env, "ASK_LWA_CLIENT_ID");
  // ASK_LWA_CLIENT_CONFIRMATION is the ASK CLI's newer name for the client secret.
  const clientSecret = value(env, "ASK_LWA_CLIENT_SECRET") ?? value(env, "ASK_LWA_CLIENT_CONFIRMATION");
  rememberSecrets([clientSecret]);
  return { ...(clientId ? { clientId } : {}), ...(clientSecret ? { clientSecret } : {}) };
}

/** The secret values, for redaction of everything a command prints. */
export function secretValues(credentials: AskCredentials): string[] {
  return credentials.kind === "refresh-token"
    ? [credentials.clientSecret, credentials.refreshToken]
    : [credentials.accessToken];
}
