import { code } from "./format";
import type { ChangeKind, ReplaceOrder, ResourceChange, StackPlan } from "./model";

/**
 * Terraform's action lists: `["no-op"]`, `["create"]`, `["read"]`,
 * `["update"]`, `["delete"]`, `["forget"]`, and replacements as
 * `["delete","create"]` or `["create","delete"]`. A `delete` anywhere in the
 * list is a deletion, whatever else the list holds, so an action list that a
 * future Terraform invents still cannot hide one.
 */
export function classifyActions(actions: readonly string[]): { kind: ChangeKind; replaceOrder?: ReplaceOrder } {
  const deleteAt = actions.indexOf("delete");
  const createAt = actions.indexOf("create");
  if (deleteAt >= 0 && createAt >= 0) {
    return { kind: "replace", replaceOrder: deleteAt < createAt ? "delete-first" : "create-first" };
  }
  if (deleteAt >= 0) return { kind: "delete" };
  if (createAt >= 0) return { kind: "create" };
  if (actions.includes("update")) return { kind: "update" };
  if (actions.includes("forget")) return { kind: "forget" };
  if (actions.includes("read")) return { kind: "read" };
  if (actions.length === 0 || actions.every((action) => action === "no-op")) return { kind: "no-op" };
  // An action this code does not know yet: show it as a change, never as "nothing".
  return { kind: "update" };
}

export function deletes(change: Pick<ResourceChange, "actions">): boolean {
  return change.actions.includes("delete");
}

export function isMove(change: ResourceChange): boolean {
  return change.previousAddress !== undefined && change.previousAddress !== change.address;
}

export function isImport(change: ResourceChange): boolean {
  return change.importing !== undefined;
}

/** Whether a resource belongs in the table of changes: anything but a plain no-op. */
export function isNotable(change: ResourceChange): boolean {
  return change.kind !== "no-op" || isMove(change) || isImport(change);
}

export interface ChangeCounts {
  create: number;
  update: number;
  replace: number;
  delete: number;
  forget: number;
  import: number;
  move: number;
  "no-op": number;
  read: number;
}

export const COUNT_COLUMNS = ["create", "update", "replace", "delete", "forget", "import", "move", "no-op"] as const;

/**
 * Like Terraform's own "Plan: 1 to import, …" line, an import or a move is
 * counted besides what happens to the object, so an import that also updates
 * counts once in each column. `no-op` counts only objects nothing happens to.
 */
export function countChanges(plan: StackPlan): ChangeCounts {
  const counts: ChangeCounts = { create: 0, update: 0, replace: 0, delete: 0, forget: 0, import: 0, move: 0, "no-op": 0, read: 0 };
  for (const change of plan.changes) {
    if (isImport(change)) counts.import += 1;
    if (isMove(change)) counts.move += 1;
    if (change.kind === "no-op") {
      if (!isImport(change) && !isMove(change)) counts["no-op"] += 1;
    } else {
      counts[change.kind] += 1;
    }
  }
  return counts;
}

export function hasChanges(counts: ChangeCounts): boolean {
  return COUNT_COLUMNS.some((column) => column !== "no-op" && counts[column] > 0);
}

/** Terraform's `action_reason` values, in words a reviewer can act on (Markdown). */
const REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: "the object is tainted (a previous apply failed or someone ran `terraform taint`)",
  replace_because_cannot_update: "a changed attribute cannot be updated in place",
  replace_by_request: "a replacement was requested with `-replace`",
  replace_by_triggers: "something in its `replace_triggered_by` changed",
  delete_because_no_resource_config: "its configuration was removed",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "it switched between `count` and `for_each` (or neither)",
  delete_because_count_index: "its `count` index is no longer in range",
  delete_because_each_key: "its `for_each` key is no longer in the map or set",
  delete_because_no_move_target: "the target of its `moved` block does not exist",
  read_because_config_unknown: "its configuration depends on values known only after apply",
  read_because_dependency_pending: "it depends on a resource with pending changes",
  read_because_check_nested: "a `check` block reads it",
};

export function reasonInWords(reason: string): string {
  return REASONS[reason] ?? `Terraform's reason ${code(reason)}`;
}
