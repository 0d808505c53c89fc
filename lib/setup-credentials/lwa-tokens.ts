/**
 * Login with Amazon's token endpoint (`POST <ASK_LWA_TOKEN_HOST>/auth/o2/token`)
 * for the two grants setup:credentials needs: the authorization code of a
 * fresh login, and a refresh token (what CodeBuild does on every run). It
 * goes through the ResilientApiClient, so it has a timeout and retries
 * throttling and 5xx with backoff and jitter. Every token it receives is
 * registered for redaction before anything can print it.
 */
import type { runtime } from "ask-smapi-model";
import { OperationFailed } from "../errors";
import { rememberSecrets } from "../output";

export interface LwaClientCredentials {
  clientId: string;
  clientSecret: string;
}

export type TokenGrant = { kind: "authorization_code"; code: string; redirectUri: string } | { kind: "refresh_token"; refreshToken: string };

export interface LwaTokens {
  accessToken: string;
  refreshToken: string;
}

/** LWA answered with an OAuth 2 error (`invalid_grant`, `invalid_client`, …): the credentials, not the network. */
export class LwaRefusal extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status: number,
  ) {
    super(`${error}${description ? `: ${description}` : ""}`);
    this.name = "LwaRefusal";
  }
}

export const TOKEN_PATH = "/auth/o2/token";

export async function requestTokens(
  http: runtime.ApiClient,
  tokenHost: string,
  client: LwaClientCredentials,
  grant: TokenGrant,
): Promise<LwaTokens> {
  const form = new URLSearchParams({ grant_type: grant.kind, client_id: client.clientId, client_secret: client.clientSecret });
  if (grant.kind === "authorization_code") {
    form.set("code", grant.code);
    // LWA checks that the return URL is the one the code was issued for.
    form.set("redirect_uri", grant.redirectUri);
  } else {
    form.set("refresh_token", grant.refreshToken);
  }
  let response: runtime.ApiClientResponse;
  try {
    response = await http.invoke({
      url: `${tokenHost}${TOKEN_PATH}`,
      method: "POST",
      headers: [
        { key: "Content-Type", value: "application/x-www-form-urlencoded;charset=UTF-8" },
        { key: "Accept", value: "application/json" },
      ],
      body: form.toString(),
    });
  } catch (error) {
    throw new OperationFailed(`Login with Amazon did not answer at ${tokenHost}${TOKEN_PATH}: ${(error as Error).message}. Check the network and ASK_LWA_TOKEN_HOST.`);
  }
  const body = parse(response.body);
  if (response.statusCode === 200 && typeof body.access_token === "string" && typeof body.refresh_token === "string") {
    rememberSecrets([body.access_token, body.refresh_token]);
    return { accessToken: body.access_token, refreshToken: body.refresh_token };
  }
  if (typeof body.error === "string") {
    throw new LwaRefusal(body.error, typeof body.error_description === "string" ? body.error_description : "", response.statusCode);
  }
  // Never echo the body: a 200 without the expected fields may still carry a token.
  throw new OperationFailed(`Login with Amazon answered ${response.statusCode} without tokens or an OAuth error at ${tokenHost}${TOKEN_PATH}; check ASK_LWA_TOKEN_HOST.`);
}

function parse(text: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text ?? "");
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
