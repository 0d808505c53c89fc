/**
 * Where a skill manifest sends Alexa: `apis.custom.endpoint.uri`, overridden
 * per region in `apis.custom.regions.{NA,EU,FE}.endpoint.uri`. Moving the
 * endpoint moves every one of them.
 */
export const ENDPOINT_REGIONS = ["NA", "EU", "FE"] as const;

export interface ManifestEndpoint {
  /** Where in the manifest, e.g. "apis.custom.regions.EU.endpoint.uri". */
  path: string;
  uri: string;
}

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

/** The custom API block of a manifest, whether given the envelope `{ manifest }` or the manifest itself. */
function customApi(manifest: unknown): Json | undefined {
  const root = asObject(manifest);
  const inner = asObject(root?.manifest) ?? root;
  return asObject(asObject(inner?.apis)?.custom);
}

export function manifestEndpoints(manifest: unknown): ManifestEndpoint[] {
  const custom = customApi(manifest);
  if (!custom) return [];
  const found: ManifestEndpoint[] = [];
  const main = asObject(custom.endpoint)?.uri;
  if (typeof main === "string") found.push({ path: "apis.custom.endpoint.uri", uri: main });
  const regions = asObject(custom.regions);
  for (const region of ENDPOINT_REGIONS) {
    const uri = asObject(asObject(regions?.[region])?.endpoint)?.uri;
    if (typeof uri === "string") found.push({ path: `apis.custom.regions.${region}.endpoint.uri`, uri });
  }
  return found;
}

/** A copy of the manifest with every endpoint URI set to `uri`; nothing else changes. */
export function withEndpoint<T>(manifest: T, uri: string): T {
  const copy = structuredClone(manifest);
  const custom = customApi(copy);
  if (!custom) throw new Error("the manifest has no apis.custom section; this skill is not a custom skill");
  const endpoint = asObject(custom.endpoint);
  if (endpoint) endpoint.uri = uri;
  else custom.endpoint = { uri };
  const regions = asObject(custom.regions);
  for (const region of ENDPOINT_REGIONS) {
    const regional = asObject(asObject(regions?.[region])?.endpoint);
    if (regional && typeof regional.uri === "string") regional.uri = uri;
  }
  return copy;
}
