import { loadEnvironment } from "../config";
import { createSsmClient } from "../lib/aws/ssm-client";
import { parseArguments, runCommand, runMain, type CommandIO } from "../lib/cli";
import { readLwaAuthorizeHost, readSmapiEndpoints } from "../lib/credentials";
import { UsageError } from "../lib/errors";
import { commandOutput } from "../lib/output";
import { confirmer } from "../lib/release/confirm";
import { ResilientApiClient } from "../lib/smapi/api-client";
import { DEFAULT_CALLBACK_PORT } from "../lib/setup-credentials/authorize";
import { openBrowser } from "../lib/setup-credentials/browser";
import { failedCheck, setupCredentials, type SetupDeps, type SetupOptions } from "../lib/setup-credentials/command";
import { readAll, terminal, type Terminal, type TerminalInput } from "../lib/setup-credentials/terminal";

export const HELP = `Usage: npm run setup:credentials -- [options]

Signs in with Login with Amazon (the security profile's client ID and secret from
ASK_LWA_CLIENT_ID and ASK_LWA_CLIENT_SECRET, or typed at the terminal), verifies the
refresh token against SMAPI (the account's vendors, the configured skill), and stores
the four values CodeBuild needs as SecureString parameters under the configured names.

Options:
  --refresh-token-stdin  use an existing refresh token read from standard input
                         instead of signing in (never pass a token as an argument)
  --check                read the stored parameters back and prove they still work;
                         prints which parameter is missing or wrong, never a value
  --overwrite            replace existing parameters (rotation); without it they are left alone
  --port <n>             local port of the sign-in callback (default ${DEFAULT_CALLBACK_PORT}:
                         http://127.0.0.1:${DEFAULT_CALLBACK_PORT}/cb must be an Allowed Return URL)
  --timeout <seconds>    how long to wait for the browser (default 300)
  --no-browser           print the sign-in URL only; never try to open a browser
  -y, --yes              store without asking
  --dry-run              sign in and verify, show what would be stored, store nothing
  --json                 the result as JSON on standard output (messages on standard error)
  -h, --help             this help

Exit codes: 0 done, 1 a check or a call failed, 2 bad usage or configuration
(a refused token), 3 existing parameters left alone (use --overwrite), 4 changed meanwhile.
`;

const OPTIONS = {
  "refresh-token-stdin": { type: "boolean", default: false },
  check: { type: "boolean", default: false },
  overwrite: { type: "boolean", default: false },
  port: { type: "string" },
  timeout: { type: "string" },
  "no-browser": { type: "boolean", default: false },
  yes: { type: "boolean", short: "y", default: false },
  "dry-run": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** Flags that would put a secret in shell history and the process list. */
const SECRET_FLAGS = ["--refresh-token", "--client-secret", "--client-confirmation", "--access-token"];

export interface SetupMainOptions {
  /** Standard input (the refresh token, answers); default process.stdin. */
  stdin?: TerminalInput;
  /** Stands in for the terminal (tests: a person choosing a vendor). */
  terminal?: Terminal;
  /** Stands in for the browser opener (default: xdg-open/open/start where there is a display). */
  openBrowser?: (url: string) => boolean;
}

export function main(argv: string[], io: CommandIO, options: SetupMainOptions = {}): Promise<number> {
  return runCommand("setup:credentials", io, async () => {
    refuseSecretArguments(argv);
    const { values } = parseArguments(argv, OPTIONS, HELP);
    if (values.help) {
      io.stdout.write(HELP);
      return;
    }
    const setup = setupOptions(values);
    const input = options.stdin ?? process.stdin;
    const deps = wire(io, input, values.json, values.yes, options);
    const result = await setupCredentials(setup, deps);
    if (values.json) deps.output.json(result);
    if ("ok" in result && !result.ok) throw failedCheck(result);
  });
}

function refuseSecretArguments(argv: string[]): void {
  for (const arg of argv) {
    const flag = SECRET_FLAGS.find((f) => arg === f || arg.startsWith(`${f}=`));
    if (flag) {
      // The value is never repeated: the message may end up in a log.
      throw new UsageError(
        `${flag} is not accepted: a secret in an argument stays in shell history and is visible to every user in the process list. ` +
          (flag === "--refresh-token"
            ? "Pipe it instead: `<command that prints the token> | npm run setup:credentials -- --refresh-token-stdin`."
            : "Set it in the environment (ASK_LWA_CLIENT_SECRET) or type it when asked."),
      );
    }
  }
}

function setupOptions(values: ReturnType<typeof parseArguments<typeof OPTIONS>>["values"]): SetupOptions {
  if (values.check && (values["refresh-token-stdin"] || values.overwrite)) {
    throw new UsageError("--check reads what is stored and changes nothing; it does not go with --refresh-token-stdin or --overwrite.");
  }
  return {
    mode: values.check ? "check" : values["refresh-token-stdin"] ? "stdin" : "login",
    port: integer("--port", values.port, DEFAULT_CALLBACK_PORT, 0, 65535),
    timeoutMs: integer("--timeout", values.timeout, 300, 1, 3600) * 1000,
    browser: !values["no-browser"],
    overwrite: values.overwrite,
    dryRun: values["dry-run"],
  };
}

function integer(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} is ${JSON.stringify(text)}; expected a whole number from ${min} to ${max}.`);
  return n;
}

/** Configuration and endpoints are checked before any call is made. */
function wire(io: CommandIO, input: TerminalInput, json: boolean, yes: boolean, options: SetupMainOptions): SetupDeps {
  const config = loadEnvironment({ env: io.env });
  const endpoints = readSmapiEndpoints(io.env);
  const hosts = { authorize: readLwaAuthorizeHost(io.env), token: endpoints.authEndpoint, smapi: endpoints.apiEndpoint };
  const output = commandOutput(io, { json, env: io.env });
  return {
    config,
    env: io.env,
    hosts,
    http: new ResilientApiClient({ onRetry: (m) => output.progress(m) }),
    ssm: createSsmClient({ region: config.region }),
    output,
    terminal: options.terminal ?? terminal(input, io.stderr as NodeJS.WritableStream),
    readStdin: () => readAll(input),
    openBrowser: options.openBrowser ?? ((url) => openBrowser(url)),
    confirm: confirmer({ yes, input, output: io.stderr as NodeJS.WritableStream }),
  };
}

if (require.main === module) runMain("setup:credentials", (io) => main(process.argv.slice(2), io));
