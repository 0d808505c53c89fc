/**
 * The dialog model refers to the language model by name and to prompts by
 * id; a dangling reference fails Amazon's model build, so it is caught here,
 * before the upload. Only references are checked: the dialog model's own
 * shape is left to SMAPI.
 */
import type { ProblemCollector } from "./collector";
import { childPath } from "./json-path";
import { isObject, type ModelView } from "./model-structure";

export function checkDialogReferences(view: ModelView, out: ProblemCollector): void {
  const dialog = view.interactionModel["dialog"];
  if (!isObject(dialog) || !Array.isArray(dialog["intents"])) return;

  const promptIds = new Set<string>();
  const prompts = view.interactionModel["prompts"];
  if (Array.isArray(prompts)) {
    for (const prompt of prompts) if (isObject(prompt) && typeof prompt["id"] === "string") promptIds.add(prompt["id"]);
  }
  const checkPrompts = (owner: unknown, ownerPath: string, what: string) => {
    const refs = isObject(owner) ? owner["prompts"] : undefined;
    if (!isObject(refs)) return;
    for (const [kind, id] of Object.entries(refs)) {
      if (typeof id === "string" && !promptIds.has(id)) {
        out.error("dialog-reference", childPath(childPath(ownerPath, "prompts"), kind), `the ${kind} prompt "${id}" of ${what} is not defined in "prompts"`);
      }
    }
  };

  const intents = new Map(view.intents.map((intent) => [intent.name, intent]));
  dialog["intents"].forEach((dialogIntent: unknown, i: number) => {
    const path = childPath("interactionModel.dialog.intents", i);
    if (!isObject(dialogIntent) || typeof dialogIntent["name"] !== "string") return;
    const name = dialogIntent["name"];
    const intent = intents.get(name);
    if (intent === undefined) {
      out.error("dialog-reference", childPath(path, "name"), `dialog intent "${name}" is not an intent of the language model`);
      return;
    }
    checkPrompts(dialogIntent, path, `dialog intent "${name}"`);
    const slots = dialogIntent["slots"];
    if (!Array.isArray(slots)) return;
    slots.forEach((dialogSlot: unknown, j: number) => {
      const slotPath = childPath(childPath(path, "slots"), j);
      if (!isObject(dialogSlot) || typeof dialogSlot["name"] !== "string") return;
      const slotName = dialogSlot["name"];
      const slot = intent.slots.find((s) => s.name === slotName);
      if (slot === undefined) {
        out.error("dialog-reference", childPath(slotPath, "name"), `dialog slot "${slotName}" is not a slot of intent "${name}"`);
        return;
      }
      const dialogType = dialogSlot["type"];
      if (typeof dialogType === "string" && slot.type !== undefined && dialogType !== slot.type) {
        out.error("dialog-reference", childPath(slotPath, "type"), `dialog slot "${slotName}" of intent "${name}" has type "${dialogType}", but the language model says "${slot.type}"`);
      }
      checkPrompts(dialogSlot, slotPath, `dialog slot "${slotName}" (intent "${name}")`);
      const validations = dialogSlot["validations"];
      if (!Array.isArray(validations)) return;
      validations.forEach((validation: unknown, k: number) => {
        const prompt = isObject(validation) ? validation["prompt"] : undefined;
        if (typeof prompt === "string" && !promptIds.has(prompt)) {
          const validationPath = childPath(childPath(childPath(slotPath, "validations"), k), "prompt");
          out.error("dialog-reference", validationPath, `validation prompt "${prompt}" of dialog slot "${slotName}" (intent "${name}") is not defined in "prompts"`);
        }
      });
    });
  });
}
