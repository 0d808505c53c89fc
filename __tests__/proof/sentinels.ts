/**
 * Sentinel values for every secret a command may hold, easy to search for:
 * the secret-hygiene proof sets them and then looks for them everywhere they
 * must not be. `MINTED_TOKEN_PREFIX` begins every access token the LWA
 * emulator mints for the process (a secret nobody configured).
 */
export const SECRET_SENTINELS = {
  ASK_LWA_CLIENT_SECRET: "SENTINEL-CLIENT-SECRET-7f3a9c",
  ASK_REFRESH_TOKEN: "SENTINEL-REFRESH-TOKEN-91bc2e",
  AWS_SECRET_ACCESS_KEY: "SENTINEL-AWS-SECRET-KEY-5d2e8a",
  AWS_SESSION_TOKEN: "SENTINEL-AWS-SESSION-TOKEN-c4d1f0",
  GITHUB_TOKEN: "SENTINEL-GITHUB-TOKEN-0a9f77",
} as const;

export const MINTED_TOKEN_PREFIX = "SENTINEL-MINTED-ACCESS-TOKEN-";

/** Every sentinel found in `text`, by name; the minted token by its prefix. */
export function sentinelsIn(text: string): string[] {
  const found = Object.entries(SECRET_SENTINELS).filter(([, value]) => text.includes(value)).map(([name]) => name);
  if (text.includes(MINTED_TOKEN_PREFIX)) found.push("minted LWA access token");
  return found;
}
