/**
 * Login with Amazon, as far as SMAPI clients use it: the authorization-code
 * flow (the authorize page `GET /ap/oa`, which redirects back with `code` and
 * `state` or with `error=access_denied`, and the `authorization_code` grant),
 * the refresh-token grant on `POST /auth/o2/token`, and bearer-token checks on
 * every SMAPI call. Every token belongs to an account (who signed in), so the
 * SMAPI side can answer per account. Error bodies follow LWA's OAuth 2
 * answers (`invalid_grant`, …).
 */
import { randomBytes } from "node:crypto";

/** The account that signs in unless a test says otherwise, and owns the seeded refresh token. */
export const DEFAULT_ACCOUNT = "amzn1.account.EMULATOROPERATOR";

/** The scopes LWA grants to an ASK client (the ASK CLI's list, plus debugging). */
export const KNOWN_SCOPES = [
  "alexa::ask:skills:readwrite",
  "alexa::ask:models:readwrite",
  "alexa::ask:skills:test",
  "alexa::ask:catalogs:read",
  "alexa::ask:catalogs:readwrite",
  "alexa::ask:subscriptions",
  "alexa::ask:skills:debug",
  "profile",
] as const;

// LWA documents that an authorization code is valid for five minutes, and once.
const CODE_TTL_MS = 5 * 60 * 1000;

export interface LwaOptions {
  clientId?: string;
  clientSecret?: string;
  /** The refresh token the test's client will use (more can be issued later). */
  refreshToken?: string;
  /** Lifetime of issued access tokens (LWA: 3600). */
  accessTokenTtlSeconds?: number;
  /**
   * The security profile's Allowed Return URLs. Real LWA wants an exact
   * match; by default any `http://127.0.0.1:<port>/cb` is allowed, since
   * tests listen on random ports.
   */
  allowedReturnUrls?: string[];
  /** How tokens and codes are minted; a test passes sentinels to look for them later. */
  mint?: { accessToken?: () => string; refreshToken?: () => string; code?: () => string };
}

/** What an HTTP answer of the authorize page looks like (a redirect, or an error page). */
export interface AuthorizeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
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

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  account: string;
  expiresAt: number;
}

const INVALID_GRANT = {
  error: "invalid_grant",
  error_description: "The request has an invalid grant parameter : refresh_token",
};

export class LwaEmulator {
  readonly credentials: LwaCredentials;
  private accessTtlSeconds: number;
  private readonly refreshTokens = new Map<string, { state: RefreshTokenState; account: string }>();
  private readonly accessTokens = new Map<string, { expiresAt: number; refreshToken: string }>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly mint: Required<NonNullable<LwaOptions["mint"]>>;
  private readonly allowedReturnUrls: string[] | undefined;
  /** Who is signed in to the browser that opens the authorize page, and what they answer. */
  private signedIn: { account: string; consent: "grant" | "deny" } = { account: DEFAULT_ACCOUNT, consent: "grant" };

  constructor(
    options: LwaOptions,
    private readonly now: () => number,
  ) {
    this.mint = {
      accessToken: options.mint?.accessToken ?? (() => `Atza|${token()}`),
      refreshToken: options.mint?.refreshToken ?? (() => `Atzr|${token()}`),
      code: options.mint?.code ?? (() => token()),
    };
    this.allowedReturnUrls = options.allowedReturnUrls;
    this.credentials = {
      clientId: options.clientId ?? "amzn1.application-oa2-client.emulator",
      clientSecret: options.clientSecret ?? "emulator-client-secret",
      refreshToken: options.refreshToken ?? this.mint.refreshToken(),
    };
    this.accessTtlSeconds = options.accessTokenTtlSeconds ?? 3600;
    this.refreshTokens.set(this.credentials.refreshToken, { state: "valid", account: DEFAULT_ACCOUNT });
  }

  /** A further valid refresh token, e.g. for a second operator or another account. */
  issueRefreshToken(account = DEFAULT_ACCOUNT): string {
    const value = this.mint.refreshToken();
    this.refreshTokens.set(value, { state: "valid", account });
    return value;
  }

  revokeRefreshToken(value = this.credentials.refreshToken): void {
    this.setState(value, "revoked");
    this.dropAccessTokensOf(value);
  }

  expireRefreshToken(value = this.credentials.refreshToken): void {
    this.setState(value, "expired");
  }

  /** Every refresh token issued so far (the seeded one, and those minted by logins). */
  issuedRefreshTokens(): string[] {
    return [...this.refreshTokens.keys()];
  }

  /** Who the next visit to the authorize page signs in as, and whether they consent. */
  signIn(account: string, consent: "grant" | "deny" = "grant"): void {
    this.signedIn = { account, consent };
  }

  /**
   * The authorize page (`GET /ap/oa`): with a known client and an allowed
   * return URL it redirects there, with `code` and `state` when the person
   * consents, with `error=access_denied` when they do not. A bad client or
   * return URL gets an error page and no redirect, as LWA does, so that it
   * never sends anything to an unregistered address.
   */
  authorize(query: URLSearchParams): AuthorizeAnswer {
    const clientId = query.get("client_id");
    const redirectUri = query.get("redirect_uri");
    if (clientId !== this.credentials.clientId) return page(400, "We're sorry! An error occurred: the client_id is not registered (invalid_client).");
    if (!redirectUri || !this.returnUrlAllowed(redirectUri)) {
      return page(400, "We're sorry! An error occurred: the redirect_uri is not one of the security profile's Allowed Return URLs.");
    }
    const back = (params: Record<string, string>): AuthorizeAnswer => {
      const target = new URL(redirectUri);
      const state = query.get("state");
      for (const [key, value] of Object.entries({ ...params, ...(state !== null ? { state } : {}) })) target.searchParams.set(key, value);
      return { status: 302, headers: { Location: target.toString() }, body: "" };
    };
    if (query.get("response_type") !== "code") return back({ error: "unsupported_response_type", error_description: "The response type is not supported" });
    const scopes = (query.get("scope") ?? "").split(/\s+/).filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !(KNOWN_SCOPES as readonly string[]).includes(s))) {
      return back({ error: "invalid_scope", error_description: "An unknown scope was requested" });
    }
    if (this.signedIn.consent === "deny") return back({ error: "access_denied", error_description: "The user denied the request" });
    const code = this.mint.code();
    this.codes.set(code, { clientId, redirectUri, account: this.signedIn.account, expiresAt: this.now() + CODE_TTL_MS });
    return back({ code, scope: scopes.join(" ") });
  }

  /** The account an `Authorization` header's token belongs to, if the token is valid. */
  accountOf(header: string | undefined): string | undefined {
    if (this.authenticate(header) !== undefined) return undefined;
    const value = /^Bearer (.+)$/i.exec(header?.trim() ?? "")?.[1] ?? "";
    const refreshToken = this.accessTokens.get(value)?.refreshToken;
    return refreshToken ? this.refreshTokens.get(refreshToken)?.account : undefined;
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
    const value = this.mint.accessToken();
    this.accessTokens.set(value, { expiresAt: this.now() + this.accessTtlSeconds * 1000, refreshToken });
    return value;
  }

  /** Answers a token request; the body is form-encoded as LWA expects. */
  token(rawBody: string): LwaAnswer {
    const form = new URLSearchParams(rawBody);
    const grantType = form.get("grant_type");
    if (!grantType) return invalidRequest("grant_type");
    if (grantType !== "refresh_token" && grantType !== "authorization_code") {
      return { status: 400, body: { error: "unsupported_grant_type", error_description: "The authorization grant type is not supported by the authorization server" } };
    }
    const clientId = form.get("client_id");
    const clientSecret = form.get("client_secret");
    if (!clientId) return invalidRequest("client_id");
    if (clientId !== this.credentials.clientId || clientSecret !== this.credentials.clientSecret) {
      return { status: 401, body: { error: "invalid_client", error_description: "Client authentication failed" } };
    }
    if (grantType === "authorization_code") return this.exchangeCode(form);
    const refreshToken = form.get("refresh_token");
    if (!refreshToken) return invalidRequest("refresh_token");
    if (this.refreshTokens.get(refreshToken)?.state !== "valid") return { status: 400, body: INVALID_GRANT };
    return this.tokens(refreshToken);
  }

  /** The authorization_code grant: a code once, from the same client, with the same return URL, within its five minutes. */
  private exchangeCode(form: URLSearchParams): LwaAnswer {
    const code = form.get("code");
    if (!code) return invalidRequest("code");
    const redirectUri = form.get("redirect_uri");
    if (!redirectUri) return invalidRequest("redirect_uri");
    const issued = this.codes.get(code);
    this.codes.delete(code);
    if (!issued || issued.expiresAt <= this.now() || issued.clientId !== form.get("client_id") || issued.redirectUri !== redirectUri) {
      return { status: 400, body: { error: "invalid_grant", error_description: "The request has an invalid grant parameter : code" } };
    }
    return this.tokens(this.issueRefreshToken(issued.account));
  }

  private tokens(refreshToken: string): LwaAnswer {
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

  private returnUrlAllowed(uri: string): boolean {
    if (this.allowedReturnUrls) return this.allowedReturnUrls.includes(uri);
    return /^http:\/\/127\.0\.0\.1:\d+\/cb$/.test(uri);
  }

  private setState(refreshToken: string, state: RefreshTokenState): void {
    const entry = this.refreshTokens.get(refreshToken);
    this.refreshTokens.set(refreshToken, { state, account: entry?.account ?? DEFAULT_ACCOUNT });
  }

  /** Checks an `Authorization` header; undefined when it grants access. */
  authenticate(header: string | undefined): string | undefined {
    if (!header) return "Authorization header is missing";
    const m = /^Bearer (.+)$/i.exec(header.trim());
    const entry = m?.[1] ? this.accessTokens.get(m[1]) : undefined;
    if (!entry || entry.expiresAt <= this.now()) return "Token is invalid/expired";
    if (this.refreshTokens.get(entry.refreshToken)?.state === "revoked") return "Token is invalid/expired";
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

function page(status: number, text: string): AuthorizeAnswer {
  return { status, headers: { "Content-Type": "text/html; charset=utf-8" }, body: `<!doctype html><title>Amazon</title><p>${text}</p>` };
}

/** Token text without `+`, `&`, `=` or `%`: the SDK does not form-encode what it sends. */
function token(): string {
  return randomBytes(24).toString("base64url");
}
