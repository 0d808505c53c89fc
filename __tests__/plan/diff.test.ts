import { MAX_VALUE_CHARS, SENSITIVE, UNKNOWN, attributeChanges, changedAttributeNames, formatPath, show } from "../../lib/plan/diff";
import { escapeText } from "../../lib/plan/format";
import { fixturePlan } from "./helpers";

const rows = (changes: ReturnType<typeof attributeChanges>) => changes.map((change) => [formatPath(change.path), change.before, change.after]);

describe("attributeChanges: before → after for changed attributes only", () => {
  test("an in-place update lists the changed leaves, hides marked ones, and says what is known after apply", () => {
    const config = fixturePlan("changes").changes.find((change) => change.address === "terraform_data.config");
    if (config === undefined) throw new Error("fixture changed");
    expect(rows(attributeChanges(config, fixturePlan("changes").isSecret))).toEqual([
      ["input.api_key", SENSITIVE, SENSITIVE],
      ["input.name", '"boston-info"', '"boston-info-v2"'],
      // Terraform forgets the mark on terraform_data.output; the secret test still hides the key.
      ["output", `{"api_key": ${SENSITIVE}, "memory": 128, "name": "boston-info"}`, UNKNOWN],
    ]);
  });

  test("a wholly sensitive object is compared but never looked into, not even its keys", () => {
    const changes = attributeChanges({
      before: { tags: { "secret-team-name": "a" } },
      after: { tags: { "secret-team-name": "b" } },
      beforeSensitive: { tags: true },
      afterSensitive: { tags: true },
      afterUnknown: {},
    });
    expect(rows(changes)).toEqual([["tags", SENSITIVE, SENSITIVE]]);
    expect(JSON.stringify(changes)).not.toMatch(/secret-team-name/);
  });

  test("an unchanged sensitive value is not listed; one that becomes unknown is", () => {
    const marks = { beforeSensitive: { key: true }, afterSensitive: { key: true } };
    expect(attributeChanges({ before: { key: "s" }, after: { key: "s" }, afterUnknown: {}, ...marks })).toEqual([]);
    expect(rows(attributeChanges({ before: { key: "s" }, after: {}, afterUnknown: { key: true }, ...marks }))).toEqual([["key", SENSITIVE, UNKNOWN]]);
  });

  test("a value that only one side marks is still hidden on both", () => {
    expect(rows(attributeChanges({ before: { key: "old" }, after: { key: "new" }, beforeSensitive: {}, afterSensitive: { key: true }, afterUnknown: {} }))).toEqual([["key", SENSITIVE, SENSITIVE]]);
  });

  test("replace_paths mark what forces a replacement", () => {
    const build = fixturePlan("changes").changes.find((change) => change.address === "terraform_data.build");
    if (build === undefined) throw new Error("fixture changed");
    const changes = attributeChanges(build);
    expect(changes.filter((change) => change.forcesReplacement).map((change) => formatPath(change.path))).toEqual(["triggers_replace[0]"]);
    expect(changedAttributeNames(changes)).toEqual(["id", "output", "triggers_replace"]);
  });

  test("a create lists the new leaves; lists compare by position", () => {
    const created = fixturePlan("changes").changes.find((change) => change.address === "terraform_data.created");
    if (created === undefined) throw new Error("fixture changed");
    expect(rows(attributeChanges(created))).toEqual([
      ["input.owner", "null", '"digital-team"'],
      ["input.tags[0]", "null", '"alexa"'],
      ["input.tags[1]", "null", '"boston"'],
      ["id", "null", UNKNOWN],
      ["output", "null", UNKNOWN],
    ]);
  });

  test("long values are cut", () => {
    const text = show("x".repeat(1000), undefined, undefined);
    expect(text.length).toBeLessThan(MAX_VALUE_CHARS + 40);
    expect(text).toMatch(/… \(1002 characters\)$/);
  });

  test("paths quote keys that are not identifiers", () => {
    expect(formatPath(["tags", "team name", 0, "a-b"])).toBe('tags["team name"][0].a-b');
  });
});

describe("escapeText: untrusted text cannot change the comment's structure", () => {
  test.each([
    ["a|b", "a&#124;b"],
    ["`code`", "&#96;code&#96;"],
    ["<script>", "&#60;script&#62;"],
    ["&amp;", "&#38;amp;"],
    ["*b* _i_ ~s~", "&#42;b&#42; &#95;i&#95; &#126;s&#126;"],
    ["[l](u)", "&#91;l&#93;(u)"],
    ["$x$", "&#36;x&#36;"],
    ["back\\slash", "back&#92;slash"],
    ["two\nlines", "two↵lines"],
    ["aws_lambda_function", "aws_lambda_function"],
  ])("%j", (input, output) => {
    expect(escapeText(input)).toBe(output);
  });
});
