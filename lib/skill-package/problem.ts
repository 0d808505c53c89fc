/**
 * One finding of the skill package validator. `deploy:model` collects all of
 * them before uploading anything, so a push that breaks three locales says so
 * once instead of failing three builds one after the other.
 */
export type Severity = "error" | "warning";

export type RuleId =
  | "package-layout"
  | "json-syntax"
  | "json-duplicate-key"
  | "model-size"
  | "locale-name"
  | "manifest-structure"
  | "structure"
  | "invocation-name-characters"
  | "invocation-name-wake-word"
  | "invocation-name-launch-phrase"
  | "invocation-name-article"
  | "invocation-name-one-word"
  | "invocation-name-style"
  | "intent-name-duplicate"
  | "type-name-duplicate"
  | "slot-name-duplicate"
  | "intent-without-samples"
  | "slot-type-undefined"
  | "utterance-syntax"
  | "utterance-undeclared-slot"
  | "utterance-carrier-phrase"
  | "utterance-duplicate"
  | "dialog-reference";

export interface Problem {
  /** Path relative to the skill package directory, POSIX separators. */
  file: string;
  /** The model's locale, or null for skill.json and package-level problems. */
  locale: string | null;
  /** JSON path inside the file (`interactionModel.languageModel.intents[3].samples[2]`); "" for the whole file. */
  path: string;
  rule: RuleId;
  message: string;
  severity: Severity;
  /** 1-based; set for JSON syntax errors, where a JSON path does not exist yet. */
  line?: number;
  column?: number;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === "error");
}
