/**
 * The JSON shapes Lambda answers with (FunctionConfiguration, AliasConfiguration)
 * and its Marker/MaxItems pagination.
 */
import { invalidParameter } from "./errors";
import type { AliasRecord, LambdaState, Snapshot } from "./state";

/**
 * `arnQualifier` is how the caller addressed the function: the ARN is qualified
 * the same way (an alias's ARN names the alias while `Version` names its version).
 */
export function functionConfiguration(
  state: LambdaState,
  name: string,
  snapshot: Snapshot,
  arnQualifier: string | undefined,
): Record<string, unknown> {
  const config: Record<string, unknown> = {
    FunctionName: name,
    FunctionArn: state.arn(name, arnQualifier),
    Runtime: snapshot.settings.runtime,
    Role: snapshot.settings.role,
    Handler: snapshot.settings.handler,
    CodeSize: snapshot.code.size,
    Description: snapshot.description,
    Timeout: snapshot.settings.timeout,
    MemorySize: snapshot.settings.memorySize,
    LastModified: snapshot.lastModified,
    CodeSha256: snapshot.code.sha256,
    Version: snapshot.version,
    TracingConfig: { Mode: "PassThrough" },
    RevisionId: snapshot.revisionId,
    State: "Active",
    LastUpdateStatus: snapshot.lastUpdateStatus,
    PackageType: "Zip",
    Architectures: [...snapshot.settings.architectures],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
    LoggingConfig: { LogFormat: "Text", LogGroup: `/aws/lambda/${name}` },
  };
  if (snapshot.lastUpdateStatusReason !== undefined) config.LastUpdateStatusReason = snapshot.lastUpdateStatusReason;
  if (snapshot.lastUpdateStatusReasonCode !== undefined) {
    config.LastUpdateStatusReasonCode = snapshot.lastUpdateStatusReasonCode;
  }
  return config;
}

/** ListVersionsByFunction qualifies every ARN, `$LATEST` included. */
export function versionListEntry(state: LambdaState, name: string, snapshot: Snapshot): Record<string, unknown> {
  return functionConfiguration(state, name, snapshot, snapshot.version);
}

export function aliasConfiguration(state: LambdaState, name: string, alias: AliasRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    AliasArn: state.arn(name, alias.name),
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    RevisionId: alias.revisionId,
  };
  if (alias.additionalVersionWeights) {
    out.RoutingConfig = { AdditionalVersionWeights: { ...alias.additionalVersionWeights } };
  }
  return out;
}

/** One page of `items`; the marker is opaque to clients, here the next index. */
export function paginate<T>(
  items: readonly T[],
  marker: string | undefined,
  maxItems: string | undefined,
): { page: T[]; nextMarker?: string } {
  let start = 0;
  if (marker !== undefined && marker !== "") {
    const decoded = Buffer.from(marker, "base64url").toString("utf8");
    if (!/^idx:\d+$/.test(decoded)) throw invalidParameter("The marker is not valid.");
    start = Number(decoded.slice(4));
  }
  const size = maxItems === undefined || maxItems === "" ? 50 : Number(maxItems);
  if (!Number.isInteger(size) || size < 1 || size > 10000) {
    throw invalidParameter(`Value ${maxItems} for MaxItems is out of range: expected 1 to 10000.`);
  }
  const page = items.slice(start, start + size);
  const next = start + size;
  return next < items.length ? { page, nextMarker: Buffer.from(`idx:${next}`).toString("base64url") } : { page };
}
