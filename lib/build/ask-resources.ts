/**
 * Reads an ASK CLI v2 project file, `ask-resources.json`, the way the ASK CLI
 * does (alexa/ask-cli: lib/model/resources-config/ask-resources.js for the
 * fields, lib/utils/profile-helper.js `runtimeProfile` for the profile):
 *
 * - the profile is `__ENVIRONMENT_ASK_PROFILE__` when AWS_ACCESS_KEY_ID,
 *   AWS_SECRET_ACCESS_KEY, ASK_REFRESH_TOKEN or ASK_ACCESS_TOKEN, and
 *   ASK_VENDOR_ID are all set (the ASK CLI's "environment profile"), else
 *   ASK_DEFAULT_PROFILE, else `default`;
 * - `profiles.<p>.skillMetadata.src`: the skill package;
 * - `profiles.<p>.code.<region>.src`: the code, per Alexa region (`default`,
 *   NA, EU, FE). The ASK CLI builds each distinct src once; this pipeline
 *   deploys one function, so it builds `default` (or the only region there
 *   is) and says which regions it leaves out;
 * - `profiles.<p>.skillInfrastructure.userConfig`: runtime, handler,
 *   awsRegion of the ASK CLI's own Lambda deployer, which this pipeline does
 *   not use: they are compared with the configuration, which wins.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { UsageError } from "../errors";

export const ASK_RESOURCES_FILE = "ask-resources.json";
export const ENVIRONMENT_PROFILE = "__ENVIRONMENT_ASK_PROFILE__";

export interface AskProject {
  file: string;
  profile: string;
  /** Absolute path of the code directory (or file) of the chosen region. */
  codeSrc: string;
  /** The `code` key it came from. */
  codeRegion: string;
  /** Other regions whose code is not built (a different src). */
  skippedRegions: string[];
  /** Absolute path of the skill package, when the profile names one. */
  skillPackageDir?: string;
  userConfig: { runtime?: string; handler?: string; awsRegion?: string };
}

export function askProfile(env: NodeJS.ProcessEnv): string {
  const set = (name: string) => (env[name] ?? "") !== "";
  if (set("AWS_ACCESS_KEY_ID") && set("AWS_SECRET_ACCESS_KEY") && (set("ASK_REFRESH_TOKEN") || set("ASK_ACCESS_TOKEN")) && set("ASK_VENDOR_ID")) {
    return ENVIRONMENT_PROFILE;
  }
  const named = env.ASK_DEFAULT_PROFILE?.trim();
  return named ? named : "default";
}

/** The project, or undefined when the repository has no ask-resources.json. */
export async function readAskProject(repo: string, env: NodeJS.ProcessEnv): Promise<AskProject | undefined> {
  const file = path.join(repo, ASK_RESOURCES_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message}); fix the file, or set source.build in the configuration to build without it.`);
  }
  const profile = askProfile(env);
  const profiles = field(parsed, "profiles");
  const entry = field(profiles, profile);
  if (!isObject(entry)) {
    const known = isObject(profiles) ? Object.keys(profiles) : [];
    throw new UsageError(
      `${file} has no profile ${JSON.stringify(profile)} (profiles: ${known.map((k) => JSON.stringify(k)).join(", ") || "none"}); ` +
        `set ASK_DEFAULT_PROFILE to one of them, or add "${profile}" to the file.`,
    );
  }
  const where = `${file}, profiles.${profile}`;
  const code = field(entry, "code");
  const regions = isObject(code) ? Object.keys(code) : [];
  const codeRegion = regions.includes("default") ? "default" : regions.length === 1 ? (regions[0] as string) : undefined;
  if (codeRegion === undefined) {
    throw new UsageError(
      regions.length === 0
        ? `${where} has no code section (code.default.src); name the code directory there, or set source.build.codeDir in the configuration.`
        : `${where}.code has regions ${regions.join(", ")} but no "default"; this pipeline deploys one function: add code.default.src, or set source.build.codeDir.`,
    );
  }
  const src = field(field(code, codeRegion), "src");
  if (typeof src !== "string" || src.trim() === "") {
    throw new UsageError(`${where}.code.${codeRegion}.src is ${JSON.stringify(src)}; expected the code directory, e.g. "./lambda".`);
  }
  const skippedRegions = regions.filter((r) => r !== codeRegion && field(field(code, r), "src") !== src);
  const metaSrc = field(field(entry, "skillMetadata"), "src");
  const userConfig = field(field(entry, "skillInfrastructure"), "userConfig");
  const text3 = (key: string) => {
    const value = field(userConfig, key);
    return typeof value === "string" ? value : undefined;
  };
  const runtime = text3("runtime");
  const handler = text3("handler");
  const awsRegion = text3("awsRegion");
  return {
    file,
    profile,
    codeSrc: path.resolve(repo, src),
    codeRegion,
    skippedRegions,
    ...(typeof metaSrc === "string" && metaSrc.trim() !== "" && { skillPackageDir: path.resolve(repo, metaSrc) }),
    userConfig: {
      ...(runtime !== undefined && { runtime }),
      ...(handler !== undefined && { handler }),
      ...(awsRegion !== undefined && { awsRegion }),
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function field(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}
