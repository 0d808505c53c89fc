/**
 * Login with Amazon, as far as SMAPI clients use it: the refresh-token grant
 * on `POST /auth/o2/token` and bearer-token checks on every SMAPI call.
 * Error bodies follow LWA's OAuth 2 answers (`invalid_grant`, …).
 */
import { randomBytes } from "node:crypto";

export interface LwaOptions {
  clientId?: string;
  clientSecret?: string;
  /** The refresh token the test's client will use (more can be issued later). */
  refreshToken?: string;
  /** Lifetime of issued access tokens (LWA: 3600). */
  accessTokenTtlSeconds?: number;
  /** How minted access tokens begin (LWA: `Atza|`); a test sets a sentinel to trace where they go. */
  accessTokenPrefix?: string;
}

export interface LwaCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface LwaAnswer {
  status: number;
  body: unknown;
}

type RefreshTokenState = "valid" | "expired" | "revoked";

const INVALID_GRANT = {
  error: "invalid_grant",
  error_description: "The request has an invalid grant parameter : refresh_token",
};

export class LwaEmulator {
  readonly credentials: LwaCredentials;
  private accessTtlSeconds: number;
  private readonly accessTokenPrefix: string;
  private readonly refreshTokens = new Map<string, RefreshTokenState>();
  private readonly accessTokens = new Map<string, { expiresAt: number; refreshToken: string }>();

  constructor(
    options: LwaOptions,
    private readonly now: () => number,
  ) {
    this.credentials = {
      clientId: options.clientId ?? "amzn1.application-oa2-client.emulator",
      clientSecret: options.clientSecret ?? "emulator-client-secret",
      refreshToken: options.refreshToken ?? `Atzr|${token()}`,
    };
    this.accessTtlSeconds = options.accessTokenTtlSeconds ?? 3600;
    this.accessTokenPrefix = options.accessTokenPrefix ?? "Atza|";
    this.refreshTokens.set(this.credentials.refreshToken, "valid");
  }

  /** A further valid refresh token, e.g. for a second operator. */
  issueRefreshToken(): string {
    const value = `Atzr|${token()}`;
    this.refreshTokens.set(value, "valid");
    return value;
  }

  revokeRefreshToken(value = this.credentials.refreshToken): void {
    this.refreshTokens.set(value, "revoked");
    this.dropAccessTokensOf(value);
  }

  expireRefreshToken(value = this.credentials.refreshToken): void {
    this.refreshTokens.set(value, "expired");
  }

  /** Makes every access token issued so far expired, as if an hour had passed. */
  expireAccessTokens(): void {
    for (const entry of this.accessTokens.values()) entry.expiresAt = 0;
  }

  setAccessTokenTtl(seconds: number): void {
    this.accessTtlSeconds = seconds;
  }

  /** An access token without a token call, for raw HTTP tests. */
  issueAccessToken(refreshToken = this.credentials.refreshToken): string {
    const value = `${this.accessTokenPrefix}${token()}`;
    this.accessTokens.set(value, { expiresAt: this.now() + this.accessTtlSeconds * 1000, refreshToken });
    return value;
  }

  /** Answers a token request; the body is form-encoded as LWA expects. */
  token(rawBody: string): LwaAnswer {
    const form = new URLSearchParams(rawBody);
    const grantType = form.get("grant_type");
    if (!grantType) return invalidRequest("grant_type");
    if (grantType !== "refresh_token") {
      return { status: 400, body: { error: "unsupported_grant_type", error_description: "The authorization grant type is not supported by the authorization server" } };
    }
    const clientId = form.get("client_id");
    const clientSecret = form.get("client_secret");
    if (!clientId) return invalidRequest("client_id");
    if (clientId !== this.credentials.clientId || clientSecret !== this.credentials.clientSecret) {
      return { status: 401, body: { error: "invalid_client", error_description: "Client authentication failed" } };
    }
    const refreshToken = form.get("refresh_token");
    if (!refreshToken) return invalidRequest("refresh_token");
    if (this.refreshTokens.get(refreshToken) !== "valid") return { status: 400, body: INVALID_GRANT };
    return {
      status: 200,
      body: {
        access_token: this.issueAccessToken(refreshToken),
        refresh_token: refreshToken,
        token_type: "bearer",
        expires_in: this.accessTtlSeconds,
      },
    };
  }

  /** Checks an `Authorization` header; undefined when it grants access. */
  authenticate(header: string | undefined): string | undefined {
    if (!header) return "Authorization header is missing";
    const m = /^Bearer (.+)$/i.exec(header.trim());
    const entry = m?.[1] ? this.accessTokens.get(m[1]) : undefined;
    if (!entry || entry.expiresAt <= this.now()) return "Token is invalid/expired";
    if (this.refreshTokens.get(entry.refreshToken) === "revoked") return "Token is invalid/expired";
    return undefined;
  }

  private dropAccessTokensOf(refreshToken: string): void {
    for (const [value, entry] of this.accessTokens) if (entry.refreshToken === refreshToken) this.accessTokens.delete(value);
  }
}

function invalidRequest(parameter: string): LwaAnswer {
  return {
    status: 400,
    body: { error: "invalid_request", error_description: `The request is missing a required parameter : ${parameter}` },
  };
}

/** Token text without `+`, `&`, `=` or `%`: the SDK does not form-encode what it sends. */
function token(): string {
  return randomBytes(24).toString("base64url");
}
