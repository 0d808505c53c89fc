import { checkInvocationName } from "../../lib/skill-package/invocation-name";

const rules = (name: string, locale: string | null = "en-US") =>
  checkInvocationName(name, locale).map((f) => `${f.severity}:${f.rule}`);

describe("checkInvocationName", () => {
  it.each(["boston info", "daily horoscopes", "sam's science trivia", "students' guide", "n. p. r. news", "molly's horoscope"])(
    "accepts %j",
    (name) => {
      expect(checkInvocationName(name, "en-US")).toEqual([]);
    },
  );

  it("accepts lower-case letters of other scripts and their marks", () => {
    expect(checkInvocationName("stadt straßen info", "de-DE")).toEqual([]);
    expect(checkInvocationName("signe astrologique", "fr-FR")).toEqual([]);
    expect(checkInvocationName("दैनिक राशिफल", "hi-IN")).toEqual([]);
    expect(checkInvocationName("ボストンインフォー", "ja-JP")).toEqual([]);
  });

  it("rejects upper case, digits and other punctuation", () => {
    const [finding] = checkInvocationName("Boston 311!", "en-US");
    expect(finding).toMatchObject({ rule: "invocation-name-characters", severity: "error" });
    expect(finding?.message).toContain('"B", "3", "1", "!"');
    expect(finding?.message).toContain("use lower case");
    expect(finding?.message).toContain("spell numbers out");
  });

  it.each([
    ["alexa trivia", "alexa"],
    ["amazon deals helper", "amazon"],
    ["echo park guide", "echo"],
    ["computer facts", "computer"],
    ["alexa's quiz", "alexa"],
  ])("rejects the wake word in %j", (name, word) => {
    const findings = checkInvocationName(name, "en-US");
    expect(findings).toEqual([expect.objectContaining({ rule: "invocation-name-wake-word", severity: "error" })]);
    expect(findings[0]?.message).toContain(`"${word}"`);
  });

  it.each(["hackster initial skill", "word skills", "weather app", "city apps guide"])("rejects \"skill\"/\"app\" in %j, in every locale", (name) => {
    expect(rules(name, "en-US")).toEqual(["error:invocation-name-wake-word"]);
    expect(rules(name, "de-DE")).toEqual(["error:invocation-name-wake-word"]);
  });

  it.each([
    ["open city hall", "open"],
    ["play city radio", "play"],
    ["trivia game for star wars", "for"],
    ["better with bacon", "with"],
    ["bread and butter", "and"],
  ])("rejects launch phrases and connecting words in %j (English locales)", (name, word) => {
    const findings = checkInvocationName(name, "en-GB");
    expect(findings).toEqual([expect.objectContaining({ rule: "invocation-name-launch-phrase", severity: "error" })]);
    expect(findings[0]?.message).toContain(`"${word}"`);
  });

  it("does not apply English word lists to other languages", () => {
    expect(checkInvocationName("tell mich info", "de-DE")).toEqual([]);
  });

  it.each(["a bicycle", "an espresso", "the fool", "city of"])("rejects the two-word name %j with an article or preposition", (name) => {
    expect(rules(name)).toEqual(["error:invocation-name-article"]);
  });

  it("reports a connecting word once, not also as a two-word preposition", () => {
    expect(rules("for fun")).toEqual(["error:invocation-name-launch-phrase"]);
  });

  it("warns, does not fail, on one-word names (a brand may own one)", () => {
    expect(rules("roomba")).toEqual(["warning:invocation-name-one-word"]);
    expect(checkInvocationName("kaffeeroboter", "de-DE")[0]?.message).toContain("German compound");
    expect(rules("ボストン", "ja-JP")).toEqual([]);
  });

  it("warns on style Amazon asks for but a build does not enforce", () => {
    expect(rules(" city  helper")).toEqual(["warning:invocation-name-style"]);
    expect(rules("sam’s trivia")).toEqual(["warning:invocation-name-style"]);
    expect(rules("don't panic guide")).toEqual(["warning:invocation-name-style"]);
    expect(rules("a.w.s. facts")).toEqual(["warning:invocation-name-style"]);
    expect(rules("st. louis guide")).toEqual(["warning:invocation-name-style"]);
  });
});
