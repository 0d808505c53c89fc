import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ignoreChangesOf } from "../../lib/plan/ignore-changes";
import type { StackPlan } from "../../lib/plan/model";
import { parsePlan } from "../../lib/plan/parse";

export const FIXTURES = join(__dirname, "fixtures");

export type PlanJson = Record<string, unknown> & { resource_changes: RawChange[]; resource_drift?: RawChange[] };
export type RawChange = Record<string, unknown> & { address: string; type: string; name: string; change: Record<string, unknown> & { actions: string[] } };

/** A committed fixture: the real `terraform show -json` output of a scenario in fixtures/regenerate.ts. */
export type FixtureName = "changes" | "refactor" | "unchanged" | "drift" | "numbers";

export function fixtureJson(name: FixtureName): PlanJson {
  return JSON.parse(readFileSync(join(FIXTURES, name, "plan.json"), "utf8")) as PlanJson;
}

export function fixturePath(name: string): string {
  return join(FIXTURES, name, "plan.json");
}

export function fixturePlan(name: FixtureName, stack: string = name): StackPlan {
  return parsePlan(fixtureJson(name), stack);
}

/** The `drift` fixture's configuration (its cdk.tf.json), parsed. */
export function driftConfigJson(): { resource: { terraform_data: Record<string, { input?: unknown; lifecycle?: { ignore_changes?: unknown } }> } } {
  return JSON.parse(readFileSync(join(FIXTURES, "drift", "cdk.tf.json"), "utf8")) as ReturnType<typeof driftConfigJson>;
}

/** The `drift` fixture as plan:comment reads it: with the ignore rules of the configuration (or of `config`). */
export function driftPlan(config: unknown = driftConfigJson()): StackPlan {
  return parsePlan(fixtureJson("drift"), "example-skill", "drift", ignoreChangesOf(config));
}

export function changeAt(json: PlanJson, address: string): RawChange {
  const found = json.resource_changes.find((change) => change.address === address);
  if (found === undefined) throw new Error(`fixture has no ${address}`);
  return found;
}

/**
 * `terraform_data` is no AWS type, so the danger rules are tested on the real
 * `changes` plan with resources renamed to the AWS types the rules name: the
 * values, actions and reasons stay exactly what Terraform produced.
 */
export const DANGER_RENAMES: Readonly<Record<string, string>> = {
  "terraform_data.build": "aws_lambda_function.skill", // replace
  "terraform_data.legacy_alias": "aws_lambda_alias.production_1", // delete
  "terraform_data.colour": "aws_iam_role.codebuild", // replace, create first
  "terraform_data.config": "aws_lambda_alias.blue", // update: not dangerous
  "terraform_data.created": "aws_s3_bucket.state", // create: not dangerous
  "terraform_data.markup": "aws_s3_bucket_versioning.state", // update: not dangerous
  "terraform_data.follower": "aws_cloudwatch_log_group.skill", // replace of a type with no rule
};

export function dangerJson(): PlanJson {
  const json = fixtureJson("changes");
  for (const change of json.resource_changes) {
    const renamed = DANGER_RENAMES[change.address];
    if (renamed === undefined) continue;
    const [type, name] = renamed.split(".") as [string, string];
    Object.assign(change, { address: renamed, type, name });
  }
  return json;
}

/**
 * Terraform reports drift only when a provider's refresh returns something
 * new, and `terraform_data` returns its state unchanged. So drift is tested
 * with real change entries (same schema) moved into `resource_drift`, as an
 * AWS provider would report an alias moved and a permission deleted by hand.
 */
export function driftJson(): PlanJson {
  const json = fixtureJson("unchanged");
  const source = fixtureJson("changes");
  const updated = structuredClone(changeAt(source, "terraform_data.config"));
  const deleted = structuredClone(changeAt(source, "terraform_data.legacy_alias"));
  Object.assign(updated, { address: "aws_lambda_alias.live", type: "aws_lambda_alias", name: "live" });
  Object.assign(deleted, { address: "aws_lambda_permission.alexa", type: "aws_lambda_permission", name: "alexa" });
  delete deleted.action_reason;
  json.resource_drift = [updated, deleted];
  return json;
}

/** A plan of `count` updated resources, each with a long value: far too big for one comment. */
export function hugePlanJson(count: number): PlanJson {
  const resource_changes: RawChange[] = [];
  for (let index = 0; index < count; index += 1) {
    resource_changes.push({
      address: `terraform_data.item[${index}]`,
      mode: "managed",
      type: "terraform_data",
      name: "item",
      change: {
        actions: index % 10 === 0 ? ["delete", "create"] : ["update"],
        before: { input: { name: `item-${index}`, description: "x".repeat(150), size: index } },
        after: { input: { name: `item-${index}-v2`, description: "y".repeat(150), size: index + 1 } },
        after_unknown: {},
        before_sensitive: {},
        after_sensitive: {},
        ...(index % 10 === 0 && { replace_paths: [["input"]] }),
      },
      ...(index % 10 === 0 && { action_reason: "replace_because_cannot_update" }),
    });
  }
  return { format_version: "1.2", terraform_version: "1.11.4", resource_changes };
}

/** Collects what a command writes. */
export class Capture {
  text = "";
  write(chunk: string | Uint8Array): boolean {
    this.text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }
}
