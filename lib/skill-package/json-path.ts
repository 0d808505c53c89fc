/**
 * JSON paths in the style people read in reports and type into `jq`:
 * `interactionModel.languageModel.intents[3].samples[2]`. Keys that are not
 * identifiers are quoted (`manifest.apis["custom"]` never happens in practice,
 * but a key like `en-US` does: `locales["en-US"]`).
 */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  if (IDENTIFIER.test(key)) return parent === "" ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

export function joinPath(...keys: Array<string | number>): string {
  return keys.reduce<string>((path, key) => childPath(path, key), "");
}
