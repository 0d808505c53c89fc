import { DANGER_RULES, dangerOf, dangerRuleFor } from "../../lib/plan/danger";
import type { ResourceChange } from "../../lib/plan/model";
import { parsePlan } from "../../lib/plan/parse";
import { renderPlanComment } from "../../lib/plan/render";
import { dangerJson, fixturePlan } from "./helpers";

function changeOf(type: string, actions: string[]): ResourceChange {
  const template = fixturePlan("changes").changes.find((change) => change.address === "terraform_data.build");
  if (template === undefined) throw new Error("fixture changed");
  const kind = actions.includes("delete") ? (actions.includes("create") ? "replace" : "delete") : actions.includes("create") ? "create" : "update";
  return { ...template, type, address: `${type}.x`, actions, kind };
}

describe("DANGER_RULES: deleting or replacing what the live skill or the pipeline depends on", () => {
  const types = DANGER_RULES.map(([pattern]) => pattern.replace(/\*$/, ""));

  test.each(types)("%s: a deletion and a replacement are dangerous", (type) => {
    expect(dangerOf(changeOf(type, ["delete"]))).toBeDefined();
    expect(dangerOf(changeOf(type, ["delete", "create"]))).toBeDefined();
    expect(dangerOf(changeOf(type, ["create", "delete"]))).toBeDefined();
  });

  test.each(types)("%s: a create or an in-place update is not", (type) => {
    expect(dangerOf(changeOf(type, ["create"]))).toBeUndefined();
    expect(dangerOf(changeOf(type, ["update"]))).toBeUndefined();
  });

  test("the rules name every type of the brief", () => {
    for (const type of ["aws_lambda_function", "aws_lambda_alias", "aws_lambda_permission", "aws_codebuild_project", "aws_codebuild_webhook", "aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_openid_connect_provider", "aws_dynamodb_table"]) {
      expect(dangerRuleFor(type)).toBeDefined();
    }
  });

  test("a * pattern covers the state bucket's parts; other types are not dangerous", () => {
    expect(dangerRuleFor("aws_s3_bucket")).toBeDefined();
    expect(dangerRuleFor("aws_s3_bucket_versioning")).toBeDefined();
    expect(dangerRuleFor("aws_s3_bucket_public_access_block")).toBeDefined();
    expect(dangerRuleFor("aws_cloudwatch_log_group")).toBeUndefined();
    expect(dangerRuleFor("aws_lambda_function_url")).toBeUndefined();
  });

  test("a data source read is never dangerous", () => {
    expect(dangerOf({ ...changeOf("aws_iam_role", ["delete"]), mode: "data" })).toBeUndefined();
  });

  test("forgetting is not deleting", () => {
    expect(dangerOf(changeOf("aws_lambda_function", ["forget"]))).toBeUndefined();
  });
});

describe("the DANGER callout, on a real plan renamed to AWS types (see helpers.ts)", () => {
  const comment = renderPlanComment([parsePlan(dangerJson(), "example-skill")]);
  const callout = comment.slice(comment.indexOf("> [!CAUTION]"), comment.indexOf("\n\n", comment.indexOf("> [!CAUTION]")));

  test("is a GitHub CAUTION alert, before the warnings and the tables", () => {
    expect(comment).toContain("> [!CAUTION]\n> **Danger:**");
    expect(comment.indexOf("> [!CAUTION]")).toBeLessThan(comment.indexOf("### Warnings"));
    expect(comment.indexOf("> [!CAUTION]")).toBeLessThan(comment.indexOf("### Stack"));
  });

  test("names each dangerous deletion or replacement and why it matters", () => {
    expect(callout).toContain("<code>aws_lambda_function.skill</code>: **replace**, the skill's function");
    expect(callout).toContain("<code>aws_lambda_alias.production_1</code>: **delete**, a blue/green alias");
    expect(callout).toContain("<code>aws_iam_role.codebuild</code>: **replace**");
    expect(callout.split("\n").filter((line) => line.startsWith("> - "))).toHaveLength(3);
  });

  test("leaves out updates, creates and types with no rule", () => {
    expect(callout).not.toContain("aws_lambda_alias.blue");
    expect(callout).not.toContain("aws_s3_bucket.state");
    expect(callout).not.toContain("aws_s3_bucket_versioning.state");
    expect(callout).not.toContain("aws_cloudwatch_log_group.skill");
  });

  test("marks the stack as dangerous in the summary", () => {
    expect(comment).toMatch(/\| <code>example-skill<\/code> \| 🛑 \*\*danger\*\* \|/);
  });

  test("the undisturbed plan has no callout", () => {
    expect(renderPlanComment([fixturePlan("changes"), fixturePlan("refactor"), fixturePlan("unchanged")])).not.toContain("[!CAUTION]");
  });
});
