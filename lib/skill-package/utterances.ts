/**
 * Rules about sample utterances: `{slot}` references are well formed and name
 * a slot of the same intent, AMAZON.SearchQuery gets a carrier phrase, and no
 * utterance is a sample of two intents.
 */
import type { ProblemCollector } from "./collector";
import type { IntentView, ModelView, SampleView } from "./model-structure";

export interface ParsedUtterance {
  /** Slot names referenced, in order, without braces. */
  slots: string[];
  /** The words around the slot references. */
  carrier: string;
  /** Why the braces are malformed, if they are. */
  syntaxError: string | undefined;
}

export function parseUtterance(text: string): ParsedUtterance {
  const slots: string[] = [];
  let carrier = "";
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("{", i);
    const strayClose = text.indexOf("}", i);
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      return { slots, carrier, syntaxError: `"}" at character ${strayClose + 1} closes no "{"` };
    }
    if (open === -1) {
      carrier += text.slice(i);
      break;
    }
    carrier += text.slice(i, open) + " ";
    const close = text.indexOf("}", open + 1);
    const nested = text.indexOf("{", open + 1);
    if (close === -1) return { slots, carrier, syntaxError: `"{" at character ${open + 1} is never closed` };
    if (nested !== -1 && nested < close) return { slots, carrier, syntaxError: `"{" at character ${nested + 1} is inside another slot reference` };
    const name = text.slice(open + 1, close);
    if (name === "") return { slots, carrier, syntaxError: `empty slot reference "{}" at character ${open + 1}` };
    if (/[\s|]/.test(name)) return { slots, carrier, syntaxError: `slot reference "{${name}}" must be just a slot name, without spaces or "|"` };
    slots.push(name);
    i = close + 1;
  }
  return { slots, carrier, syntaxError: undefined };
}

/** Two utterances are the same sample if they differ only in case and spacing. */
export function utteranceKey(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

export function checkUtterances(view: ModelView, out: ProblemCollector): void {
  for (const intent of view.intents) {
    const searchQuerySlots = new Set(intent.slots.filter((s) => s.type === "AMAZON.SearchQuery").map((s) => s.name));
    for (const sample of intent.samples) {
      const parsed = checkReferences(sample, intent, `intent "${intent.name}"`, out);
      // Amazon's build error: "Sample intent utterances with phrase types cannot consist of only slots."
      if (parsed && parsed.slots.some((s) => searchQuerySlots.has(s)) && !/[\p{L}\p{N}]/u.test(parsed.carrier)) {
        out.error(
          "utterance-carrier-phrase",
          sample.path,
          `sample "${sample.text}" of intent "${intent.name}" uses an AMAZON.SearchQuery slot, so it must include a carrier phrase (words besides the slots)`,
        );
      }
    }
    for (const slot of intent.slots) {
      for (const sample of slot.samples) checkReferences(sample, intent, `slot "${slot.name}" of intent "${intent.name}"`, out);
    }
  }
  checkDuplicateSamples(view.intents, out);
}

function checkReferences(sample: SampleView, intent: IntentView, owner: string, out: ProblemCollector): ParsedUtterance | undefined {
  const parsed = parseUtterance(sample.text);
  if (parsed.syntaxError !== undefined) {
    out.error("utterance-syntax", sample.path, `sample "${sample.text}" of ${owner}: ${parsed.syntaxError}`);
    return undefined;
  }
  const declared = intent.slots.map((s) => s.name);
  for (const name of new Set(parsed.slots)) {
    if (declared.includes(name)) continue;
    const caseOnly = declared.find((d) => d.toLowerCase() === name.toLowerCase());
    const hint = caseOnly !== undefined ? ` (slot names are case-sensitive: did you mean {${caseOnly}}?)` : declared.length > 0 ? ` (declared: ${declared.join(", ")})` : " (it declares no slots)";
    out.error("utterance-undeclared-slot", sample.path, `sample "${sample.text}" of ${owner} uses {${name}}, which intent "${intent.name}" does not declare${hint}`);
  }
  return parsed;
}

/**
 * Amazon builds a model whose intents share an utterance, and its "utterance
 * conflicts" report calls the resulting routing undefined ("future changes may
 * change the result"). Across intents that is an error here; a repeat inside
 * one intent is harmless, so a warning.
 */
function checkDuplicateSamples(intents: IntentView[], out: ProblemCollector): void {
  const seen = new Map<string, { intent: string; path: string }>();
  for (const intent of intents) {
    for (const sample of intent.samples) {
      const key = utteranceKey(sample.text);
      const earlier = seen.get(key);
      if (earlier === undefined) {
        seen.set(key, { intent: intent.name, path: sample.path });
      } else if (earlier.intent === intent.name) {
        out.warning("utterance-duplicate", sample.path, `sample "${sample.text}" repeats ${earlier.path} of the same intent "${intent.name}"`);
      } else {
        out.error("utterance-duplicate", sample.path, `sample "${sample.text}" of intent "${intent.name}" is also a sample of intent "${earlier.intent}" (${earlier.path}); Alexa cannot tell which one the user means`);
      }
    }
  }
}
