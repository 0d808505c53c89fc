import { readFileSync } from "node:fs";
import * as path from "node:path";
import { canonicalModelJson, modelsEqual } from "../../lib/skill-package/model-equality";

// Test data is edited freely below; typing every path would only add noise.
type Json = Record<string, any>;

const FIXTURE = path.join(__dirname, "..", "..", "lib", "emulators", "fixtures", "voiceapp311-skill-package", "interactionModels", "custom", "en-US.json");
const local = (): Json => JSON.parse(readFileSync(FIXTURE, "utf8")) as Json;

/** Reverses every object's key order, recursively. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  }
  return value;
}

/** What SMAPI may plausibly return for the same model. */
function asSmapiReturnsIt(model: Json): Json {
  const im = structuredClone(model["interactionModel"]) as Json;
  for (const intent of im["languageModel"]["intents"]) {
    if (Array.isArray(intent.samples) && intent.samples.length === 0) delete intent.samples;
    if (Array.isArray(intent.samples)) intent.samples.reverse();
  }
  im["languageModel"]["intents"].reverse();
  for (const type of im["languageModel"]["types"]) type.values.reverse();
  for (const intent of im["dialog"]["intents"]) {
    if (intent.confirmationRequired === false) delete intent.confirmationRequired;
    delete intent.prompts;
    for (const slot of intent.slots) if (slot.confirmationRequired === false) delete slot.confirmationRequired;
  }
  im["prompts"].reverse();
  return reverseKeys({ version: "7", description: "uploaded by deploy:model", interactionModel: im }) as Json;
}

describe("modelsEqual", () => {
  it("is true for the same model with keys in another order", () => {
    expect(modelsEqual(local(), reverseKeys(local()))).toBe(true);
  });

  it("is true for the model as SMAPI returns it: wrapped with version, empty parts and default flags dropped, lists reordered", () => {
    const smapi = asSmapiReturnsIt(local());
    expect(JSON.stringify(smapi)).not.toBe(JSON.stringify(local()));
    expect(modelsEqual(local(), smapi)).toBe(true);
  });

  it("treats [] and {} and null as absent", () => {
    const a = { interactionModel: { languageModel: { invocationName: "x y", intents: [{ name: "A", samples: [], slots: [] }], types: [] } } };
    const b = { interactionModel: { languageModel: { invocationName: "x y", intents: [{ name: "A", slots: null }] } } };
    expect(modelsEqual(a, b)).toBe(true);
  });

  it.each<[string, (m: Json) => void]>([
    ["a changed sample", (m) => (m["interactionModel"]["languageModel"]["intents"][0].samples[0] = "when is trash day please")],
    ["a removed sample", (m) => m["interactionModel"]["languageModel"]["intents"][0].samples.pop()],
    ["a changed invocation name", (m) => (m["interactionModel"]["languageModel"]["invocationName"] = "boston information")],
    ["a new synonym", (m) => m["interactionModel"]["languageModel"]["types"][0].values[0].name.synonyms.push("reopening news")],
    ["a changed slot type", (m) => (m["interactionModel"]["languageModel"]["intents"][0].slots[1].type = "AMAZON.FOUR_DIGIT_NUMBER")],
    ["confirmation now required", (m) => (m["interactionModel"]["dialog"]["intents"][0].confirmationRequired = true)],
    ["a new prompt text", (m) => (m["interactionModel"]["prompts"][0].variations[0].value = "Where do you live?")],
    ["a different fallback sensitivity", (m) => (m["interactionModel"]["languageModel"]["modelConfiguration"].fallbackIntentSensitivity.level = "HIGH")],
  ])("is false after %s", (_what, change) => {
    const changed = local();
    change(changed);
    expect(modelsEqual(local(), changed)).toBe(false);
  });

  it("keeps the order of slot validations, which Alexa runs in order", () => {
    const withValidations = (order: string[]) => ({
      interactionModel: {
        languageModel: { invocationName: "x y", intents: [{ name: "A", samples: ["a {n}"], slots: [{ name: "n", type: "AMAZON.NUMBER" }] }] },
        dialog: { intents: [{ name: "A", slots: [{ name: "n", type: "AMAZON.NUMBER", prompts: {}, validations: order.map((type) => ({ type, prompt: type })) }] }] },
      },
    });
    expect(modelsEqual(withValidations(["isGreaterThan", "isLessThan"]), withValidations(["isLessThan", "isGreaterThan"]))).toBe(false);
  });
});

describe("canonicalModelJson", () => {
  it("is valid JSON of the interaction model alone, the same for both forms", () => {
    const canonical = canonicalModelJson(local());
    expect(canonical).toBe(canonicalModelJson(asSmapiReturnsIt(local())));
    const parsed = JSON.parse(canonical) as Json;
    expect(Object.keys(parsed)).toEqual(["dialog", "languageModel", "prompts"]);
    expect(parsed["languageModel"]["invocationName"]).toBe("boston info");
  });

  it("accepts a bare interactionModel too", () => {
    expect(canonicalModelJson(local()["interactionModel"])).toBe(canonicalModelJson(local()));
  });
});
