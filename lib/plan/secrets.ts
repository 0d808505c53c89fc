/**
 * A second line of defence behind the sensitivity marks. Terraform loses a
 * mark when a provider computes an attribute from a sensitive input: in
 * Terraform 1.11, `terraform_data.output` echoes a sensitive `input` with no
 * mark, and Terraform's own text plan prints it. So every string that is
 * marked sensitive anywhere in the plan, or is the value of a sensitive root
 * variable, is collected, and any value that contains one is shown as
 * sensitive wherever it turns up (the rule is below, at MIN_SUBSTRING_SECRET).
 */

export type SecretTest = (text: string) => boolean;

export const NO_SECRETS: SecretTest = () => false;

/**
 * The rule for reused sensitive values, strings and numbers alike (a number
 * is matched by its text, so a sensitive PIN `1234` is found in the number
 * 1234 and in the string "1234"):
 * - a value whose entire text equals a sensitive value is hidden, whatever
 *   its length: an unmarked copy cannot be told from a coincidence, and
 *   printing either prints the secret;
 * - a sensitive value of at least MIN_SUBSTRING_SECRET characters is also
 *   hidden inside longer values (an ARN with an account ID, a URL with a
 *   token). Shorter ones are not searched for inside other values, or a
 *   sensitive `12` would blank every date, port and ARN in the plan.
 * Booleans and null are never collected: with two values, a match says
 * nothing, and hiding every `true` would hide every flag. They still show as
 * `(sensitive)` wherever Terraform marks them.
 */
const MIN_SUBSTRING_SECRET = 6;

/** Collects the text of every string and number under a `true` mark. Iterative: values may nest deeply. */
export function collectMarkedStrings(value: unknown, marks: unknown, into: Set<string>): void {
  const pending: [unknown, unknown][] = [[value, marks]];
  for (let pair = pending.pop(); pair !== undefined; pair = pending.pop()) {
    const [item, mark] = pair;
    if (mark === true) {
      collectAllStrings(item, into);
    } else if (Array.isArray(item) && Array.isArray(mark)) {
      item.forEach((child, index) => pending.push([child, mark[index]]));
    } else if (isRecord(item) && isRecord(mark)) {
      for (const [key, child] of Object.entries(item)) pending.push([child, mark[key]]);
    }
  }
}

/**
 * Collects the text of every string and number in a value. Not the keys of
 * its maps: those are mostly attribute names (`client_id`), and collecting
 * them would blank those names throughout the comment.
 */
export function collectAllStrings(value: unknown, into: Set<string>): void {
  const pending: unknown[] = [value];
  for (let item = pending.pop(); pending.length > 0 || item !== undefined; item = pending.pop()) {
    if (typeof item === "string") {
      if (item !== "") into.add(item);
    } else if (typeof item === "number") {
      into.add(String(item));
    } else if (Array.isArray(item)) {
      pending.push(...item);
    } else if (isRecord(item)) {
      pending.push(...Object.values(item));
    }
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
