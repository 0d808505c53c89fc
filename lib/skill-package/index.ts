/**
 * Skill package validation for `deploy:model`: read the package, validate
 * every selected model and skill.json, report every problem at once.
 */
import { readSkillPackage, type ReadSkillPackageOptions } from "./read-package";
import { validateSkillPackage, type SkillPackageValidation } from "./validate";

export async function loadSkillPackage(dir: string, options: ReadSkillPackageOptions = {}): Promise<SkillPackageValidation> {
  return validateSkillPackage(await readSkillPackage(dir, options));
}

export { checkInvocationName, type InvocationNameFinding } from "./invocation-name";
export { findDuplicateKeys, findJsonSyntaxError, lineColumnAt, parseJsonText, positionFromEngineMessage, type DuplicateKey, type JsonParseResult } from "./json-text";
export { ALEXA_LOCALES, LOCALE_PATTERN, checkLocaleName } from "./locale";
export { canonicalModelJson, modelsEqual } from "./model-equality";
export { hasErrors, type Problem, type RuleId, type Severity } from "./problem";
export {
  MANIFEST_FILE,
  MODELS_DIR,
  readSkillPackage,
  selectLocales,
  type PackageFile,
  type ReadSkillPackageOptions,
  type SkillPackageFiles,
} from "./read-package";
export { formatReport } from "./report";
export { parseUtterance, utteranceKey } from "./utterances";
export {
  validateInteractionModel,
  validateManifestFile,
  validateModelFile,
  validateSkillPackage,
  type ParsedModel,
  type SkillPackageValidation,
} from "./validate";
