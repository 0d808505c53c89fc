/**
 * The Login with Amazon authorization-code flow, as the ASK CLI's
 * `util generate-lwa-tokens` runs it: a callback server on 127.0.0.1, the
 * authorize URL on a line of its own (and in a browser where there is one),
 * the answer's `state` checked, the code exchanged for tokens. Nothing here
 * prints a token.
 */
import type { runtime } from "ask-smapi-model";
import { OperationFailed, UsageError } from "../errors";
import type { Output } from "../output";
import { authorizeUrl, judgeCallback, newState } from "./authorize";
import { startCallbackServer } from "./callback-server";
import { LwaRefusal, requestTokens, type LwaClientCredentials, type LwaTokens } from "./lwa-tokens";
import type { Hosts } from "./verify";

export interface LoginOptions {
  port: number;
  timeoutMs: number;
  /** false with --no-browser: never try to open one. */
  browser: boolean;
}

export interface LoginDeps {
  http: runtime.ApiClient;
  hosts: Hosts;
  output: Output;
  /** Opens the URL in a browser if it can; says whether it did. */
  openBrowser: (url: string) => boolean;
}

export async function loginWithAmazon(client: LwaClientCredentials, options: LoginOptions, deps: LoginDeps): Promise<LwaTokens> {
  const state = newState();
  const server = await startCallbackServer({
    port: options.port,
    page: (params) => {
      const verdict = judgeCallback(params, state);
      return verdict.ok ? { ok: true, text: "Signed in. Go back to the terminal; you can close this tab." } : { ok: false, text: verdict.reason };
    },
  });
  try {
    const url = authorizeUrl(deps.hosts.authorize, { clientId: client.clientId, redirectUri: server.redirectUri, state });
    deps.output.info("Sign in with the Amazon account that develops the skill, and allow access. Open this URL in a browser on this machine:");
    deps.output.info(url);
    const opened = options.browser && deps.openBrowser(url);
    deps.output.progress(
      `${opened ? "A browser was opened. " : ""}Waiting for Login with Amazon to send the browser back to ${server.redirectUri} (up to ${Math.round(options.timeoutMs / 1000)} s)…`,
    );
    const verdict = judgeCallback(await server.wait(options.timeoutMs, deps.output.progress), state);
    if (!verdict.ok) throw new OperationFailed(verdict.reason);
    deps.output.progress("Signed in; exchanging the authorization code for tokens…");
    try {
      return await requestTokens(deps.http, deps.hosts.token, client, { kind: "authorization_code", code: verdict.code, redirectUri: server.redirectUri });
    } catch (error) {
      if (!(error instanceof LwaRefusal)) throw error;
      if (error.error === "invalid_client") {
        throw new UsageError("Login with Amazon refused the client ID or secret (invalid_client) when exchanging the code: check both against the security profile. Nothing was stored.");
      }
      throw new OperationFailed(`Login with Amazon refused the authorization code (${error.message}); codes are valid once, for five minutes. Nothing was stored; run again.`);
    }
  } finally {
    await server.close();
  }
}
