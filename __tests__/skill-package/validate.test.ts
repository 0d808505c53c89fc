import { readFileSync } from "node:fs";
import * as path from "node:path";
import { UsageError } from "../../lib/errors";
import {
  formatReport,
  hasErrors,
  loadSkillPackage,
  readSkillPackage,
  selectLocales,
  validateInteractionModel,
  validateModelFile,
  type Problem,
} from "../../lib/skill-package";

const FIXTURES = path.join(__dirname, "..", "fixtures");
const VOICEAPP = path.join(__dirname, "..", "..", "lib", "emulators", "fixtures", "voiceapp311-skill-package");
const BAD = path.join(FIXTURES, "bad-models");
const LM = "interactionModel.languageModel";

function validateBadFile(name: string, locale = "en-US"): Problem[] {
  const file = `${name}.json`;
  return validateModelFile({ file, locale, bytes: readFileSync(path.join(BAD, file)) }).problems;
}

describe("the real voiceapp311 skill package", () => {
  it("validates clean", async () => {
    const result = await loadSkillPackage(VOICEAPP);
    expect(result.problems).toEqual([]);
    expect(formatReport(result.problems)).toBe("Skill package is valid: no problems found.");
    expect(result.models.map((m) => [m.locale, m.file])).toEqual([["en-US", "interactionModels/custom/en-US.json"]]);
    expect(result.manifest).toMatchObject({ manifest: { publishingInformation: { locales: { "en-US": { name: "Boston Info" } } } } });
  });

  it("hands over the model exactly as the file has it", async () => {
    const result = await loadSkillPackage(VOICEAPP);
    const onDisk: unknown = JSON.parse(readFileSync(path.join(VOICEAPP, "interactionModels/custom/en-US.json"), "utf8"));
    expect(result.models[0]?.model).toEqual(onDisk);
  });
});

describe("each rule, on a minimal bad file", () => {
  it("the minimal base file itself is valid", () => {
    expect(validateBadFile("valid-minimal")).toEqual([]);
  });

  const cases: Array<[file: string, rule: string, severity: string, path: string, message: RegExp]> = [
    ["missing-invocation-name", "structure", "error", `${LM}.invocationName`, /"invocationName" must be a non-empty string, found nothing/],
    ["intents-not-array", "structure", "error", `${LM}.intents`, /"intents" must be an array of intents, found an object/],
    ["intent-without-name", "structure", "error", `${LM}.intents[2].name`, /an intent needs a "name"/],
    ["type-without-values", "structure", "error", `${LM}.types[0].values`, /slot type "CityService" needs "values"/],
    ["invocation-name-uppercase", "invocation-name-characters", "error", `${LM}.invocationName`, /"City Helper".*"C", "H" \(use lower case\)/],
    ["invocation-name-digits", "invocation-name-characters", "error", `${LM}.invocationName`, /spell numbers out/],
    ["invocation-name-wake-word", "invocation-name-wake-word", "error", `${LM}.invocationName`, /wake word "alexa"/],
    ["invocation-name-launch-phrase", "invocation-name-launch-phrase", "error", `${LM}.invocationName`, /launch phrase "open"/],
    ["invocation-name-article", "invocation-name-article", "error", `${LM}.invocationName`, /two-word invocation name "a bicycle"/],
    ["invocation-name-one-word", "invocation-name-one-word", "warning", `${LM}.invocationName`, /"cityhelper" is one word/],
    ["duplicate-intent-name", "intent-name-duplicate", "error", `${LM}.intents[2].name`, /duplicate intent name "HelloIntent" \(first defined at interactionModel\.languageModel\.intents\[1\]\)/],
    ["duplicate-type-name", "type-name-duplicate", "error", `${LM}.types[1].name`, /duplicate slot type name "CityService"/],
    ["duplicate-slot-name", "slot-name-duplicate", "error", `${LM}.intents[1].slots[1].name`, /duplicate slot name "Address" in intent "HelloIntent"/],
    ["undefined-slot-type", "slot-type-undefined", "error", `${LM}.intents[1].slots[0].type`, /type "CityService", which is neither built in \(AMAZON\.\*\) nor defined/],
    ["undeclared-slot-in-sample", "utterance-undeclared-slot", "error", `${LM}.intents[1].samples[3]`, /uses \{address\}.*did you mean \{Address\}/],
    ["undeclared-slot-in-slot-sample", "utterance-undeclared-slot", "error", `${LM}.intents[1].slots[0].samples[1]`, /slot "Address" of intent "HelloIntent" uses \{Neighborhood\}.*\(declared: Address\)/],
    ["unbalanced-braces", "utterance-syntax", "error", `${LM}.intents[1].samples[2]`, /"\{" at character 12 is never closed/],
    ["duplicate-sample-across-intents", "utterance-duplicate", "error", `${LM}.intents[2].samples[1]`, /"Hello {3}There " of intent "GreetIntent" is also a sample of intent "HelloIntent" \(interactionModel\.languageModel\.intents\[1\]\.samples\[1\]\)/],
    ["custom-intent-without-samples", "intent-without-samples", "error", `${LM}.intents[2]`, /custom intent "GoodbyeIntent" has no sample utterances/],
    ["search-query-without-carrier-phrase", "utterance-carrier-phrase", "error", `${LM}.intents[2].samples[1]`, /AMAZON\.SearchQuery.*carrier phrase/],
    ["dialog-undefined-prompt", "dialog-reference", "error", "interactionModel.dialog.intents[0].slots[0].prompts.elicitation", /prompt "Elicit\.Slot\.Address".*not defined in "prompts"/],
  ];

  it.each(cases)("%s → %s", (file, rule, severity, problemPath, message) => {
    const problems = validateBadFile(file);
    expect(problems).toEqual([
      { file: `${file}.json`, locale: "en-US", path: problemPath, rule, severity, message: expect.stringMatching(message) },
    ]);
  });

  it("a JSON syntax error gives file, line and column", () => {
    expect(validateBadFile("syntax-error")).toEqual([
      {
        file: "syntax-error.json",
        locale: "en-US",
        path: "",
        rule: "json-syntax",
        severity: "error",
        line: 9,
        column: 9,
        message: `invalid JSON: expected ',' or ']' after an array element, found "{"`,
      },
    ]);
  });

  it("built-in intents need no samples, and AMAZON.* slot types need no definition", () => {
    const model = {
      interactionModel: {
        languageModel: {
          invocationName: "city helper",
          intents: [
            { name: "AMAZON.HelpIntent" },
            { name: "AMAZON.FallbackIntent", samples: [] },
            { name: "WhenIntent", slots: [{ name: "Day", type: "AMAZON.DATE" }], samples: ["what happens {Day}"] },
          ],
        },
      },
    };
    expect(validateInteractionModel(model, "m.json", "en-US")).toEqual([]);
  });

  it("a repeated sample inside one intent is only a warning", () => {
    const model = {
      interactionModel: { languageModel: { invocationName: "city helper", intents: [{ name: "HelloIntent", samples: ["hello", "Hello"] }] } },
    };
    expect(validateInteractionModel(model, "m.json", "en-US")).toEqual([
      expect.objectContaining({ rule: "utterance-duplicate", severity: "warning", path: `${LM}.intents[0].samples[1]` }),
    ]);
  });

  it("rejects a file that is not UTF-8", () => {
    const bytes = Buffer.concat([Buffer.from('{"interactionModel": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    expect(validateModelFile({ file: "x.json", locale: "en-US", bytes }).problems).toEqual([
      expect.objectContaining({ rule: "json-syntax", message: "x.json is not valid UTF-8" }),
    ]);
  });
});

describe("a package with problems in several files", () => {
  const dir = path.join(BAD, "package-with-many-problems");

  it("reports all of them at once, in file order", async () => {
    const { problems, models } = await loadSkillPackage(dir);
    const summary = problems.map((p) => [p.file, p.locale, p.rule, p.severity, p.path, p.line ?? null]);
    expect(summary).toEqual([
      ["skill.json", null, "json-syntax", "error", "", 4],
      ["interactionModels/custom/de-DE.json", "de-DE", "intent-name-duplicate", "error", `${LM}.intents[2].name`, null],
      ["interactionModels/custom/en-US.json", "en-US", "invocation-name-characters", "error", `${LM}.invocationName`, null],
      ["interactionModels/custom/en-US.json", "en-US", "slot-type-undefined", "error", `${LM}.intents[1].slots[0].type`, null],
      ["interactionModels/custom/en_GB.json", "en_GB", "locale-name", "error", "", null],
      ["interactionModels/custom/fr-FR.json", "fr-FR", "json-syntax", "error", "", 6],
    ]);
    expect(hasErrors(problems)).toBe(true);
    // Models that parsed are handed over; fr-FR did not parse.
    expect(models.map((m) => m.locale)).toEqual(["de-DE", "en-US", "en_GB"]);
    expect(problems.find((p) => p.rule === "locale-name")?.message).toContain("did you mean en-GB?");
  });

  it("formats one report for people", async () => {
    const { problems } = await loadSkillPackage(dir);
    const report = formatReport(problems);
    expect(report).toContain("skill.json\n  error   line 4, column 7: invalid JSON: expected a double-quoted property name");
    expect(report).toContain("interactionModels/custom/en-US.json (en-US)\n  error   interactionModel.languageModel.invocationName:");
    expect(report).toContain("[slot-type-undefined]");
    expect(report.endsWith("6 errors, 0 warnings in 5 files.")).toBe(true);
  });

  it("lists warnings after errors within a file", () => {
    const problems: Problem[] = [
      { file: "a.json", locale: "en-US", path: "x", rule: "invocation-name-one-word", message: "w", severity: "warning" },
      { file: "a.json", locale: "en-US", path: "y", rule: "structure", message: "e", severity: "error" },
    ];
    expect(formatReport(problems)).toBe(
      ["a.json (en-US)", "  error   y: e [structure]", "  warning x: w [invocation-name-one-word]", "", "1 error, 1 warning in 1 file."].join("\n"),
    );
  });
});

describe("locale selection", () => {
  const dir = path.join(BAD, "package-with-many-problems");

  it("takes every model by default, sorted", async () => {
    const files = await readSkillPackage(dir);
    expect(files.availableLocales).toEqual(["de-DE", "en-US", "en_GB", "fr-FR"]);
    expect(files.models.map((m) => m.locale)).toEqual(["de-DE", "en-US", "en_GB", "fr-FR"]);
  });

  it("takes only the requested locales, and validates only those models (plus skill.json)", async () => {
    const { problems } = await loadSkillPackage(dir, { locales: ["en-US"] });
    expect(new Set(problems.map((p) => p.file))).toEqual(new Set(["skill.json", "interactionModels/custom/en-US.json"]));
  });

  it("names what exists when a requested locale has no model", async () => {
    await expect(readSkillPackage(VOICEAPP, { locales: ["de-DE"] })).rejects.toThrow(UsageError);
    await expect(readSkillPackage(VOICEAPP, { locales: ["de-DE"] })).rejects.toThrow(/--locale de-DE: .* has no interaction model interactionModels\/custom\/de-DE\.json \(found: en-US\)/);
  });

  it("rejects a requested locale that is not a locale name", () => {
    expect(() => selectLocales(["en-US"], ["en-us"])).toThrow(/--locale "en-us" is not a locale name.*did you mean en-US\?/);
    expect(() => selectLocales(["en-US"], ["english"])).toThrow(UsageError);
  });

  it("de-duplicates and sorts the requested locales", () => {
    expect(selectLocales(["de-DE", "en-US", "fr-FR"], ["fr-FR", "de-DE", "fr-FR"])).toEqual(["de-DE", "fr-FR"]);
    expect(selectLocales(["de-DE", "en-US"], [])).toEqual(["de-DE", "en-US"]);
  });

  it("warns on a well-formed locale Alexa is not known to support", () => {
    const problems = validateModelFile({ file: "interactionModels/custom/xx-XX.json", locale: "xx-XX", bytes: readFileSync(path.join(BAD, "valid-minimal.json")) }).problems;
    expect(problems).toEqual([expect.objectContaining({ rule: "locale-name", severity: "warning" })]);
  });
});

describe("package layout", () => {
  it("throws a UsageError for a directory that does not exist", async () => {
    await expect(readSkillPackage(path.join(FIXTURES, "no-such-package"))).rejects.toThrow(/skill package directory .*no-such-package does not exist/);
  });

  it("reports a missing skill.json and a missing model directory as problems", async () => {
    const { problems } = await loadSkillPackage(BAD);
    expect(problems.map((p) => [p.file, p.rule])).toEqual([
      ["skill.json", "package-layout"],
      ["interactionModels/custom", "package-layout"],
    ]);
  });
});
