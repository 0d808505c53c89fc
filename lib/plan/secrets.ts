/**
 * A second line of defence behind the sensitivity marks. Terraform loses a
 * mark when a provider computes an attribute from a sensitive input: in
 * Terraform 1.11, `terraform_data.output` echoes a sensitive `input` with no
 * mark, and Terraform's own text plan prints it. So every string that is
 * marked sensitive anywhere in the plan, or is the value of a sensitive root
 * variable, is collected, and any value that contains one is shown as
 * sensitive wherever it turns up.
 */

export type SecretTest = (text: string) => boolean;

export const NO_SECRETS: SecretTest = () => false;

/** Secrets shorter than this are matched whole only, so that "us" does not hide every region name. */
const MIN_SUBSTRING_SECRET = 6;

export function collectMarkedStrings(value: unknown, marks: unknown, into: Set<string>): void {
  if (marks === true) {
    collectAllStrings(value, into);
    return;
  }
  if (Array.isArray(value) && Array.isArray(marks)) {
    value.forEach((item, index) => collectMarkedStrings(item, marks[index], into));
  } else if (isRecord(value) && isRecord(marks)) {
    for (const [key, item] of Object.entries(value)) collectMarkedStrings(item, marks[key], into);
  }
}

export function collectAllStrings(value: unknown, into: Set<string>): void {
  if (typeof value === "string") {
    if (value !== "") into.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectAllStrings(item, into);
  } else if (isRecord(value)) {
    for (const item of Object.values(value)) collectAllStrings(item, into);
  }
}

export function secretTest(secrets: ReadonlySet<string>): SecretTest {
  if (secrets.size === 0) return NO_SECRETS;
  const long = [...secrets].filter((secret) => secret.length >= MIN_SUBSTRING_SECRET);
  return (text) => secrets.has(text) || long.some((secret) => text.includes(secret));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
