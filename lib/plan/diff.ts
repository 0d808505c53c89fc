/**
 * Attribute-level differences between a change's `before` and `after`.
 * This is the only place that turns plan values into text, so the rules live
 * here: a part marked in `before_sensitive` or `after_sensitive` (which may be
 * `true` for a whole object or list) is never looked into, only compared, and
 * shows as `(sensitive)`; a part marked in `after_unknown` shows as
 * `(known after apply)`. Strings that secrets.ts knows to be secret are shown
 * as sensitive too, marked or not.
 */
import { NO_SECRETS, type SecretTest } from "./secrets";

export const SENSITIVE = "(sensitive)";
export const UNKNOWN = "(known after apply)";

/** Long values (policy documents, zipped code hashes) are cut: the table is for reading. */
export const MAX_VALUE_CHARS = 200;

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
  return out.map((entry) => ({ ...entry, forcesReplacement: replacePaths.some((forcing) => overlaps(forcing, entry.path)) }));
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
  const text = showFull(value, sensitive, unknown, isSecret);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} characters)` : text;
}

function showFull(value: unknown, sensitive: unknown, unknown: unknown, isSecret: SecretTest): string {
  if (sensitive === true) return isNull(value) ? "null" : SENSITIVE;
  if (unknown === true) return UNKNOWN;
  if (typeof value === "string" && isSecret(value)) return SENSITIVE;
  if (Array.isArray(value)) {
    return `[${value.map((item, index) => showFull(item, field(sensitive, index), field(unknown, index), isSecret)).join(", ")}]`;
  }
  if (isRecord(value)) {
    const entries = unionKeys(value, undefined, unknown).map(
      (key) => `${JSON.stringify(key)}: ${showFull(value[key], field(sensitive, key), field(unknown, key), isSecret)}`,
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

export function deepEqual(a: unknown, b: unknown): boolean {
  if (isNull(a) || isNull(b)) return isNull(a) && isNull(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  if (isRecord(a) || isRecord(b)) {
    if (!isRecord(a) || !isRecord(b)) return false;
    return unionKeys(a, b).every((key) => deepEqual(a[key], b[key]));
  }
  return a === b;
}
