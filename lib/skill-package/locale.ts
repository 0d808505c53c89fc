/**
 * Locale names as SMAPI and the ASK CLI use them: `interactionModels/custom/
 * en-US.json` is uploaded to `/interactionModel/locales/en-US`, so the file
 * name is the locale and its case matters.
 */
export const LOCALE_PATTERN = /^[a-z]{2}-[A-Z]{2}$/;

/**
 * The locales Alexa custom skills support (Amazon's "Develop Skills in
 * Multiple Languages" page). Amazon adds locales now and then, so a
 * well-formed locale missing here is a warning, not an error.
 */
export const ALEXA_LOCALES: readonly string[] = [
  "ar-SA",
  "de-DE",
  "en-AU",
  "en-CA",
  "en-GB",
  "en-IN",
  "en-US",
  "es-ES",
  "es-MX",
  "es-US",
  "fr-CA",
  "fr-FR",
  "hi-IN",
  "it-IT",
  "ja-JP",
  "nl-NL",
  "pt-BR",
];

export type LocaleCheck = { valid: true; known: boolean } | { valid: false; message: string };

export function checkLocaleName(name: string): LocaleCheck {
  if (LOCALE_PATTERN.test(name)) return { valid: true, known: ALEXA_LOCALES.includes(name) };
  const suggestion = suggestLocale(name);
  return {
    valid: false,
    message:
      `"${name}" is not a locale name: expected language-REGION such as en-US or de-DE` +
      (suggestion ? ` (did you mean ${suggestion}?)` : ""),
  };
}

/** "en-us", "en_US" → "en-US", so the message can say what was meant. */
function suggestLocale(name: string): string | undefined {
  const match = /^([A-Za-z]{2})[-_]([A-Za-z]{2})$/.exec(name);
  if (!match || match[1] === undefined || match[2] === undefined) return undefined;
  return `${match[1].toLowerCase()}-${match[2].toUpperCase()}`;
}

export function isEnglishLocale(locale: string | null): boolean {
  return locale !== null && locale.startsWith("en-");
}
