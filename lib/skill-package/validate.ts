/**
 * Validates a whole skill package and reports every problem of every file in
 * one list. Pure: the files come from read-package.ts.
 */
import { ProblemCollector } from "./collector";
import { checkDeclarations } from "./declarations";
import { checkDialogReferences } from "./dialog";
import { checkInvocationName } from "./invocation-name";
import { findDuplicateKeys, parseJsonText } from "./json-text";
import { checkModelLimits } from "./model-limits";
import { checkLocaleName } from "./locale";
import { isObject, readModelStructure } from "./model-structure";
import type { Problem } from "./problem";
import { MANIFEST_FILE, MODELS_DIR, type PackageFile, type SkillPackageFiles } from "./read-package";
import { checkUtterances } from "./utterances";

export interface ParsedModel {
  locale: string;
  file: string;
  /** The file's JSON, as it is to be uploaded. */
  model: unknown;
}

export interface SkillPackageValidation {
  problems: Problem[];
  /** Skill manifest JSON, when skill.json parsed. */
  manifest: unknown;
  /** Every selected model that parsed, whether or not it has other problems. */
  models: ParsedModel[];
}

export function validateSkillPackage(files: SkillPackageFiles): SkillPackageValidation {
  const problems: Problem[] = [];
  const layout = new ProblemCollector(MANIFEST_FILE, null);

  let manifest: unknown;
  if (files.manifest === undefined) {
    layout.error("package-layout", "", `${MANIFEST_FILE} is missing from ${files.dir}; a skill package in the ASK CLI layout has ${MANIFEST_FILE} and ${MODELS_DIR}/<locale>.json`);
  } else {
    const result = validateManifestFile(files.manifest);
    problems.push(...result.problems);
    manifest = result.manifest;
  }

  const modelsLayout = new ProblemCollector(MODELS_DIR, null);
  if (!files.modelsDirFound) modelsLayout.error("package-layout", "", `${MODELS_DIR} is missing from ${files.dir}: there is no interaction model to upload`);
  else if (files.models.length === 0) modelsLayout.error("package-layout", "", `${MODELS_DIR} in ${files.dir} has no <locale>.json interaction model`);

  const models: ParsedModel[] = [];
  for (const file of files.models) {
    const result = validateModelFile(file);
    problems.push(...result.problems);
    if (result.parsed && file.locale !== null) models.push({ locale: file.locale, file: file.file, model: result.model });
  }
  return { problems: [...layout.problems, ...modelsLayout.problems, ...problems], manifest, models };
}

export function validateManifestFile(file: PackageFile): { problems: Problem[]; manifest: unknown } {
  const out = new ProblemCollector(file.file, null);
  const parsed = parseFile(file, out);
  if (!parsed.ok) return { problems: out.problems, manifest: undefined };
  if (!isObject(parsed.value) || !isObject(parsed.value["manifest"])) {
    out.error("manifest-structure", isObject(parsed.value) ? "manifest" : "", `${file.file} must hold an object with a "manifest" object`);
  }
  return { problems: out.problems, manifest: parsed.value };
}

export function validateModelFile(file: PackageFile): { problems: Problem[]; parsed: boolean; model: unknown } {
  const out = new ProblemCollector(file.file, file.locale);
  if (file.locale !== null) {
    const check = checkLocaleName(file.locale);
    if (!check.valid) out.error("locale-name", "", `${check.message}; the file name is the locale the model is uploaded to`);
    else if (!check.known) out.warning("locale-name", "", `${file.locale} is not one of the locales Alexa is known to support; check the file name`);
  }
  const parsed = parseFile(file, out);
  if (!parsed.ok) return { problems: out.problems, parsed: false, model: undefined };
  checkModelLimits(file.bytes.length, parsed.value, out);
  checkInteractionModel(parsed.value, out);
  return { problems: out.problems, parsed: true, model: parsed.value };
}

/** Every model rule, on an already parsed model file. */
export function validateInteractionModel(model: unknown, file: string, locale: string | null): Problem[] {
  const out = new ProblemCollector(file, locale);
  checkInteractionModel(model, out);
  return out.problems;
}

function checkInteractionModel(model: unknown, out: ProblemCollector): void {
  const view = readModelStructure(model, out);
  if (view === undefined) return;
  if (view.invocationName !== undefined) {
    for (const finding of checkInvocationName(view.invocationName.value, out.locale)) {
      if (finding.severity === "error") out.error(finding.rule, view.invocationName.path, finding.message);
      else out.warning(finding.rule, view.invocationName.path, finding.message);
    }
  }
  checkDeclarations(view, out);
  checkUtterances(view, out);
  checkDialogReferences(view, out);
}

function parseFile(file: PackageFile, out: ProblemCollector): { ok: true; value: unknown } | { ok: false } {
  let text: string;
  try {
    // SMAPI takes UTF-8; a stray Latin-1 byte would otherwise turn into U+FFFD silently.
    text = new TextDecoder("utf-8", { fatal: true }).decode(file.bytes);
  } catch {
    out.error("json-syntax", "", `${file.file} is not valid UTF-8`);
    return { ok: false };
  }
  const result = parseJsonText(text);
  if (result.ok) {
    // JSON.parse keeps the last of two equal keys: the first would be lost without a word.
    for (const duplicate of findDuplicateKeys(text)) {
      out.problems.push({
        file: file.file,
        locale: out.locale,
        path: duplicate.path,
        rule: "json-duplicate-key",
        message: `the key ${JSON.stringify(duplicate.key)} appears more than once in the same object; only the last one would be uploaded: merge or remove the others`,
        severity: "error",
        line: duplicate.line,
        column: duplicate.column,
      });
    }
    return result;
  }
  out.problems.push({
    file: file.file,
    locale: out.locale,
    path: "",
    rule: "json-syntax",
    message: `invalid JSON: ${result.message}`,
    severity: "error",
    line: result.line,
    column: result.column,
  });
  return { ok: false };
}
