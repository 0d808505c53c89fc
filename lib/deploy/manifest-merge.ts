/**
 * The manifest deploy:skill uploads: the repository's skill.json with the
 * development stage's endpoints. Ownership is split (DESIGN.md): the
 * repository owns everything but the endpoints, the release commands own
 * `apis.custom.endpoint` and every `apis.custom.regions.*.endpoint`. Pure
 * functions, tested without I/O.
 */
import { ENDPOINT_REGIONS } from "../release/endpoints";

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

function custom(envelope: unknown): Json | undefined {
  return asObject(asObject(asObject(asObject(envelope)?.manifest)?.apis)?.custom);
}

/**
 * `repo` (the `{ manifest }` envelope of skill.json) with every endpoint
 * taken from `stage` (the development stage's envelope): set where the stage
 * has one, removed where it has none. A repository without `apis.custom` gets
 * one when the stage has an endpoint, so the upload cannot drop it.
 */
export function withStageEndpoints(repo: unknown, stage: unknown): Json {
  const merged = structuredClone(asObject(repo) ?? {}) as Json;
  const from = custom(stage);
  let to = custom(merged);
  const stageEndpoint = asObject(from?.endpoint);
  const stageRegions = ENDPOINT_REGIONS.map((r) => [r, asObject(asObject(asObject(from?.regions)?.[r])?.endpoint)] as const).filter(([, e]) => e !== undefined);
  if (to === undefined) {
    if (stageEndpoint === undefined && stageRegions.length === 0) return merged;
    const manifest = (asObject(merged.manifest) ?? (merged.manifest = {})) as Json;
    const apis = (asObject(manifest.apis) ?? (manifest.apis = {})) as Json;
    to = (apis.custom = {}) as Json;
  }
  if (stageEndpoint !== undefined) to.endpoint = structuredClone(stageEndpoint);
  else delete to.endpoint;
  const regions = asObject(to.regions);
  for (const region of ENDPOINT_REGIONS) {
    const theirs = stageRegions.find(([r]) => r === region)?.[1];
    const ours = asObject(regions?.[region]);
    if (theirs !== undefined) {
      const target = (asObject(to.regions) ?? (to.regions = {})) as Json;
      target[region] = { ...(ours ?? {}), endpoint: structuredClone(theirs) };
    } else if (ours !== undefined) {
      delete ours.endpoint;
      if (Object.keys(ours).length === 0) delete (regions as Json)[region];
    }
  }
  // `regions` is the object the loop changed in place (it is `to.regions` whenever it is defined).
  if (regions !== undefined && Object.keys(regions).length === 0) delete to.regions;
  return merged;
}

/** Equal as JSON values: object key order does not matter, array order does. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const object = asObject(value);
  if (object) {
    return `{${Object.keys(object)
      .filter((k) => object[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(object[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The top-level paths where two manifests differ, for the log (`manifest.publishingInformation`, …). */
export function differingPaths(a: unknown, b: unknown, prefix = "", depth = 3): string[] {
  if (sameJson(a, b)) return [];
  const x = asObject(a);
  const y = asObject(b);
  if (!x || !y || depth === 0) return [prefix || "(root)"];
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
  return keys.flatMap((k) => differingPaths(x[k], y[k], prefix ? `${prefix}.${k}` : k, depth - 1));
}
