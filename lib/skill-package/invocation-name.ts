/**
 * Amazon's "Invocation Name Requirements" (developer.amazon.com, Alexa Skills
 * Kit docs: "Choose the Invocation Name for a Custom Skill", and "Design the
 * Invocation Name for Your Skill"). What a program can check is checked:
 *
 * - errors, the requirements Amazon states as absolute:
 *   - only lower-case letters, spaces between words, possessive apostrophes
 *     and periods of spelled-out abbreviations; numbers spelled out;
 *   - no wake words ("alexa", "amazon", "echo", "computer") and not the words
 *     "skill" or "app";
 *   - (English locales, where Amazon's word lists apply) none of the launch
 *     phrases and connecting words, and no two-word name with an article or
 *     preposition ("a bicycle", "for fun").
 * - warnings, where only a person can decide:
 *   - one-word names are allowed for a brand the developer owns (and German
 *     compounds), which a program cannot know;
 *   - apostrophes that are not possessive, periods that do not follow a
 *     single letter ("n. p. r."), a typographic apostrophe, stray spaces.
 *
 * IP infringement, names of people and places, pronounceability and
 * confusion with built-in Alexa features need a person and are not checked.
 */
import type { RuleId, Severity } from "./problem";
import { isEnglishLocale } from "./locale";

export interface InvocationNameFinding {
  rule: RuleId;
  severity: Severity;
  message: string;
}

const WAKE_WORDS = new Set(["alexa", "amazon", "echo", "computer"]);
const FORBIDDEN_WORDS = new Set(["skill", "skills", "app", "apps"]);
const LAUNCH_PHRASES = new Set(["run", "start", "play", "resume", "use", "launch", "ask", "open", "tell", "load", "begin", "enable"]);
const CONNECTING_WORDS = new Set(["to", "from", "in", "using", "with", "about", "for", "that", "by", "if", "and", "whether"]);
/** Amazon's examples for two-word names: articles and prepositions. */
const ARTICLES_AND_PREPOSITIONS = new Set(["the", "a", "an", "for", "to", "of", "about", "up", "by", "at", "off", "with"]);

/**
 * Letters of any script, as long as they are not upper case: lower-case
 * letters, letters of scripts without case (Devanagari, kana, kanji, Arabic)
 * with their combining marks, and modifier letters such as the Japanese "ー".
 */
const ALLOWED_CHARACTER = /[\p{Ll}\p{Lm}\p{Lo}\p{M} '’.]/u;

export function checkInvocationName(name: string, locale: string | null): InvocationNameFinding[] {
  const findings: InvocationNameFinding[] = [];
  const error = (rule: RuleId, message: string) => findings.push({ rule, severity: "error", message });
  const warning = (rule: RuleId, message: string) => findings.push({ rule, severity: "warning", message });

  checkCharacters(name, error);

  const words = name.trim().split(/\s+/).filter((w) => w !== "");
  // "alexa's trivia" still contains the wake word; "n. p. r." has no words to compare.
  const bare = words.map((w) => w.toLowerCase().replace(/['’]s$|['’]$/u, "").replace(/\.$/, ""));

  const wake = unique(bare.filter((w) => WAKE_WORDS.has(w)));
  if (wake.length > 0) error("invocation-name-wake-word", `invocation name "${name}" contains the wake word ${quoteList(wake)}, which Amazon does not allow`);
  const forbidden = unique(bare.filter((w) => FORBIDDEN_WORDS.has(w)));
  if (forbidden.length > 0) error("invocation-name-wake-word", `invocation name "${name}" contains ${quoteList(forbidden)}; Amazon does not allow the words "skill" or "app"`);

  if (isEnglishLocale(locale)) {
    const launch = unique(bare.filter((w) => LAUNCH_PHRASES.has(w)));
    if (launch.length > 0) error("invocation-name-launch-phrase", `invocation name "${name}" contains the launch phrase ${quoteList(launch)} ("Alexa, ${launch[0]} …" is how users start skills)`);
    const connecting = unique(bare.filter((w) => CONNECTING_WORDS.has(w)));
    if (connecting.length > 0) error("invocation-name-launch-phrase", `invocation name "${name}" contains the connecting word ${quoteList(connecting)} ("Alexa, ask … ${connecting[0]} …" would split it)`);
    if (bare.length === 2) {
      const article = bare.filter((w) => ARTICLES_AND_PREPOSITIONS.has(w) && !CONNECTING_WORDS.has(w));
      if (article.length > 0) error("invocation-name-article", `two-word invocation name "${name}" has the article or preposition ${quoteList(article)}; Amazon does not allow that (e.g. "a bicycle", "to amuse")`);
    }
  }

  // Japanese is written without spaces, so a word count means nothing there.
  if (words.length === 1 && !locale?.startsWith("ja-")) {
    const exception = locale?.startsWith("de-") ? ", or a German compound of two or more words" : "";
    warning("invocation-name-one-word", `invocation name "${name}" is one word: Amazon allows that only for a brand you own (with proof of ownership)${exception}`);
  }

  checkStyle(name, words, warning);
  return findings;
}

function checkCharacters(name: string, error: (rule: RuleId, message: string) => void): void {
  const bad = unique([...name].filter((ch) => !ALLOWED_CHARACTER.test(ch)));
  if (bad.length === 0) return;
  const hints: string[] = [];
  if (bad.some((ch) => /\p{Lu}|\p{Lt}/u.test(ch))) hints.push("use lower case");
  if (bad.some((ch) => /\p{N}/u.test(ch))) hints.push('spell numbers out ("twenty one")');
  const hint = hints.length > 0 ? ` (${hints.join("; ")})` : "";
  error(
    "invocation-name-characters",
    `invocation name "${name}" may contain only lower-case letters, spaces, possessive apostrophes and the periods of abbreviations ("n. p. r."); it has ${bad.map((ch) => JSON.stringify(ch)).join(", ")}${hint}`,
  );
}

function checkStyle(name: string, words: string[], warning: (rule: RuleId, message: string) => void): void {
  if (name !== name.trim() || /\s{2,}/.test(name) || /[^\S ]/.test(name)) {
    warning("invocation-name-style", `invocation name "${name}" should have single spaces between words and none around them`);
  }
  if (name.includes("’")) warning("invocation-name-style", `invocation name "${name}" has a typographic apostrophe (’); use a straight one (')`);
  for (const word of words) {
    if (/['’]/u.test(word) && !/^[^'’]+['’]s$|^[^'’]+s['’]$/u.test(word)) {
      warning("invocation-name-style", `invocation name "${name}": Amazon allows only possessive apostrophes ("sam's"), not "${word}"`);
    }
    if (word.includes(".") && !/^[^.]\.$/u.test(word)) {
      warning("invocation-name-style", `invocation name "${name}": periods are for abbreviations spelled letter by letter, one letter each ("n. p. r."), not "${word}"`);
    }
  }
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function quoteList(words: string[]): string {
  return words.map((w) => `"${w}"`).join(", ");
}
