import type { PathSegment } from "./diff";
import type { IgnoreChanges } from "./ignore-changes";
import type { SecretTest } from "./secrets";

/**
 * The typed model of one stack's `terraform show -json` plan that the
 * renderer works on. Raw values stay `unknown`: they are only ever shown
 * through lib/plan/diff.ts, which honours the sensitivity and unknown marks.
 */

/** How a resource changes, derived from Terraform's action list (see classify.ts). */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "forget" | "read" | "no-op";

/** Which half of a replacement happens first, from the order of Terraform's actions. */
export type ReplaceOrder = "delete-first" | "create-first";

export interface ResourceChange {
  address: string;
  /** Set when a `moved` block (or a refactoring) moved the object from another address. */
  previousAddress?: string;
  mode: string;
  type: string;
  name: string;
  /** Terraform's list, as written: kept so unknown future actions are still visible. */
  actions: readonly string[];
  kind: ChangeKind;
  replaceOrder?: ReplaceOrder;
  actionReason?: string;
  /** Attribute paths that forced a replacement. */
  replacePaths: readonly (readonly (string | number)[])[];
  /** Set when the plan imports the object; `id` is the import ID when Terraform gives one. */
  importing?: { id?: string };
  before: unknown;
  after: unknown;
  /** `true`, or a structure of booleans mirroring the value, marking sensitive parts. */
  beforeSensitive: unknown;
  afterSensitive: unknown;
  /** `true`, or a structure of booleans, marking parts known only after apply. */
  afterUnknown: unknown;
}

export interface OutputChange {
  name: string;
  actions: readonly string[];
  kind: ChangeKind;
  before: unknown;
  after: unknown;
  beforeSensitive: unknown;
  afterSensitive: unknown;
  afterUnknown: unknown;
}

export interface StackPlan {
  stack: string;
  terraformVersion?: string;
  changes: ResourceChange[];
  /** Changes Terraform found outside of itself while refreshing (`resource_drift`). */
  drift: ResourceChange[];
  outputs: OutputChange[];
  /** The plan stopped on an error, so it may be missing changes. */
  errored: boolean;
  /** Terraform deferred some changes to a later plan (`complete: false`). */
  incomplete: boolean;
  /**
   * Terraform's `relevant_attributes`: the attributes (of any resource) that
   * the planned changes and conditions use. Drift there explains the plan.
   */
  relevantAttributes: readonly RelevantAttribute[];
  /** The attribute names each resource sets in its configuration, by configuration address (`type.name`). */
  configuredAttributes: ReadonlyMap<string, ReadonlySet<string>>;
  /** `lifecycle.ignore_changes` per resource, from the synthesized configuration; undefined when it was not found. */
  ignoreChanges?: IgnoreChanges;
  /** Whether a string is one of the plan's sensitive values (see secrets.ts). */
  isSecret: SecretTest;
}

export interface RelevantAttribute {
  /** The resource instance's address, e.g. `aws_lambda_function.function`. */
  resource: string;
  attribute: readonly PathSegment[];
}
