import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_DEPTH, SENSITIVE, TOO_DEEP, attributeChanges, deepEqual, show } from "../../lib/plan/diff";
import { parsePlan } from "../../lib/plan/parse";
import { renderPlanComment } from "../../lib/plan/render";
import { collectAllStrings, collectMarkedStrings, secretTest } from "../../lib/plan/secrets";
import { main } from "../../scripts/plan-comment";
import { FIXTURE_ACCOUNT, FIXTURE_PIN, FIXTURE_SECRETS } from "./fixtures/regenerate";
import { Capture, fixtureJson, fixturePath } from "./helpers";

const LEVELS = 10_000;

/** `{"k":[{"k":[…"leaf"…]}]}`, `levels` deep, written as text: even JSON.stringify cannot make it. */
function deepValueText(levels: number, leaf: string): string {
  return '{"k":['.repeat(levels / 2) + JSON.stringify(leaf) + "]}".repeat(levels / 2);
}

function deepPlanText(levels: number, leaf = "leaf"): string {
  const deep = deepValueText(levels, leaf);
  const change = (address: string, before: string, after: string, afterSensitive = "{}") =>
    `{"address":"${address}","mode":"managed","type":"terraform_data","name":"${address.split(".")[1]}","change":{"actions":["update"],"before":${before},"after":${after},"after_unknown":{},"before_sensitive":{},"after_sensitive":${afterSensitive}}}`;
  return `{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":[${[
    change("terraform_data.deep", '{"input":"flat"}', `{"input":${deep}}`),
    // The same deep value on both sides: equal, so not a change.
    change("terraform_data.same", `{"input":${deep}}`, `{"input":${deep}}`),
    // A deep value Terraform marks sensitive: its leaf must be collected as a secret, however deep.
    change("terraform_data.secret", '{"input":null}', `{"input":${deepValueText(levels, "deep-secret-value")}}`, '{"input":true}'),
    change("terraform_data.echo", '{"input":null}', '{"input":"deep-secret-value"}'),
  ].join(",")}],"resource_drift":[${change("terraform_data.drifted", '{"input":"flat"}', `{"input":${deep}}`)}]}`;
}

describe("plan:comment on deeply nested values", () => {
  const json: unknown = JSON.parse(deepPlanText(LEVELS));

  test(`renders a value nested ${LEVELS.toLocaleString("en-US")} levels deep without running out of stack, and says where it stopped`, () => {
    const comment = renderPlanComment([parsePlan(json, "deep")]);
    expect(comment).toContain("| <code>terraform_data.deep</code> | update in place | <code>input</code> |");
    expect(comment).toContain(TOO_DEEP);
    expect(comment).not.toContain("leaf");
    expect(comment).toContain("| <code>terraform_data.same</code> | update in place |  |"); // equal at any depth: nothing to name
    expect(comment).toContain("| <code>terraform_data.drifted</code> | changed outside Terraform | <code>input</code> |");
  });

  test("a secret at the bottom of a deep sensitive value is still found, and hidden where Terraform forgot the mark", () => {
    const comment = renderPlanComment([parsePlan(json, "deep")]);
    expect(comment).not.toContain("deep-secret-value");
    expect(comment).toMatch(/\| <code>input<\/code> \| <code>null<\/code> \| <code>\(sensitive\)<\/code> \|/);
  });

  test("a change deeper than MAX_DEPTH is reported at that depth, with both sides depth-capped", () => {
    const before = JSON.parse(deepValueText(200, "old")) as unknown;
    const after = JSON.parse(deepValueText(200, "new")) as unknown;
    const [change, ...rest] = attributeChanges({ before, after, beforeSensitive: {}, afterSensitive: {}, afterUnknown: {} });
    expect(rest).toEqual([]);
    expect(change?.path).toHaveLength(MAX_DEPTH);
    expect(change?.before).toContain(TOO_DEEP);
    expect(change?.after).toContain(TOO_DEEP);
  });

  test("deepEqual and the secret collectors are iterative", () => {
    const a = JSON.parse(deepValueText(LEVELS, "x")) as unknown;
    expect(deepEqual(a, JSON.parse(deepValueText(LEVELS, "x")))).toBe(true);
    expect(deepEqual(a, JSON.parse(deepValueText(LEVELS, "y")))).toBe(false);
    const found = new Set<string>();
    collectMarkedStrings(a, true, found);
    collectAllStrings(a, found);
    expect(found).toEqual(new Set(["x"]));
  });

  test("the command exits 0 on such a plan and prints neither the value nor the plan JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "plan-deep-"));
    await writeFile(join(dir, "plan.json"), deepPlanText(LEVELS));
    const stdout = new Capture();
    const stderr = new Capture();
    expect(await main(["--print", join(dir, "plan.json")], { env: {}, stdout, stderr })).toBe(0);
    expect(stderr.text).toBe("");
    expect(stdout.text).toContain(TOO_DEEP);
    expect(stdout.text).not.toContain('"resource_changes"');
    expect(stdout.text).not.toContain('{"k":[{"k":');
  });
});

describe("sensitive numbers are never printed, in any form", () => {
  // A real plan (fixtures/regenerate.ts, scenario `numbers`): sensitive variables pin = 1234 and account = 98765432.
  const comment = renderPlanComment([parsePlan(fixtureJson("numbers"), "numbers")]);
  const details = comment.slice(comment.indexOf("<details>"));
  const cell = (attribute: string, before: string, after: string) => `| <code>${attribute}</code> | <code>${before}</code> | <code>${after}</code> |`;

  test("Terraform itself leaves the echoed PIN unmarked (terraform_data.output), so the marks alone would leak it", () => {
    const lock = fixtureJson("numbers").resource_changes.find((change) => change.address === "terraform_data.lock");
    expect(lock?.change.before).toMatchObject({ output: { pin: FIXTURE_PIN } });
    expect(lock?.change.before_sensitive).toEqual({ input: { pin: true }, output: {} });
  });

  test("a sensitive number reused whole, as a number or as text, is hidden", () => {
    expect(details).toMatch(/\| <code>output<\/code> \| <code>\{"generation": 1, "pin": \(sensitive\)\}<\/code> \|/); // the unmarked echo
    expect(details).toContain(`**<code>terraform_data.port</code>**: create\n\n| Attribute | Before | After |\n| --- | --- | --- |\n${cell("input", "null", SENSITIVE)}`);
    expect(details).toContain(`**<code>terraform_data.port_text</code>**: create\n\n| Attribute | Before | After |\n| --- | --- | --- |\n${cell("input", "null", SENSITIVE)}`);
  });

  test("a sensitive value used as a map key is hidden in the attribute path", () => {
    expect(details).toContain(cell('input&#91;"(sensitive)"&#93;', "null", '"a map key"'));
  });

  test("a long sensitive number is found inside a longer value (an account ID in an ARN)", () => {
    expect(details).toContain(`**<code>terraform_data.account_ref</code>**: create\n\n| Attribute | Before | After |\n| --- | --- | --- |\n${cell("input", "null", SENSITIVE)}`);
  });

  test("other small numbers still show: only values equal to a secret are blanked", () => {
    expect(details).toContain(cell("input.port", "null", "12"));
    expect(details).toContain(cell("input.retries", "null", "3"));
    expect(details).toContain(cell("input.pin_digits", "null", "4"));
  });

  test("neither number appears anywhere in the comment", () => {
    expect(comment).not.toMatch(new RegExp(`(?<![0-9a-f-])${FIXTURE_PIN}(?![0-9a-f-])`));
    expect(comment).not.toContain(String(FIXTURE_ACCOUNT));
  });

  test("the rule: whole values of any length, substrings only of secrets of six characters or more, never booleans", () => {
    const found = new Set<string>();
    collectAllStrings({ pin: 1234, token: "abcdef", flag: true, none: null }, found);
    expect(found).toEqual(new Set(["1234", "abcdef"]));
    const isSecret = secretTest(found);
    expect(isSecret("1234")).toBe(true);
    expect(isSecret("x-abcdef-y")).toBe(true);
    expect(isSecret("12345")).toBe(false);
    expect(isSecret("true")).toBe(false);
    expect(show({ a: 1234, b: 12, c: "1234" }, {}, {}, isSecret)).toBe('{"a": (sensitive), "b": 12, "c": (sensitive)}');
  });
});

describe("the plan JSON never reaches the output", () => {
  test.each(["changes", "numbers", "drift"])("plan:comment --print %s", async (name) => {
    const stdout = new Capture();
    const stderr = new Capture();
    expect(await main(["--print", fixturePath(name)], { env: {}, stdout, stderr })).toBe(0);
    for (const key of ['"resource_changes"', '"prior_state"', '"format_version"', '"after_unknown"', '"relevant_attributes"', '"variables"']) {
      expect(stdout.text).not.toContain(key);
      expect(stderr.text).not.toContain(key);
    }
    for (const secret of FIXTURE_SECRETS) expect(stdout.text).not.toContain(secret);
  });
});
