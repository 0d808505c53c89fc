/**
 * The authorize step of Login with Amazon's authorization-code flow, as the
 * ASK CLI's `util generate-lwa-tokens` does it: the scopes it asks for, a
 * return URL on 127.0.0.1, and the page's address. Unlike the ASK CLI (whose
 * `state` is the time), `state` is random and checked on return, so a
 * callback that this login did not start is refused.
 */
import { randomBytes } from "node:crypto";

/** alexa/ask-cli lib/utils/constants.js, LWA.DEFAULT_PUBLIC_SCOPES: what generate-lwa-tokens asks for. */
export const ASK_SCOPES = [
  "alexa::ask:skills:readwrite",
  "alexa::ask:models:readwrite",
  "alexa::ask:skills:test",
  "alexa::ask:catalogs:read",
  "alexa::ask:catalogs:readwrite",
  "alexa::ask:subscriptions",
] as const;

export const AUTHORIZE_PATH = "/ap/oa";
export const CALLBACK_PATH = "/cb";
/** The ASK CLI's local port (LWA.LOCAL_PORT), and the README's Allowed Return URL http://127.0.0.1:9090/cb. */
export const DEFAULT_CALLBACK_PORT = 9090;

export function newState(): string {
  return randomBytes(32).toString("base64url");
}

export function returnUrl(port: number): string {
  return `http://127.0.0.1:${port}${CALLBACK_PATH}`;
}

/** The page a person opens: only the client ID, the scopes, the state and the return URL; never a secret. */
export function authorizeUrl(authorizeHost: string, params: { clientId: string; redirectUri: string; state: string }): string {
  const url = new URL(`${authorizeHost}${AUTHORIZE_PATH}`);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", params.clientId);
  url.searchParams.set("scope", ASK_SCOPES.join(" "));
  url.searchParams.set("state", params.state);
  url.searchParams.set("redirect_uri", params.redirectUri);
  return url.toString();
}

export type CallbackVerdict = { ok: true; code: string } | { ok: false; reason: string; denied: boolean };

/** What the browser brought back, judged: a code with our state, or why not. */
export function judgeCallback(params: URLSearchParams, expectedState: string): CallbackVerdict {
  const error = params.get("error");
  if (error !== null) {
    const description = params.get("error_description");
    if (error === "access_denied") {
      return { ok: false, denied: true, reason: `The sign-in was declined in the browser (access_denied${description ? `: ${description}` : ""}). Nothing was stored; run again and choose Allow.` };
    }
    return {
      ok: false,
      denied: false,
      reason: `Login with Amazon refused the request (${error}${description ? `: ${description}` : ""}). Check the security profile's client ID and its Allowed Return URLs.`,
    };
  }
  // Compared before anything else of the answer is trusted: another page may have sent the browser here.
  if (params.get("state") !== expectedState) {
    return {
      ok: false,
      denied: false,
      reason: "The answer that reached the callback does not carry this login's state, so it was not started here (an old tab, or a forged link). Nothing was stored; run again.",
    };
  }
  const code = params.get("code");
  if (!code) return { ok: false, denied: false, reason: "The answer that reached the callback has neither a code nor an error. Nothing was stored; run again." };
  return { ok: true, code };
}
