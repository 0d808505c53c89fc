import { readFile } from "node:fs/promises";
import { UsageError } from "../errors";
import type { PathSegment } from "./diff";

/**
 * Which attributes each resource's `lifecycle.ignore_changes` names, read
 * from the synthesized configuration (`cdk.tf.json`, Terraform's JSON
 * syntax). Terraform's JSON plan does not carry it: its `configuration`
 * section has the expressions but no `lifecycle` block (checked with
 * Terraform 1.11.4), so the file Terraform planned is the only source.
 */

/** `all`, or the attribute paths the resource ignores. */
export type IgnoreRule = "all" | readonly (readonly PathSegment[])[];

/** Keyed by the resource's configuration address, `type.name` (no instance key). */
export type IgnoreChanges = ReadonlyMap<string, IgnoreRule>;

/** The file cdktf writes next to each stack's plan. */
export const SYNTHESIZED_CONFIG = "cdk.tf.json";

export function ignoreChangesOf(config: unknown): Map<string, IgnoreRule> {
  const rules = new Map<string, IgnoreRule>();
  const byType = isRecord(config) && isRecord(config.resource) ? config.resource : {};
  for (const [type, byName] of Object.entries(byType)) {
    if (!isRecord(byName)) continue;
    for (const [name, resource] of Object.entries(byName)) {
      const lifecycle = isRecord(resource) ? resource.lifecycle : undefined;
      const ignored = isRecord(lifecycle) ? lifecycle.ignore_changes : undefined;
      if (ignored === "all" || (Array.isArray(ignored) && ignored.includes("all"))) {
        rules.set(`${type}.${name}`, "all");
      } else if (Array.isArray(ignored)) {
        const paths = ignored.filter((entry): entry is string => typeof entry === "string").map(parseTraversal);
        rules.set(`${type}.${name}`, paths.filter((path): path is PathSegment[] => path !== undefined));
      }
    }
  }
  return rules;
}

/**
 * `memory_size`, `tags["team"]`, `rule[0].name`: the attribute traversals
 * ignore_changes takes. A string this cannot read yields undefined, so it
 * hides nothing: a misread rule must show drift, never hide it.
 */
export function parseTraversal(text: string): PathSegment[] | undefined {
  const source = text.startsWith("${") && text.endsWith("}") ? text.slice(2, -1) : text;
  const token = /\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/y;
  const path: PathSegment[] = [];
  let at = 0;
  while (at < source.length) {
    token.lastIndex = at;
    const match = token.exec(source);
    if (match === null || (path.length === 0 && match[0].startsWith("."))) return undefined;
    if (match[1] !== undefined) path.push(match[1]);
    else if (match[2] !== undefined) path.push(Number(match[2]));
    else path.push(JSON.parse(`"${match[3] ?? ""}"`) as string);
    at = token.lastIndex;
  }
  return path.length > 0 ? path : undefined;
}

/** Whether `path` is covered by the rule: the rule's path is a prefix of it. */
export function isIgnored(rule: IgnoreRule | undefined, path: readonly PathSegment[]): boolean {
  if (rule === undefined) return false;
  if (rule === "all") return true;
  return rule.some((ignored) => ignored.length <= path.length && ignored.every((segment, index) => segment === path[index]));
}

/**
 * Reads the ignore rules of the configuration at `path`; `undefined` when
 * there is no such file (a plan.json passed on its own), so the caller can
 * say that it could not tell.
 */
export async function readIgnoreChanges(path: string): Promise<Map<string, IgnoreRule> | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new UsageError(`Cannot read the synthesized configuration ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return ignoreChangesOf(JSON.parse(text));
  } catch {
    // Its text is never quoted: a configuration may hold values a log must not show.
    throw new UsageError(`${path} is not JSON: it should be the cdk.tf.json that cdktf synth wrote next to the plan; run cdktf synth again.`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
