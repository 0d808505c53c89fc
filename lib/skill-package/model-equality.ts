/**
 * Compares a local interaction model file with the model SMAPI returns, so
 * `deploy:model` can skip locales that have not changed (and the model build
 * that each upload starts).
 *
 * The two differ in form, not meaning. What is normalised:
 * - Only `interactionModel` is compared: SMAPI's response wraps it with
 *   `version` (and `description`), which a file in the repository lacks.
 * - Object key order.
 * - An empty array, an empty object or null is the same as an absent key:
 *   SMAPI may drop `"samples": []` of a built-in intent or `"prompts": {}` of
 *   a dialog intent.
 * - `"confirmationRequired": false` and `"elicitationRequired": false` are
 *   the same as absent (the defaults) in the dialog model.
 * - Arrays whose order means nothing to Alexa are compared as sorted:
 *   intents, slots, slot types, their values and synonyms, sample
 *   utterances, prompts and their variations (Alexa picks one at random).
 *   Order is kept everywhere else, e.g. slot validations, which run in order.
 *
 * Anything else is compared as is. Normalising too little costs an
 * unnecessary upload; normalising too much would skip a real change, so only
 * what is certainly equivalent is normalised.
 */

const SET_LIKE_ARRAYS = new Set(["intents", "slots", "types", "values", "synonyms", "samples", "prompts", "variations"]);
const DEFAULT_FALSE_FLAGS = new Set(["confirmationRequired", "elicitationRequired"]);

/** A canonical JSON string of the model's meaning; equal strings, equal models. */
export function canonicalModelJson(model: unknown): string {
  const interactionModel = isObject(model) && "interactionModel" in model ? model["interactionModel"] : model;
  return canonical(interactionModel, undefined) ?? "null";
}

export function modelsEqual(a: unknown, b: unknown): boolean {
  return canonicalModelJson(a) === canonicalModelJson(b);
}

/** Canonical JSON text of `value`, or undefined when it counts as absent. */
function canonical(value: unknown, key: string | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    const items = value.map((item) => canonical(item, undefined) ?? "null");
    if (key !== undefined && SET_LIKE_ARRAYS.has(key)) items.sort();
    return `[${items.join(",")}]`;
  }
  if (isObject(value)) {
    const members: string[] = [];
    for (const k of Object.keys(value).sort()) {
      const v = value[k];
      if (v === false && DEFAULT_FALSE_FLAGS.has(k)) continue;
      const text = canonical(v, k);
      if (text !== undefined) members.push(`${JSON.stringify(k)}:${text}`);
    }
    return members.length === 0 ? undefined : `{${members.join(",")}}`;
  }
  return JSON.stringify(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
