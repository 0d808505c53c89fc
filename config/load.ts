import type { z } from "zod";
import { UsageError } from "../lib/errors";
import { environments as configuredEnvironments } from "./environments";
import { environmentSchema, type EnvironmentConfig, type EnvironmentInput } from "./schema";

const CONFIG_FILE = "config/environments.ts";

/** DESIGN.md's configuration contract: these variables override the selected environment. */
export const ENVIRONMENT_OVERRIDES = [
  { variable: "SKILL_ID", path: ["skill", "id"] },
  { variable: "LAMBDA_FUNCTION_NAME", path: ["function", "name"] },
  { variable: "AWS_REGION", path: ["region"] },
] as const;

export class ConfigError extends UsageError {}

export interface LoadOptions {
  /** The process environment (injectable for tests). */
  env?: NodeJS.ProcessEnv;
  /** The environments to choose from; defaults to config/environments.ts. */
  environments?: readonly EnvironmentInput[];
}

/**
 * The environments to synthesize: those named in `PIPELINE_ENV` (comma
 * separated), or all of them. Overrides apply only when exactly one is
 * selected, because one `SKILL_ID` cannot be right for two skills.
 */
export function loadEnvironments(options: LoadOptions = {}): EnvironmentConfig[] {
  const env = options.env ?? process.env;
  const all = options.environments ?? configuredEnvironments;
  checkUniqueNames(all);
  const wanted = splitList(env.PIPELINE_ENV);
  const selected = wanted.length > 0 ? wanted.map((name) => findEnvironment(all, name)) : [...all];
  if (selected.length === 0) {
    throw new ConfigError(`No environment is configured in ${CONFIG_FILE}; add one (see the README's "Adding an environment").`);
  }
  const overrides = activeOverrides(env);
  if (selected.length > 1 && overrides.length > 0) {
    throw new ConfigError(
      `${overrides.map((o) => o.variable).join(", ")} ${overrides.length === 1 ? "is" : "are"} set, but ${selected.length} environments ` +
        `are selected (${selected.map((e) => e.name).join(", ")}), and one value cannot override all of them. ` +
        `Set PIPELINE_ENV to the one environment to use, or unset ${overrides.map((o) => o.variable).join(", ")}.`,
    );
  }
  return selected.map((input) => validate(input, selected.length === 1 ? overrides : []));
}

/** The one environment a script operates on: `PIPELINE_ENV`, or the only one configured. */
export function loadEnvironment(options: LoadOptions = {}): EnvironmentConfig {
  const env = options.env ?? process.env;
  const all = options.environments ?? configuredEnvironments;
  const wanted = splitList(env.PIPELINE_ENV);
  if (wanted.length > 1) {
    throw new ConfigError(`PIPELINE_ENV names ${wanted.length} environments (${wanted.join(", ")}); this command works on one. Set PIPELINE_ENV to one of them.`);
  }
  if (wanted.length === 0 && all.length > 1) {
    throw new ConfigError(
      `${all.length} environments are configured (${all.map((e) => e.name).join(", ")}); set PIPELINE_ENV to the one this command should use.`,
    );
  }
  const [only] = loadEnvironments(options);
  // loadEnvironments throws rather than return an empty list.
  return only as EnvironmentConfig;
}

/**
 * One line per environment variable that changes a configured value, so an
 * AWS_REGION left in a shell cannot silently move the skill to another region.
 */
export function overrideNotices(options: LoadOptions = {}): string[] {
  const env = options.env ?? process.env;
  const all = options.environments ?? configuredEnvironments;
  const wanted = splitList(env.PIPELINE_ENV);
  const selected = wanted.length > 0 ? all.filter((e) => wanted.includes(e.name)) : all;
  if (selected.length !== 1) return [];
  const input = selected[0] as EnvironmentInput;
  return activeOverrides(env).flatMap(({ variable, path, value }) => {
    const configured = getPath(input, path);
    return configured === value
      ? []
      : [`${variable}=${value} overrides ${path.join(".")} of environment "${input.name}" (configured: ${configured === undefined ? "default" : JSON.stringify(configured)})`];
  });
}

interface ActiveOverride {
  variable: string;
  path: readonly string[];
  value: string;
}

function activeOverrides(env: NodeJS.ProcessEnv): ActiveOverride[] {
  return ENVIRONMENT_OVERRIDES.flatMap(({ variable, path }) => {
    const value = env[variable];
    // An empty variable is treated as unset, as shells and CI systems often export blanks.
    return value === undefined || value === "" ? [] : [{ variable, path, value }];
  });
}

function validate(input: EnvironmentInput, overrides: readonly ActiveOverride[]): EnvironmentConfig {
  const merged = structuredClone(input) as Record<string, unknown>;
  for (const { path, value } of overrides) setPath(merged, path, value);
  const result = environmentSchema.safeParse(merged);
  if (result.success) return result.data;
  const name = typeof input.name === "string" ? input.name : "(unnamed)";
  const lines = result.error.issues.map((issue) => `  - ${describeIssue(issue, merged, overrides)}`);
  throw new ConfigError(
    `Configuration of environment "${name}" is invalid (${CONFIG_FILE} and environment overrides):\n${lines.join("\n")}`,
  );
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown, overrides: readonly ActiveOverride[]): string {
  const path = issue.path.map(String).join(".");
  const override = overrides.find((o) => o.path.join(".") === path);
  const where = override ? `${override.variable} (overrides ${path})` : path || "(environment)";
  if (issue.code === "unrecognized_keys") {
    return `${where}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}; check the spelling against the README's field table`;
  }
  // The value at the issue's path: for a cross-field rule that is the offending field, not its whole parent.
  const found = getPath(input, issue.path);
  const value = found !== undefined ? `${JSON.stringify(found)}: ` : issue.code === "invalid_type" ? "missing: " : "";
  return `${where}: ${value}${issue.message}`;
}

function getPath(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (typeof node === "object" && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined),
    root,
  );
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: string): void {
  let node = target;
  path.slice(0, -1).forEach((key) => {
    const next = node[key];
    node[key] = typeof next === "object" && next !== null ? next : {};
    node = node[key] as Record<string, unknown>;
  });
  node[path[path.length - 1] as string] = value;
}

function findEnvironment(all: readonly EnvironmentInput[], name: string): EnvironmentInput {
  const found = all.find((e) => e.name === name);
  if (!found) {
    throw new ConfigError(
      `PIPELINE_ENV names "${name}", which is not configured in ${CONFIG_FILE}; configured: ${all.map((e) => e.name).join(", ") || "none"}.`,
    );
  }
  return found;
}

function checkUniqueNames(all: readonly EnvironmentInput[]): void {
  const seen = new Set<string>();
  for (const { name } of all) {
    if (seen.has(name)) throw new ConfigError(`Environment name "${name}" is used twice in ${CONFIG_FILE}; each environment needs its own name.`);
    seen.add(name);
  }
}

function splitList(value: string | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}
