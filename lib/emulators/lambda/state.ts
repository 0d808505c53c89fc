/**
 * The in-memory Lambda control plane: functions, `$LATEST` and its update
 * lifecycle, immutable versions, aliases and per-qualifier resource policies.
 * Rules follow what AWS does (and what its API reference and users' transcripts
 * show), because the scripts under test must cope with exactly that:
 * - An update is asynchronous: `LastUpdateStatus` is `InProgress` for a while,
 *   during which invocations of `$LATEST` still run the previous code, and
 *   another update or a PublishVersion is refused with 409.
 * - `RevisionId` changes on every change, including when an update finishes.
 * - PublishVersion returns the latest version, unchanged, when `$LATEST` has not
 *   been updated since it was published (an update with identical bytes still
 *   counts as a change, as on AWS).
 * Time is read lazily (no timers): an update is settled whenever the function
 * is next looked at, so nothing keeps the process alive.
 */
import { createHash, randomUUID } from "node:crypto";
import { type Place, functionArn, isVersionNumber } from "./arn";
import {
  LambdaApiError,
  conflict,
  functionNotFound,
  invalidParameter,
  notFound,
  preconditionFailed,
  updateInProgress,
} from "./errors";
import { type PermissionInput, type PolicyStatement, buildStatement } from "./policy";
import { looksLikeZip } from "./zip";

export const LATEST = "$LATEST";

export interface CodePackage {
  zip: Buffer;
  /** Base64 of the SHA-256 of the zip, as Lambda reports it. */
  sha256: string;
  size: number;
}

export function codePackage(zip: Uint8Array): CodePackage {
  const buf = Buffer.from(zip);
  return { zip: buf, sha256: createHash("sha256").update(buf).digest("base64"), size: buf.length };
}

export interface FunctionSettings {
  runtime: string;
  handler: string;
  role: string;
  timeout: number;
  memorySize: number;
  architectures: string[];
}

export type UpdateStatus = "Successful" | "InProgress" | "Failed";

/** `$LATEST` or a published version, as GetFunctionConfiguration describes it. */
export interface Snapshot {
  version: string;
  code: CodePackage;
  settings: FunctionSettings;
  description: string;
  revisionId: string;
  lastModified: string;
  lastUpdateStatus: UpdateStatus;
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: string;
}

export interface AliasRecord {
  name: string;
  functionVersion: string;
  description: string;
  /** `RoutingConfig.AdditionalVersionWeights`; absent when the alias has no routing. */
  additionalVersionWeights?: Record<string, number>;
  revisionId: string;
}

/**
 * One invocation, as CloudWatch's AWS/Lambda metrics count it: by function,
 * by the qualifier it was addressed with (the `Resource` dimension:
 * `<function>:<alias>`), and by the version that ran (`ExecutedVersion`).
 */
export interface InvocationRecord {
  functionName: string;
  /** As addressed: undefined (unqualified), `$LATEST`, a version or an alias. */
  qualifier: string | undefined;
  executedVersion: string;
  /** A function error (unhandled exception or timeout): what the `Errors` metric counts. */
  error: boolean;
  /** Epoch milliseconds, on the emulator's clock. */
  at: number;
}

export interface UpdateFailure {
  reason: string;
  reasonCode: string;
}

interface PendingUpdate {
  completesAt: number;
  previous: CodePackage;
  failure?: UpdateFailure;
  /** The version UpdateFunctionCode's `Publish` created along with the update. */
  publishedVersion?: string;
}

export interface FunctionRecord {
  name: string;
  latest: Snapshot;
  pending?: PendingUpdate;
  /** Whether `$LATEST` was updated since the last PublishVersion. */
  changedSincePublish: boolean;
  versions: Map<string, Snapshot>;
  lastVersionNumber: number;
  aliases: Map<string, AliasRecord>;
  /** Keyed by qualifier; the unqualified (function-level) policy under "". */
  policies: Map<string, PolicyStatement[]>;
  nextUpdateFailure?: UpdateFailure;
  /** The function's tags (Lambda tags functions, not versions or aliases). */
  tags: Map<string, string>;
}

/** Where a qualifier points: what to describe and what revision guards its policy. */
export interface Resolved {
  fn: FunctionRecord;
  snapshot: Snapshot;
  alias?: AliasRecord;
}

export interface StateOptions {
  place: Place;
  updateDurationMs: number;
  /** After an alias changes, this many GetAlias reads of it still return it as it was (default 0). */
  staleAliasReads?: number;
  now: () => number;
  random: () => number;
}

export interface AliasInput {
  FunctionVersion?: string;
  Description?: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
  RevisionId?: string;
}

const ALIAS_NAME = /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/;

export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

export class LambdaState {
  private readonly functions = new Map<string, FunctionRecord>();
  private readonly invocationLog: InvocationRecord[] = [];
  /** By function and alias: what stale GetAlias reads still return, and how many more of them will. */
  private readonly staleAliases = new Map<string, { previous: AliasRecord; readsLeft: number }>();

  constructor(readonly options: StateOptions) {}

  get place(): Place {
    return this.options.place;
  }

  arn(name: string, qualifier?: string): string {
    return functionArn(this.place, name, qualifier);
  }

  functionNames(): string[] {
    return [...this.functions.keys()].sort();
  }

  addFunction(name: string, settings: FunctionSettings, description: string, code: CodePackage): FunctionRecord {
    if (this.functions.has(name)) throw conflict(`Function already exist: ${name}`);
    const fn: FunctionRecord = {
      name,
      latest: {
        version: LATEST,
        code,
        settings,
        description,
        revisionId: randomUUID(),
        lastModified: this.stamp(),
        lastUpdateStatus: "Successful",
      },
      changedSincePublish: true,
      versions: new Map(),
      lastVersionNumber: 0,
      aliases: new Map(),
      policies: new Map(),
      tags: new Map(),
    };
    this.functions.set(name, fn);
    return fn;
  }

  /** The function, with any finished update applied. */
  get(name: string): FunctionRecord {
    const fn = this.functions.get(name);
    if (!fn) throw functionNotFound(this.arn(name));
    this.settle(fn);
    return fn;
  }

  /** Resolves `$LATEST`, a version number or an alias name. */
  resolve(name: string, qualifier?: string): Resolved {
    const fn = this.get(name);
    if (qualifier === undefined || qualifier === LATEST) return { fn, snapshot: fn.latest };
    if (isVersionNumber(qualifier)) {
      const snapshot = fn.versions.get(qualifier);
      if (!snapshot) throw functionNotFound(this.arn(name, qualifier));
      return { fn, snapshot };
    }
    const alias = fn.aliases.get(qualifier);
    if (!alias) throw functionNotFound(this.arn(name, qualifier));
    return { fn, snapshot: this.versionOf(fn, alias.functionVersion), alias };
  }

  // --- code updates -------------------------------------------------------

  updateCode(
    name: string,
    zip: Uint8Array,
    opts: { revisionId?: string; publish?: boolean; dryRun?: boolean } = {},
  ): Snapshot {
    const fn = this.get(name);
    if (fn.pending) throw updateInProgress(this.arn(name));
    if (opts.revisionId !== undefined && opts.revisionId !== fn.latest.revisionId) throw preconditionFailed();
    if (!looksLikeZip(zip)) {
      throw invalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.");
    }
    const code = codePackage(zip);
    if (opts.dryRun) return { ...fn.latest, code };

    const failure = fn.nextUpdateFailure;
    delete fn.nextUpdateFailure;
    fn.pending = { completesAt: this.options.now() + this.options.updateDurationMs, previous: fn.latest.code };
    if (failure) fn.pending.failure = failure;
    fn.latest = {
      ...fn.latest,
      code,
      revisionId: randomUUID(),
      lastModified: this.stamp(),
      lastUpdateStatus: "InProgress",
    };
    delete fn.latest.lastUpdateStatusReason;
    delete fn.latest.lastUpdateStatusReasonCode;
    fn.changedSincePublish = true;
    if (!opts.publish) return fn.latest;

    // Publish with the update: the version carries the new code and shares its fate.
    const version = this.cutVersion(fn, fn.latest.description);
    fn.pending.publishedVersion = version.version;
    return version;
  }

  /**
   * Changes `$LATEST`'s configuration (memory, timeout, runtime, ...), as
   * UpdateFunctionConfiguration does for Terraform: a new RevisionId, and the
   * next PublishVersion publishes a new version even though the code is the same.
   */
  updateSettings(name: string, settings: Partial<FunctionSettings>): Snapshot {
    const fn = this.get(name);
    if (fn.pending) throw updateInProgress(this.arn(name));
    fn.latest = { ...fn.latest, settings: { ...fn.latest.settings, ...settings }, revisionId: randomUUID(), lastModified: this.stamp() };
    fn.changedSincePublish = true;
    return fn.latest;
  }

  /** Makes the next update of `name` end `Failed`, as a broken package or a service fault would. */
  failNextUpdate(name: string, reason: string, reasonCode = "InternalError"): void {
    this.get(name).nextUpdateFailure = { reason, reasonCode };
  }

  /** Ends an update in progress now, instead of after `updateDurationMs`. */
  finishUpdate(name: string): void {
    const fn = this.get(name);
    if (fn.pending) fn.pending.completesAt = this.options.now();
    this.settle(fn);
  }

  private settle(fn: FunctionRecord): void {
    const pending = fn.pending;
    if (!pending || this.options.now() < pending.completesAt) return;
    delete fn.pending;
    const published = pending.publishedVersion ? fn.versions.get(pending.publishedVersion) : undefined;
    const outcome: Partial<Snapshot> = pending.failure
      ? {
          lastUpdateStatus: "Failed",
          lastUpdateStatusReason: pending.failure.reason,
          lastUpdateStatusReasonCode: pending.failure.reasonCode,
        }
      : { lastUpdateStatus: "Successful" };
    // A failed update leaves the previous code in place.
    const code = pending.failure ? pending.previous : fn.latest.code;
    fn.latest = { ...fn.latest, ...outcome, code, revisionId: randomUUID() };
    // The version published with a failed update holds code `$LATEST` no longer has.
    if (pending.failure) fn.changedSincePublish = true;
    if (published) fn.versions.set(published.version, { ...published, ...outcome, revisionId: randomUUID() });
  }

  /** The code `$LATEST` runs right now: the previous package while an update is in progress. */
  runningCode(fn: FunctionRecord, snapshot: Snapshot): CodePackage {
    return snapshot.version === LATEST && fn.pending ? fn.pending.previous : snapshot.code;
  }

  // --- tags -------------------------------------------------------------

  /**
   * TagResource. Whether tagging moves the function's RevisionId is not
   * documented; we model the less convenient answer (it does), so a release
   * that read $LATEST before a deploy tagged it sees a conflict, never a
   * silent success.
   */
  tagFunction(name: string, tags: Record<string, string>): void {
    const fn = this.get(name);
    for (const [key, value] of Object.entries(tags)) {
      if (key.length < 1 || key.length > 128 || key.toLowerCase().startsWith("aws:")) throw invalidParameter(`Tag key ${JSON.stringify(key)} is not valid.`);
      if (typeof value !== "string" || value.length > 256) throw invalidParameter(`The value of tag ${key} is not valid: at most 256 characters.`);
    }
    const merged = new Map([...fn.tags, ...Object.entries(tags)]);
    if (merged.size > 50) throw invalidParameter("A function can have at most 50 tags.");
    fn.tags = merged;
    fn.latest = { ...fn.latest, revisionId: randomUUID() };
  }

  untagFunction(name: string, keys: readonly string[]): void {
    const fn = this.get(name);
    for (const key of keys) fn.tags.delete(key);
    fn.latest = { ...fn.latest, revisionId: randomUUID() };
  }

  tagsOf(name: string): Record<string, string> {
    return Object.fromEntries(this.get(name).tags);
  }

  // --- versions -----------------------------------------------------------

  publishVersion(name: string, opts: { codeSha256?: string; revisionId?: string; description?: string } = {}): Snapshot {
    const fn = this.get(name);
    if (fn.pending) throw updateInProgress(this.arn(name));
    if (opts.revisionId !== undefined && opts.revisionId !== fn.latest.revisionId) throw preconditionFailed();
    if (opts.codeSha256 !== undefined && opts.codeSha256 !== fn.latest.code.sha256) {
      throw invalidParameter(
        `CodeSHA256 (${opts.codeSha256}) is different from current CodeSHA256 in $LATEST ` +
          `(${fn.latest.code.sha256}). Please try again with the CodeSHA256 in $LATEST.`,
      );
    }
    const last = fn.versions.get(String(fn.lastVersionNumber));
    if (!fn.changedSincePublish && last) return last;
    return this.cutVersion(fn, opts.description ?? fn.latest.description);
  }

  /** Adds a published version holding its own package, as if `$LATEST` had held it then. */
  seedVersion(name: string, code: CodePackage, description: string): Snapshot {
    const fn = this.get(name);
    const version = this.cutVersion(fn, description, code);
    fn.changedSincePublish = code.sha256 !== fn.latest.code.sha256;
    return version;
  }

  private cutVersion(fn: FunctionRecord, description: string, code: CodePackage = fn.latest.code): Snapshot {
    fn.lastVersionNumber += 1;
    const version: Snapshot = {
      ...fn.latest,
      code,
      version: String(fn.lastVersionNumber),
      description,
      revisionId: randomUUID(),
      lastModified: this.stamp(),
    };
    fn.versions.set(version.version, version);
    fn.changedSincePublish = false;
    return version;
  }

  /** `$LATEST` first, then versions in ascending order, as ListVersionsByFunction lists them. */
  listVersions(name: string): Snapshot[] {
    const fn = this.get(name);
    const versions = [...fn.versions.values()].sort((a, b) => Number(a.version) - Number(b.version));
    return [fn.latest, ...versions];
  }

  private versionOf(fn: FunctionRecord, version: string): Snapshot {
    if (version === LATEST) return fn.latest;
    const snapshot = fn.versions.get(version);
    if (!snapshot) throw functionNotFound(this.arn(fn.name, version));
    return snapshot;
  }

  // --- aliases ------------------------------------------------------------

  createAlias(name: string, alias: string, input: AliasInput): AliasRecord {
    const fn = this.get(name);
    if (!ALIAS_NAME.test(alias)) {
      throw new LambdaApiError(
        400,
        "ValidationException",
        `1 validation error detected: Value '${alias}' at 'name' failed to satisfy constraint: ` +
          "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)",
      );
    }
    if (!input.FunctionVersion) throw invalidParameter("FunctionVersion is required.");
    this.versionOf(fn, input.FunctionVersion);
    if (fn.aliases.has(alias)) throw conflict(`Alias already exists: ${this.arn(name, alias)}`);
    const record: AliasRecord = {
      name: alias,
      functionVersion: input.FunctionVersion,
      description: input.Description ?? "",
      revisionId: randomUUID(),
    };
    this.applyRouting(fn, record, input.RoutingConfig);
    fn.aliases.set(alias, record);
    return record;
  }

  getAlias(name: string, alias: string): AliasRecord {
    const record = this.get(name).aliases.get(alias);
    if (!record) throw notFound(`Alias not found: ${this.arn(name, alias)}`);
    return record;
  }

  /**
   * The alias as the GetAlias API answers: briefly stale after a change when
   * `staleAliasReads` is set. Lambda's control plane is eventually
   * consistent and AWS does not bound how long a read may lag, so this models
   * the less convenient case; invocations always run the current version.
   */
  readAlias(name: string, alias: string): AliasRecord {
    const current = this.getAlias(name, alias);
    const stale = this.staleAliases.get(`${name}:${alias}`);
    if (!stale || stale.readsLeft <= 0) return current;
    stale.readsLeft -= 1;
    return stale.previous;
  }

  updateAlias(name: string, alias: string, input: AliasInput): AliasRecord {
    const fn = this.get(name);
    const current = this.getAlias(name, alias);
    if (input.RevisionId !== undefined && input.RevisionId !== current.revisionId) throw preconditionFailed();
    const next: AliasRecord = { ...current, revisionId: randomUUID() };
    if (input.FunctionVersion !== undefined) {
      this.versionOf(fn, input.FunctionVersion);
      next.functionVersion = input.FunctionVersion;
    }
    if (input.Description !== undefined) next.description = input.Description;
    if (input.RoutingConfig !== undefined) {
      delete next.additionalVersionWeights;
      this.applyRouting(fn, next, input.RoutingConfig);
    } else if (next.additionalVersionWeights) {
      this.checkRouting(fn, next.functionVersion, next.additionalVersionWeights);
    }
    fn.aliases.set(alias, next);
    const staleReads = this.options.staleAliasReads ?? 0;
    if (staleReads > 0) this.staleAliases.set(`${name}:${alias}`, { previous: current, readsLeft: staleReads });
    return next;
  }

  /** Like AWS, deleting an alias that does not exist succeeds; its policy goes with it. */
  deleteAlias(name: string, alias: string): void {
    const fn = this.get(name);
    fn.aliases.delete(alias);
    fn.policies.delete(alias);
  }

  listAliases(name: string, functionVersion?: string): AliasRecord[] {
    return [...this.get(name).aliases.values()]
      .filter((a) => functionVersion === undefined || a.functionVersion === functionVersion)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Points `alias` at `version` out of band (creating it if needed), as another
   * operator's console click would: the alias gets a new RevisionId.
   */
  setAlias(name: string, alias: string, version: string, weights?: Record<string, number>): AliasRecord {
    const fn = this.get(name);
    const routing = weights === undefined ? undefined : { AdditionalVersionWeights: weights };
    if (!fn.aliases.has(alias)) {
      return this.createAlias(name, alias, { FunctionVersion: version, ...(routing ? { RoutingConfig: routing } : {}) });
    }
    return this.updateAlias(name, alias, { FunctionVersion: version, ...(routing ? { RoutingConfig: routing } : {}) });
  }

  private applyRouting(fn: FunctionRecord, alias: AliasRecord, routing: AliasInput["RoutingConfig"]): void {
    const weights = routing?.AdditionalVersionWeights;
    if (!weights || Object.keys(weights).length === 0) return;
    this.checkRouting(fn, alias.functionVersion, weights);
    alias.additionalVersionWeights = { ...weights };
  }

  private checkRouting(fn: FunctionRecord, primary: string, weights: Record<string, number>): void {
    if (primary === LATEST) {
      throw invalidParameter("$LATEST is not supported for an alias pointing to more than 1 version");
    }
    let total = 0;
    for (const [version, weight] of Object.entries(weights)) {
      if (!isVersionNumber(version)) throw invalidParameter(`Invalid function version ${version}.`);
      this.versionOf(fn, version);
      if (version === primary) {
        throw invalidParameter(`Invalid function version ${version}. Function version ${version} is already included in routing configuration.`);
      }
      if (!(weight >= 0 && weight <= 1)) throw invalidParameter(`Invalid weight ${weight} for version ${version}.`);
      total += weight;
    }
    if (total > 1) throw invalidParameter("The sum of the additional version weights must not exceed 1.0.");
  }

  /** The version an invocation of the alias lands on, drawing by the routing weights. */
  routeAlias(alias: AliasRecord): string {
    const weights = alias.additionalVersionWeights;
    if (!weights) return alias.functionVersion;
    let draw = this.options.random();
    for (const [version, weight] of Object.entries(weights)) {
      if (draw < weight) return version;
      draw -= weight;
    }
    return alias.functionVersion;
  }

  // --- invocations --------------------------------------------------------

  /** Logs an invocation that ran (DryRun invocations do not run, and are not counted). */
  recordInvocation(record: Omit<InvocationRecord, "at">): void {
    this.invocationLog.push({ ...record, at: this.options.now() });
  }

  /** Every invocation that ran, in order: what the CloudWatch emulator computes metrics from. */
  invocations(): readonly InvocationRecord[] {
    return this.invocationLog;
  }

  /** The emulator's clock. */
  now(): number {
    return this.options.now();
  }

  // --- permissions --------------------------------------------------------

  addPermission(name: string, qualifier: string | undefined, input: PermissionInput & { RevisionId?: string }): PolicyStatement {
    const target = this.policyTarget(name, qualifier);
    if (input.RevisionId !== undefined && input.RevisionId !== target.revisionId()) throw preconditionFailed();
    const statements = target.fn.policies.get(target.key) ?? [];
    if (statements.some((s) => s.Sid === input.StatementId)) {
      throw conflict(
        `The statement id (${input.StatementId}) provided already exists. ` +
          "Please provide a new statement id, or remove the existing statement.",
      );
    }
    const statement = buildStatement(input, this.arn(name, qualifier));
    target.fn.policies.set(target.key, [...statements, statement]);
    target.bump();
    return statement;
  }

  /** The policy's statements and the revision that guards them; 404 when there is none. */
  getPolicy(name: string, qualifier: string | undefined): { statements: PolicyStatement[]; revisionId: string } {
    const target = this.policyTarget(name, qualifier);
    const statements = target.fn.policies.get(target.key);
    if (!statements || statements.length === 0) throw notFound("The resource you requested does not exist.");
    return { statements, revisionId: target.revisionId() };
  }

  removePermission(name: string, qualifier: string | undefined, statementId: string, revisionId?: string): void {
    const target = this.policyTarget(name, qualifier);
    if (revisionId !== undefined && revisionId !== target.revisionId()) throw preconditionFailed();
    const statements = target.fn.policies.get(target.key) ?? [];
    if (!statements.some((s) => s.Sid === statementId)) {
      throw notFound(`Statement ${statementId} is not found in resource policy.`);
    }
    const rest = statements.filter((s) => s.Sid !== statementId);
    if (rest.length === 0) target.fn.policies.delete(target.key);
    else target.fn.policies.set(target.key, rest);
    target.bump();
  }

  /** Statements of one policy, for assertions; empty when there is none. */
  statements(name: string, qualifier?: string): PolicyStatement[] {
    const target = this.policyTarget(name, qualifier);
    return [...(target.fn.policies.get(target.key) ?? [])];
  }

  /**
   * A policy belongs to the resource it is attached to: the function (which is
   * `$LATEST`), a version or an alias; changing it changes that RevisionId.
   */
  private policyTarget(name: string, qualifier: string | undefined) {
    const resolved = this.resolve(name, qualifier);
    const { fn, alias } = resolved;
    const key = qualifier ?? "";
    if (alias) {
      return {
        fn,
        key,
        revisionId: () => fn.aliases.get(alias.name)!.revisionId,
        bump: () => fn.aliases.set(alias.name, { ...fn.aliases.get(alias.name)!, revisionId: randomUUID() }),
      };
    }
    const version = resolved.snapshot.version;
    return {
      fn,
      key,
      revisionId: () => (version === LATEST ? fn.latest.revisionId : fn.versions.get(version)!.revisionId),
      bump: () => {
        if (version === LATEST) fn.latest = { ...fn.latest, revisionId: randomUUID() };
        else fn.versions.set(version, { ...fn.versions.get(version)!, revisionId: randomUUID() });
      },
    };
  }

  private stamp(): string {
    return lambdaTimestamp(this.options.now());
  }
}
