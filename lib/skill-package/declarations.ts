/**
 * Rules about what a model declares: unique intent, slot type and slot names,
 * slot types that exist, and custom intents that users can reach.
 */
import type { ProblemCollector } from "./collector";
import { childPath } from "./json-path";
import type { ModelView } from "./model-structure";

/** Built-in intents and slot types are Amazon's, named AMAZON.*, and need no definition. */
export function isBuiltIn(name: string): boolean {
  return name.startsWith("AMAZON.");
}

export function checkDeclarations(view: ModelView, out: ProblemCollector): void {
  reportDuplicates(view.intents, "intent-name-duplicate", (name) => `duplicate intent name "${name}"`, out);
  reportDuplicates(view.types, "type-name-duplicate", (name) => `duplicate slot type name "${name}"`, out);

  const definedTypes = new Set(view.types.map((t) => t.name));
  for (const intent of view.intents) {
    reportDuplicates(intent.slots, "slot-name-duplicate", (name) => `duplicate slot name "${name}" in intent "${intent.name}"`, out);

    // Amazon's certification: "All intents must have sample utterances, or
    // users will not be able to navigate to that intent." Built-in intents
    // come with Amazon's own samples.
    if (!isBuiltIn(intent.name) && intent.samples.length === 0) {
      out.error("intent-without-samples", intent.path, `custom intent "${intent.name}" has no sample utterances, so users cannot reach it`);
    }

    for (const slot of intent.slots) {
      if (slot.type === undefined || isBuiltIn(slot.type) || definedTypes.has(slot.type)) continue;
      const known = [...definedTypes].sort();
      out.error(
        "slot-type-undefined",
        childPath(slot.path, "type"),
        `slot "${slot.name}" of intent "${intent.name}" has type "${slot.type}", which is neither built in (AMAZON.*) nor defined in "types"` +
          (known.length > 0 ? ` (defined: ${known.join(", ")})` : " (no types are defined)"),
      );
    }
  }
}

function reportDuplicates(
  items: ReadonlyArray<{ name: string; path: string }>,
  rule: "intent-name-duplicate" | "type-name-duplicate" | "slot-name-duplicate",
  describe: (name: string) => string,
  out: ProblemCollector,
): void {
  const first = new Map<string, string>();
  for (const item of items) {
    const earlier = first.get(item.name);
    if (earlier === undefined) first.set(item.name, item.path);
    else out.error(rule, childPath(item.path, "name"), `${describe(item.name)} (first defined at ${earlier})`);
  }
}
