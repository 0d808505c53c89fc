/**
 * The world setup:credentials meets: the SMAPI + LWA emulator (minting
 * sentinel tokens, with a sentinel client secret) and the Parameter Store
 * emulator, the command's main run with the environment a person would set,
 * and a "browser" that follows the printed authorize URL.
 */
import { Readable } from "node:stream";
import { startSmapiEmulator, type SmapiEmulator, type SmapiEmulatorOptions } from "../../lib/emulators/smapi";
import { startSsmEmulator, type SsmEmulator } from "../../lib/emulators/ssm";
import { main, type SetupMainOptions } from "../../scripts/setup-credentials";

export const SENTINEL = {
  clientSecret: "SENTINEL-CLIENT-SECRET-3b1f9e7c",
  accessPrefix: "SENTINEL-ACCESS-TOKEN-",
  refreshPrefix: "SENTINEL-REFRESH-TOKEN-",
};

export const NAMES = {
  lwaClientId: "/example/boston-info/ask/lwa-client-id",
  lwaClientSecret: "/example/boston-info/ask/lwa-client-secret",
  refreshToken: "/example/boston-info/ask/refresh-token",
  vendorId: "/example/boston-info/ask/vendor-id",
};

export interface World {
  smapi: SmapiEmulator;
  ssm: SsmEmulator;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

let minted = 0;

export async function startWorld(options: Partial<SmapiEmulatorOptions> = {}): Promise<World> {
  const smapi = await startSmapiEmulator({
    ...options,
    lwa: {
      clientSecret: SENTINEL.clientSecret,
      mint: { accessToken: () => `${SENTINEL.accessPrefix}${++minted}`, refreshToken: () => `${SENTINEL.refreshPrefix}${++minted}` },
      ...options.lwa,
    },
  });
  const ssm = await startSsmEmulator();
  // The AWS SDK reads its endpoint override and credentials from the process environment itself.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SSM: ssm.url,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  });
  const env: NodeJS.ProcessEnv = {
    SKILL_ID: smapi.skillId,
    ASK_SMAPI_SERVER_BASE_URL: smapi.url,
    ASK_LWA_TOKEN_HOST: smapi.url,
    ASK_LWA_AUTHORIZE_HOST: smapi.url,
    ASK_LWA_CLIENT_ID: smapi.credentials.clientId,
    ASK_LWA_CLIENT_SECRET: smapi.credentials.clientSecret,
  };
  return { smapi, ssm, env, close: async () => void (await Promise.all([smapi.close(), ssm.close()])) };
}

export interface Run {
  code: Promise<number>;
  stdout(): string;
  stderr(): string;
}

/** Runs the command's main; standard input is `stdin` (piped, not a terminal). */
export function run(world: World, argv: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } & Omit<SetupMainOptions, "stdin"> = {}): Run {
  let stdout = "";
  let stderr = "";
  const io = {
    env: { ...world.env, ...options.env },
    stdout: { write: (t: string) => ((stdout += t), true) },
    stderr: { write: (t: string) => ((stderr += t), true) },
  };
  const { stdin, env: _env, ...mainOptions } = options;
  // Servers in tests listen on a random port; the emulated security profile allows any 127.0.0.1 return URL.
  const args = argv.some((a) => a.startsWith("--port")) ? argv : [...argv, "--port", "0"];
  const code = main(args, io, { stdin: Readable.from(stdin === undefined ? [] : [stdin]), openBrowser: () => false, ...mainOptions });
  return { code, stdout: () => stdout, stderr: () => stderr };
}

/** The authorize URL, once the command has printed it on a line of its own. */
export async function authorizeUrlOf(r: Run): Promise<string> {
  let settled = false;
  void r.code.finally(() => (settled = true));
  for (;;) {
    if (settled) throw new Error(`the command ended without printing an authorize URL:\n${r.stdout()}\n${r.stderr()}`);
    const line = `${r.stdout()}\n${r.stderr()}`.split("\n").find((l) => /^http:\/\/127\.0\.0\.1:\d+\/ap\/oa\?/.test(l));
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Plays the browser: opens the printed URL, follows LWA's redirect back to
 * the callback (after `tamper` if given), and returns the page it shows.
 */
export async function browse(r: Run, tamper: (location: URL) => void = () => {}): Promise<{ status: number; text: string; location: URL }> {
  const page = await fetch(await authorizeUrlOf(r), { redirect: "manual" });
  if (!page.headers.get("location")) throw new Error(`authorize page answered ${page.status}: ${await page.text()}`);
  const location = new URL(page.headers.get("location") ?? "");
  tamper(location);
  const back = await fetch(location, { redirect: "manual" });
  return { status: back.status, text: await back.text(), location };
}

/** Every sentinel value that exists in the world so far. */
export function sentinels(world: World): string[] {
  return [SENTINEL.clientSecret, ...world.smapi.lwa.issuedRefreshTokens()];
}

/** What a person would read: both streams. */
export function printed(r: Run): string {
  return `${r.stdout()}\n${r.stderr()}`;
}
