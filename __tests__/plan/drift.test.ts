import { driftThatMatters } from "../../lib/plan/drift";
import { ignoreChangesOf, isIgnored, parseTraversal } from "../../lib/plan/ignore-changes";
import { parsePlan, readPlanFile } from "../../lib/plan/parse";
import { renderPlanComment } from "../../lib/plan/render";
import { driftConfigJson, driftJson, driftPlan, fixtureJson, fixturePath } from "./helpers";

/**
 * The `drift` fixture is a real plan (fixtures/regenerate.ts): after the
 * apply, the state was changed as a release and a person would change AWS,
 * and Terraform planned against it. Its resources stand for:
 * alias_blue, alias_green: aliases a release moved (ignore_changes = [input]);
 * alias_green_reader reads alias_green.input, so that drift is also relevant;
 * function_memory: memory changed by hand (configured, the plan sets it back);
 * function_version: a computed attribute (output) that version_reader uses;
 * function_modified: a computed attribute nothing uses.
 */
const section = (comment: string): string => {
  const start = comment.indexOf("#### Changed outside of Terraform");
  return start < 0 ? "" : comment.slice(start, comment.indexOf("\n\n", comment.indexOf("| --- | --- | --- |", start)));
};
const warnings = (comment: string): string => comment.slice(comment.indexOf("### Warnings"), comment.indexOf("### Stack"));
const row = (address: string) => `| <code>${address}</code> | changed outside Terraform |`;

describe("drift: only what matters is reported", () => {
  const comment = renderPlanComment([driftPlan()]);

  test("release activity (aliases moved, in lifecycle.ignore_changes) is hidden", () => {
    expect(comment).toContain("#### Changed outside of Terraform");
    expect(section(comment)).not.toContain("alias_blue");
    expect(warnings(comment)).not.toContain("alias_blue");
  });

  test("an attribute changed by hand that Terraform manages is shown, with a warning", () => {
    expect(section(comment)).toContain(`${row("terraform_data.function_memory")} <code>input</code> |`);
    expect(warnings(comment)).toContain(
      "<code>example-skill</code> <code>terraform_data.function_memory</code>: **changed outside Terraform** (<code>input</code>): Terraform manages it, so applying this plan sets it back to the configuration.",
    );
  });

  test("a computed attribute that a planned change uses (relevant_attributes) is shown, without a warning", () => {
    expect(section(comment)).toContain(`${row("terraform_data.function_version")} <code>output</code> |`);
    expect(warnings(comment)).not.toContain("function_version");
  });

  test("a computed attribute that nothing in the plan uses is hidden", () => {
    expect(section(comment)).not.toContain("function_modified");
  });

  test("ignore_changes wins over relevance: the drift of an ignored attribute is hidden even when a change reads it", () => {
    expect(fixtureJson("drift").relevant_attributes).toContainEqual({ resource: "terraform_data.alias_green", attribute: ["input"] });
    expect(section(comment)).not.toContain("alias_green");
    // The change it causes is still in the table, with its values.
    expect(comment).toContain("| <code>terraform_data.alias_green_reader</code> | update in place | <code>input</code> |");
  });

  test("what is left out is counted, so nothing disappears without a trace", () => {
    expect(driftThatMatters(driftPlan()).hidden).toEqual({ ignored: 2, unused: 4 });
    expect(comment).toContain("<sub>Not shown: 6 attributes changed outside Terraform that are in <code>lifecycle.ignore_changes</code> (2: owned by the release scripts) or computed by the provider and used by nothing in this plan (4).</sub>");
  });

  test("without ignore_changes in the configuration, the same release drift is reported as drift that matters", () => {
    const config = driftConfigJson();
    for (const resource of Object.values(config.resource.terraform_data)) delete resource.lifecycle;
    const unignored = renderPlanComment([driftPlan(config)]);
    expect(section(unignored)).toContain(`${row("terraform_data.alias_blue")} <code>input</code> |`);
    expect(section(unignored)).toContain(`${row("terraform_data.alias_green")} <code>input</code> |`);
    expect(warnings(unignored)).toContain("<code>terraform_data.alias_blue</code>: **changed outside Terraform** (<code>input</code>)");
  });

  test("a plan read from its file picks up the cdk.tf.json next to it", async () => {
    const plan = await readPlanFile(fixturePath("drift"), "example-skill");
    expect(plan.ignoreChanges?.get("terraform_data.alias_blue")).toEqual([["input"]]);
    expect(renderPlanComment([plan])).toBe(comment);
  });

  test("a plan with drift but no cdk.tf.json says that it could not read ignore_changes", () => {
    const alone = renderPlanComment([parsePlan(fixtureJson("drift"), "example-skill")]);
    expect(alone).toContain("No <code>cdk.tf.json</code> next to this plan, so <code>lifecycle.ignore_changes</code> could not be read");
    expect(section(alone)).toContain(row("terraform_data.alias_blue"));
    expect(comment).not.toContain("No <code>cdk.tf.json</code>");
  });

  test("a resource deleted outside Terraform is shown, with a warning, even when it is not in the configuration", () => {
    const deleted = renderPlanComment([parsePlan(driftJson(), "example-skill", "drift", new Map())]);
    expect(deleted).toContain("| <code>aws_lambda_permission.alexa</code> | deleted outside Terraform |");
    expect(warnings(deleted)).toContain("<code>aws_lambda_permission.alexa</code>: **deleted outside Terraform**: applying this plan creates it again.");
  });

  test("a stack without drift has no drift section and no note", () => {
    const steady = renderPlanComment([parsePlan(fixtureJson("unchanged"), "s")]);
    expect(steady).not.toContain("Changed outside of Terraform");
    expect(steady).not.toContain("Not shown:");
  });
});

describe("reading lifecycle.ignore_changes from the synthesized configuration", () => {
  test("traversals: names, indexes and quoted keys", () => {
    expect(parseTraversal("function_version")).toEqual(["function_version"]);
    expect(parseTraversal('tags["team name"]')).toEqual(["tags", "team name"]);
    expect(parseTraversal("rule[0].name")).toEqual(["rule", 0, "name"]);
    expect(parseTraversal("${routing_config}")).toEqual(["routing_config"]);
  });

  test("a traversal it cannot read hides nothing", () => {
    expect(parseTraversal("tags[var.x]")).toBeUndefined();
    expect(parseTraversal(".name")).toBeUndefined();
    const rules = ignoreChangesOf({ resource: { aws_lambda_alias: { blue: { lifecycle: { ignore_changes: ["tags[var.x]"] } } } } });
    expect(isIgnored(rules.get("aws_lambda_alias.blue"), ["tags", "x"])).toBe(false);
  });

  test('"all", a prefix, and nothing else', () => {
    const rules = ignoreChangesOf({
      resource: {
        aws_lambda_alias: { blue: { lifecycle: { ignore_changes: ["function_version", "routing_config"] } } },
        aws_lambda_function: { fn: { lifecycle: { ignore_changes: "all" } }, other: { memory_size: 128 } },
      },
    });
    expect(isIgnored(rules.get("aws_lambda_alias.blue"), ["routing_config", 0, "additional_version_weights", "3"])).toBe(true);
    expect(isIgnored(rules.get("aws_lambda_alias.blue"), ["function_version"])).toBe(true);
    expect(isIgnored(rules.get("aws_lambda_alias.blue"), ["description"])).toBe(false);
    expect(isIgnored(rules.get("aws_lambda_function.fn"), ["memory_size"])).toBe(true);
    expect(rules.has("aws_lambda_function.other")).toBe(false);
  });
});
