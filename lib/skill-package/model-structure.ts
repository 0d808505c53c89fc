/**
 * The required structure of an interaction model file (SMAPI's
 * `v1.skill.interactionModel.InteractionModelData`), checked by hand so that
 * every malformed part is reported, and turned into a typed view for the
 * other rules. Parts that are malformed are left out of the view, so the
 * other rules still run on the rest of the model.
 */
import type { ProblemCollector } from "./collector";
import { childPath } from "./json-path";

export interface SampleView {
  text: string;
  path: string;
}

export interface SlotView {
  name: string;
  /** Undefined when missing; the structure problem has been reported. */
  type: string | undefined;
  path: string;
  samples: SampleView[];
}

export interface IntentView {
  name: string;
  path: string;
  samples: SampleView[];
  slots: SlotView[];
}

export interface SlotTypeView {
  name: string;
  path: string;
}

export interface ModelView {
  invocationName: { value: string; path: string } | undefined;
  intents: IntentView[];
  types: SlotTypeView[];
  /** `interactionModel`, for the rules that look at `dialog` and `prompts`. */
  interactionModel: Record<string, unknown>;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

export function readModelStructure(root: unknown, out: ProblemCollector): ModelView | undefined {
  if (!isObject(root)) {
    out.error("structure", "", `the file must hold a JSON object with "interactionModel", found ${describe(root)}`);
    return undefined;
  }
  const interactionModel = root["interactionModel"];
  if (!isObject(interactionModel)) {
    out.error("structure", "interactionModel", `"interactionModel" must be an object, found ${describe(interactionModel)}`);
    return undefined;
  }
  const lmPath = "interactionModel.languageModel";
  const languageModel = interactionModel["languageModel"];
  if (!isObject(languageModel)) {
    out.error("structure", lmPath, `"languageModel" must be an object, found ${describe(languageModel)}`);
    return undefined;
  }

  const view: ModelView = { invocationName: undefined, intents: [], types: [], interactionModel };

  const invocationPath = childPath(lmPath, "invocationName");
  const invocationName = languageModel["invocationName"];
  if (isNonEmptyString(invocationName)) view.invocationName = { value: invocationName, path: invocationPath };
  else out.error("structure", invocationPath, `"invocationName" must be a non-empty string, found ${describe(invocationName)}`);

  const intentsPath = childPath(lmPath, "intents");
  const intents = languageModel["intents"];
  if (!Array.isArray(intents)) {
    out.error("structure", intentsPath, `"intents" must be an array of intents, found ${describe(intents)}`);
  } else if (intents.length === 0) {
    out.error("structure", intentsPath, `"intents" must list at least one intent`);
  } else {
    intents.forEach((intent, i) => {
      const parsed = readIntent(intent, childPath(intentsPath, i), out);
      if (parsed) view.intents.push(parsed);
    });
  }

  const typesPath = childPath(lmPath, "types");
  const types = languageModel["types"];
  if (types !== undefined) {
    if (!Array.isArray(types)) out.error("structure", typesPath, `"types" must be an array of slot types, found ${describe(types)}`);
    else
      types.forEach((type, i) => {
        const parsed = readSlotType(type, childPath(typesPath, i), out);
        if (parsed) view.types.push(parsed);
      });
  }
  return view;
}

function readIntent(intent: unknown, path: string, out: ProblemCollector): IntentView | undefined {
  if (!isObject(intent)) {
    out.error("structure", path, `an intent must be an object, found ${describe(intent)}`);
    return undefined;
  }
  const name = intent["name"];
  if (!isNonEmptyString(name)) {
    out.error("structure", childPath(path, "name"), `an intent needs a "name" (a non-empty string), found ${describe(name)}`);
    return undefined;
  }
  const view: IntentView = { name, path, samples: readSamples(intent, path, out), slots: [] };
  const slotsPath = childPath(path, "slots");
  const slots = intent["slots"];
  if (slots !== undefined) {
    if (!Array.isArray(slots)) out.error("structure", slotsPath, `"slots" must be an array, found ${describe(slots)}`);
    else
      slots.forEach((slot, i) => {
        const parsed = readSlot(slot, childPath(slotsPath, i), out);
        if (parsed) view.slots.push(parsed);
      });
  }
  return view;
}

function readSlot(slot: unknown, path: string, out: ProblemCollector): SlotView | undefined {
  if (!isObject(slot)) {
    out.error("structure", path, `a slot must be an object, found ${describe(slot)}`);
    return undefined;
  }
  const name = slot["name"];
  if (!isNonEmptyString(name)) {
    out.error("structure", childPath(path, "name"), `a slot needs a "name" (a non-empty string), found ${describe(name)}`);
    return undefined;
  }
  const type = slot["type"];
  if (!isNonEmptyString(type)) {
    out.error("structure", childPath(path, "type"), `slot "${name}" needs a "type" (a built-in AMAZON.* type or one of "types"), found ${describe(type)}`);
  }
  return { name, type: isNonEmptyString(type) ? type : undefined, path, samples: readSamples(slot, path, out) };
}

/** `samples` of an intent or a slot: optional, an array of strings. */
function readSamples(owner: JsonObject, ownerPath: string, out: ProblemCollector): SampleView[] {
  const path = childPath(ownerPath, "samples");
  const samples = owner["samples"];
  if (samples === undefined) return [];
  if (!Array.isArray(samples)) {
    out.error("structure", path, `"samples" must be an array of strings, found ${describe(samples)}`);
    return [];
  }
  const views: SampleView[] = [];
  samples.forEach((sample, i) => {
    const samplePath = childPath(path, i);
    if (isNonEmptyString(sample)) views.push({ text: sample, path: samplePath });
    else out.error("structure", samplePath, `a sample utterance must be a non-empty string, found ${describe(sample)}`);
  });
  return views;
}

function readSlotType(type: unknown, path: string, out: ProblemCollector): SlotTypeView | undefined {
  if (!isObject(type)) {
    out.error("structure", path, `a slot type must be an object, found ${describe(type)}`);
    return undefined;
  }
  const name = type["name"];
  if (!isNonEmptyString(name)) {
    out.error("structure", childPath(path, "name"), `a slot type needs a "name" (a non-empty string), found ${describe(name)}`);
    return undefined;
  }
  const valuesPath = childPath(path, "values");
  const values = type["values"];
  // A catalog-backed type (valueSupplier) has its values elsewhere.
  if (values === undefined && isObject(type["valueSupplier"])) return { name, path };
  if (!Array.isArray(values)) {
    out.error("structure", valuesPath, `slot type "${name}" needs "values" (an array), found ${describe(values)}`);
    return { name, path };
  }
  if (values.length === 0) out.warning("structure", valuesPath, `slot type "${name}" has no values`);
  values.forEach((value, i) => readTypeValue(value, childPath(valuesPath, i), out));
  return { name, path };
}

function readTypeValue(value: unknown, path: string, out: ProblemCollector): void {
  const namePath = childPath(path, "name");
  const name = isObject(value) ? value["name"] : undefined;
  if (!isObject(name)) {
    out.error("structure", isObject(value) ? namePath : path, `a slot type value must look like {"name": {"value": "…"}}, found ${describe(isObject(value) ? name : value)}`);
    return;
  }
  if (!isNonEmptyString(name["value"])) {
    out.error("structure", childPath(namePath, "value"), `a slot type value needs a non-empty "value", found ${describe(name["value"])}`);
  }
  const synonyms = name["synonyms"];
  if (synonyms === undefined) return;
  const synonymsPath = childPath(namePath, "synonyms");
  if (!Array.isArray(synonyms)) {
    out.error("structure", synonymsPath, `"synonyms" must be an array of strings, found ${describe(synonyms)}`);
    return;
  }
  synonyms.forEach((synonym, i) => {
    if (!isNonEmptyString(synonym)) out.error("structure", childPath(synonymsPath, i), `a synonym must be a non-empty string, found ${describe(synonym)}`);
  });
}
