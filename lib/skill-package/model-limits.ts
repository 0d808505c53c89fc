/**
 * Amazon's size limits for one locale's interaction model, checked before
 * upload so that a model Amazon would refuse (or fail to build, minutes
 * later) stops the push at once, with the file and the numbers.
 *
 * The custom slot values limit (50,000 across all custom slot types of a
 * model, synonyms not counted) is Amazon's documented one, quoted in many
 * skills' notes: over it is an error. The model's size limit (1.5 MB of JSON
 * for one locale) is remembered, not re-read: Amazon's page could not be
 * reached from here, so over it is a warning, and Amazon's own build answer
 * decides. A wrong error would block every push; a wrong warning costs a line.
 */
import type { ProblemCollector } from "./collector";
import { childPath } from "./json-path";
import { isObject } from "./model-structure";

export const MODEL_LIMITS = {
  /** Bytes of the model file as uploaded (UTF-8 JSON). */
  maxModelBytes: 1.5 * 1024 * 1024,
  /** Values of all custom slot types of the model together. */
  maxCustomSlotValues: 50_000,
} as const;

export function checkModelLimits(bytes: number, model: unknown, out: ProblemCollector): void {
  if (bytes > MODEL_LIMITS.maxModelBytes) {
    out.warning(
      "model-size",
      "",
      `the model is ${megabytes(bytes)} MB, probably over Amazon's limit of ${megabytes(MODEL_LIMITS.maxModelBytes)} MB for one locale's interaction model (Amazon's build will say); ` +
        "move long value lists into a reference-based catalog, or drop rarely used samples and synonyms",
    );
  }
  const types = isObject(model) && isObject(model["interactionModel"]) && isObject(model["interactionModel"]["languageModel"]) ? model["interactionModel"]["languageModel"]["types"] : undefined;
  if (!Array.isArray(types)) return;
  const values = types.reduce<number>((sum, type) => sum + (isObject(type) && Array.isArray(type["values"]) ? type["values"].length : 0), 0);
  if (values > MODEL_LIMITS.maxCustomSlotValues) {
    out.error(
      "model-size",
      childPath("interactionModel.languageModel", "types"),
      `the custom slot types hold ${values} values together, over Amazon's limit of ${MODEL_LIMITS.maxCustomSlotValues}; ` +
        "move the longest lists into a reference-based catalog (valueSupplier), or trim them",
    );
  }
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(2);
}
