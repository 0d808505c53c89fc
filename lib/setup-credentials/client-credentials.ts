/**
 * The security profile's client ID and secret, and the refresh token of
 * --refresh-token-stdin: from the environment (the ASK CLI's names) or a
 * terminal (the secret with hidden input), the token from standard input
 * only, never from an argument. Every value is registered for redaction.
 */
import { readLwaClient } from "../credentials";
import { UsageError } from "../errors";
import { rememberSecrets } from "../output";
import type { LwaClientCredentials } from "./lwa-tokens";
import type { Terminal } from "./terminal";

export async function clientCredentials(env: NodeJS.ProcessEnv, terminal: Terminal): Promise<LwaClientCredentials> {
  const fromEnv = readLwaClient(env);
  const missing = [...(fromEnv.clientId ? [] : ["ASK_LWA_CLIENT_ID"]), ...(fromEnv.clientSecret ? [] : ["ASK_LWA_CLIENT_SECRET (or ASK_LWA_CLIENT_CONFIRMATION)"])];
  if (missing.length > 0 && !terminal.interactive) {
    throw new UsageError(
      `Missing ${missing.join(" and ")}: the security profile's values (developer console, Login with Amazon). ` +
        "Set them in the environment, or run the command at a terminal to type them (the secret is not echoed).",
    );
  }
  const clientId = fromEnv.clientId ?? (await terminal.ask("Security profile client ID (amzn1.application-oa2-client.…): "));
  const clientSecret = fromEnv.clientSecret ?? (await terminal.ask("Security profile client secret (not shown): ", { hidden: true }));
  rememberSecrets([clientSecret]);
  if (!clientId) throw new UsageError("No client ID was given; it is the security profile's client ID (amzn1.application-oa2-client.…).");
  if (!clientSecret) throw new UsageError("No client secret was given; it is the security profile's client secret.");
  return { clientId, clientSecret };
}

/** The refresh token piped in (read whole, trimmed), or typed hidden at a terminal. */
export async function refreshTokenFromStdin(readStdin: () => Promise<string>, terminal: Terminal): Promise<string> {
  const token = (terminal.interactive ? await terminal.ask("Refresh token (not shown): ", { hidden: true }) : await readStdin()).trim();
  rememberSecrets([token]);
  if (!token) throw new UsageError("--refresh-token-stdin: standard input is empty. Pipe the refresh token in, e.g. `pass show lwa-refresh-token | npm run setup:credentials -- --refresh-token-stdin`.");
  if (/\s/.test(token)) {
    throw new UsageError("--refresh-token-stdin: standard input holds more than one word; pipe the refresh token alone (Atzr|…), not a file of several values.");
  }
  return token;
}
