/**
 * Attribute-level differences between a change's `before` and `after`.
 * This is the only place that turns plan values into text, so the rules live
 * here: a part marked in `before_sensitive` or `after_sensitive` (which may be
 * `true` for a whole object or list) is never looked into, only compared, and
 * shows as `(sensitive)`; a part marked in `after_unknown` shows as
 * `(known after apply)`. Values (strings, numbers, map keys) that secrets.ts
 * knows to be secret are shown as sensitive too, marked or not.
 *
 * Plan values are untrusted and may nest arbitrarily deep (a list of a list
 * of … ten thousand levels): the walk stops descending at MAX_DEPTH and says
 * so, showing stops at MAX_SHOWN_DEPTH, and comparison is iterative, so no
 * value can exhaust the call stack.
 */
import { NO_SECRETS, type SecretTest } from "./secrets";

export const SENSITIVE = "(sensitive)";
export const UNKNOWN = "(known after apply)";

/** Long values (policy documents, zipped code hashes) are cut: the table is for reading. */
export const MAX_VALUE_CHARS = 200;

/** Attribute paths deeper than this are compared as a whole and reported at this depth. */
export const MAX_DEPTH = 32;
/** Values nested deeper than this are shown up to it, then as TOO_DEEP. */
export const MAX_SHOWN_DEPTH = 16;
export const TOO_DEEP = "(nested too deep to show)";

export type PathSegment = string | number;

export interface AttributeChange {
  path: readonly PathSegment[];
  before: string;
  after: string;
  forcesReplacement: boolean;
}

export interface ValuesWithMarks {
  before: unknown;
  after: unknown;
  beforeSensitive: unknown;
  afterSensitive: unknown;
  afterUnknown: unknown;
  replacePaths?: readonly (readonly PathSegment[])[];
}

export function attributeChanges(change: ValuesWithMarks, isSecret: SecretTest = NO_SECRETS): AttributeChange[] {
  const out: Omit<AttributeChange, "forcesReplacement">[] = [];
  walk([], change.before, change.after, change.beforeSensitive, change.afterSensitive, change.afterUnknown, { isSecret, out });
  const replacePaths = change.replacePaths ?? [];
  return out.map((entry) => ({
    ...entry,
    // A map key can be a secret too (a sensitive value reused as a key elsewhere).
    path: entry.path.map((segment) => (typeof segment === "string" && isSecret(segment) ? SENSITIVE : segment)),
    forcesReplacement: replacePaths.some((forcing) => overlaps(forcing, entry.path)),
  }));
}

/** The top-level attribute names that change, in order, each once. */
export function changedAttributeNames(changes: readonly AttributeChange[]): string[] {
  return [...new Set(changes.map((change) => formatPath(change.path.slice(0, 1))))];
}

function walk(
  path: PathSegment[],
  before: unknown,
  after: unknown,
  beforeSensitive: unknown,
  afterSensitive: unknown,
  afterUnknown: unknown,
  walker: { isSecret: SecretTest; out: Omit<AttributeChange, "forcesReplacement">[] },
): void {
  const { isSecret, out } = walker;
  const unknown = afterUnknown === true;
  if (beforeSensitive === true || afterSensitive === true) {
    // Compared, never shown; and never descended into, so even the keys of a sensitive map stay hidden.
    if (unknown || !deepEqual(before, after)) {
      out.push({ path, before: isNull(before) ? "null" : SENSITIVE, after: unknown ? UNKNOWN : isNull(after) ? "null" : SENSITIVE });
    }
    return;
  }
  if (unknown) {
    out.push({ path, before: show(before, beforeSensitive, undefined, isSecret), after: UNKNOWN });
    return;
  }
  if (path.length >= MAX_DEPTH) {
    // Recursion ends here: below, the values are compared as a whole and shown depth-capped.
    if (!deepEqual(before, after)) {
      out.push({ path, before: show(before, beforeSensitive, undefined, isSecret), after: show(after, afterSensitive, afterUnknown, isSecret) });
    }
    return;
  }
  if (isRecord(before) || isRecord(after)) {
    if ((isRecord(before) || isNull(before)) && (isRecord(after) || isNull(after))) {
      for (const key of unionKeys(before, after, afterUnknown)) {
        walk([...path, key], field(before, key), field(after, key), field(beforeSensitive, key), field(afterSensitive, key), field(afterUnknown, key), walker);
      }
      return;
    }
  } else if (Array.isArray(before) || Array.isArray(after)) {
    if ((Array.isArray(before) || isNull(before)) && (Array.isArray(after) || isNull(after))) {
      const length = Math.max(lengthOf(before), lengthOf(after), lengthOf(afterUnknown));
      for (let index = 0; index < length; index += 1) {
        walk([...path, index], field(before, index), field(after, index), field(beforeSensitive, index), field(afterSensitive, index), field(afterUnknown, index), walker);
      }
      return;
    }
  }
  if (!deepEqual(before, after)) {
    out.push({ path, before: show(before, beforeSensitive, undefined, isSecret), after: show(after, afterSensitive, afterUnknown, isSecret) });
  }
}

/** A value as text, with its sensitive and unknown parts replaced, cut to MAX_VALUE_CHARS. */
export function show(value: unknown, sensitive: unknown, unknown: unknown, isSecret: SecretTest = NO_SECRETS): string {
  const text = showFull(value, sensitive, unknown, isSecret, 0);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} characters)` : text;
}

function showFull(value: unknown, sensitive: unknown, unknown: unknown, isSecret: SecretTest, depth: number): string {
  if (sensitive === true) return isNull(value) ? "null" : SENSITIVE;
  if (unknown === true) return UNKNOWN;
  // Numbers too: a sensitive PIN or port reused in an unmarked attribute is the same secret as text.
  if ((typeof value === "string" || typeof value === "number") && isSecret(String(value))) return SENSITIVE;
  if ((Array.isArray(value) || isRecord(value)) && depth >= MAX_SHOWN_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    return `[${value.map((item, index) => showFull(item, field(sensitive, index), field(unknown, index), isSecret, depth + 1)).join(", ")}]`;
  }
  if (isRecord(value)) {
    const entries = unionKeys(value, undefined, unknown).map(
      (key) => `${isSecret(key) ? SENSITIVE : JSON.stringify(key)}: ${showFull(value[key], field(sensitive, key), field(unknown, key), isSecret, depth + 1)}`,
    );
    return `{${entries.join(", ")}}`;
  }
  return isNull(value) ? "null" : JSON.stringify(value);
}

/** `input.name`, `rule[0].tags["team name"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

function overlaps(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    if (a[index] !== b[index]) return false;
  }
  return true;
}

function isNull(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function field(container: unknown, key: PathSegment): unknown {
  if (container === true) return true;
  if (typeof key === "number") return Array.isArray(container) ? container[key] : undefined;
  return isRecord(container) && Object.hasOwn(container, key) ? container[key] : undefined;
}

function lengthOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function unionKeys(...containers: unknown[]): string[] {
  const keys = new Set<string>();
  for (const container of containers) {
    if (isRecord(container)) for (const key of Object.keys(container)) keys.add(key);
  }
  return [...keys];
}

/** Structural equality, null equal to undefined; iterative, so that any depth is fine. */
export function deepEqual(left: unknown, right: unknown): boolean {
  const pending: [unknown, unknown][] = [[left, right]];
  for (let pair = pending.pop(); pair !== undefined; pair = pending.pop()) {
    const [a, b] = pair;
    if (isNull(a) || isNull(b)) {
      if (!(isNull(a) && isNull(b))) return false;
    } else if (Array.isArray(a) || Array.isArray(b)) {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
      a.forEach((item, index) => pending.push([item, b[index]]));
    } else if (isRecord(a) || isRecord(b)) {
      if (!isRecord(a) || !isRecord(b)) return false;
      for (const key of unionKeys(a, b)) pending.push([a[key], b[key]]);
    } else if (a !== b) {
      return false;
    }
  }
  return true;
}
