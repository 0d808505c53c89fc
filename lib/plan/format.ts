/**
 * Everything that comes from a plan (addresses, keys, values) is untrusted
 * text: a value can hold `|` that splits a table cell, `<` that opens HTML,
 * or backticks and `*` that restyle the comment. Such characters are written
 * as numeric character references, inside `<code>`, where GitHub also leaves
 * `@mentions`, `#123` references and `:emoji:` alone. An `_` between two
 * letters or digits cannot start or end emphasis, so it stays as it is, which
 * keeps `aws_lambda_function` readable and the comment small.
 */
const SPECIAL = /[&<>|`\\*~[\]$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;
const LINE_BREAK = /\r\n|\r|\n/g;

export function escapeText(text: string): string {
  return text.replace(SPECIAL, (char) => `&#${char.charCodeAt(0)};`).replace(LINE_BREAK, "↵");
}

export function code(text: string): string {
  return `<code>${escapeText(text)}</code>`;
}

/** Up to `max` items joined with ", ", then how many more there are. */
export function listWithMore(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}
