import { devNull } from "node:os";

/**
 * The sandbox's process environment. The AWS SDK reads its credentials and
 * endpoints from `process.env` itself, so the variables that point the
 * commands at the emulators must be set there; and whatever the person's
 * shell holds (a real AWS profile, a real LWA token, an endpoint override,
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) must not reach the commands, or they
 * could talk to Amazon, or carry a real secret to the emulators.
 */

/** Shell variables the sandbox drops: each could redirect a command or carry a real credential. */
const FOREIGN = /^(AWS_|ASK_|PIPELINE_ENV$|SKILL_ID$|LAMBDA_FUNCTION_NAME$|CODEBUILD_)/;

/** The variables that must name 127.0.0.1 before any command runs. */
export const ENDPOINT_VARIABLES = ["AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_CLOUDWATCH", "ASK_SMAPI_SERVER_BASE_URL", "ASK_LWA_TOKEN_HOST"] as const;

/** What a shell pointed at the sandbox must not keep: each could send a command elsewhere or leak a real credential. */
export const UNSET_IN_OTHER_SHELL = ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ASK_ACCESS_TOKEN"] as const;

/** The documented variables first, in the order a person reads them. */
const EXPORT_ORDER = [
  "PIPELINE_ENV",
  "SKILL_ID",
  "LAMBDA_FUNCTION_NAME",
  "AWS_REGION",
  "AWS_ENDPOINT_URL_LAMBDA",
  "AWS_ENDPOINT_URL_CLOUDWATCH",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "ASK_LWA_CLIENT_ID",
  "ASK_LWA_CLIENT_SECRET",
  "ASK_REFRESH_TOKEN",
  "ASK_VENDOR_ID",
  "ASK_SMAPI_SERVER_BASE_URL",
  "ASK_LWA_TOKEN_HOST",
];

/**
 * What points the commands at the emulators: the world's variables, the
 * configured environment they stand in for, and no AWS shared config, since
 * a profile's `ignore_configured_endpoint_urls` would make the SDK skip
 * AWS_ENDPOINT_URL_LAMBDA and call Amazon.
 */
export function sandboxVariables(world: NodeJS.ProcessEnv, pipelineEnv: string): NodeJS.ProcessEnv {
  return { PIPELINE_ENV: pipelineEnv, ...world, AWS_CONFIG_FILE: devNull, AWS_SHARED_CREDENTIALS_FILE: devNull };
}

/**
 * `base` without anything that could point elsewhere, plus the sandbox's
 * variables. Loopback is exempted from any proxy the shell configures.
 */
export function sandboxEnvironment(base: NodeJS.ProcessEnv, variables: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(Object.entries(base).filter(([name]) => !FOREIGN.test(name)));
  const noProxy = [base.NO_PROXY ?? base.no_proxy, "127.0.0.1"].filter((v) => v !== undefined && v !== "").join(",");
  return { ...kept, ...variables, NO_PROXY: noProxy, no_proxy: noProxy };
}

/** Throws unless every endpoint variable names 127.0.0.1: the sandbox never talks to anything else. */
export function assertLoopback(env: NodeJS.ProcessEnv): void {
  for (const name of ENDPOINT_VARIABLES) {
    const value = env[name];
    let host: string | undefined;
    try {
      host = value === undefined ? undefined : new URL(value).hostname;
    } catch {
      host = undefined;
    }
    if (host !== "127.0.0.1") throw new Error(`${name} is ${JSON.stringify(value)}, not an address on 127.0.0.1; the sandbox refuses to run.`);
  }
}

/**
 * Replaces `process.env`'s contents (in place: the SDK and Node hold the
 * object) and returns the function that puts the old ones back.
 */
export function useEnvironment(next: NodeJS.ProcessEnv): () => void {
  const saved = { ...process.env };
  replaceContents(next);
  return () => replaceContents(saved);
}

function replaceContents(next: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(process.env)) if (!(name in next)) delete process.env[name];
  for (const [name, value] of Object.entries(next)) if (value !== undefined) process.env[name] = value;
}

/**
 * Shell lines that point the commands of another terminal at the sandbox.
 * The credentials in them are the emulators' own, fake ones.
 */
export function exportLines(variables: NodeJS.ProcessEnv): string[] {
  const names = [...EXPORT_ORDER.filter((n) => variables[n] !== undefined), ...Object.keys(variables).filter((n) => !EXPORT_ORDER.includes(n))];
  return [`unset ${UNSET_IN_OTHER_SHELL.join(" ")}`, ...names.map((name) => `export ${name}=${shellQuote(variables[name] ?? "")}`)];
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
