import { deletes } from "./classify";
import type { ResourceChange } from "./model";

/**
 * Resource types whose deletion or replacement breaks the live skill or the
 * pipeline. A pattern is an exact type, or a prefix ending in `*`. To add a
 * rule, add a row; nothing else needs to change.
 */
export const DANGER_RULES: readonly (readonly [pattern: string, why: string])[] = [
  ["aws_lambda_function", "the skill's function: the live endpoint stops answering until it is back"],
  ["aws_lambda_alias", "a blue/green alias that a skill endpoint points at"],
  ["aws_lambda_permission", "the Alexa Skills Kit trigger: Alexa cannot invoke the endpoint without it"],
  ["aws_codebuild_project", "the build that deploys code and models on every push"],
  ["aws_codebuild_webhook", "the webhook that starts the build on every push"],
  ["aws_iam_role", "a role the function, the build or CI runs as"],
  ["aws_iam_role_policy", "a policy of a role the function, the build or CI runs as"],
  ["aws_iam_role_policy_attachment", "a policy of a role the function, the build or CI runs as"],
  ["aws_iam_openid_connect_provider", "GitHub's OIDC provider: CI can no longer assume its roles"],
  ["aws_s3_bucket*", "the Terraform state bucket (or part of it)"],
  ["aws_dynamodb_table", "the Terraform state lock table"],
];

export interface Danger {
  change: ResourceChange;
  why: string;
}

export function dangerRuleFor(type: string): string | undefined {
  for (const [pattern, why] of DANGER_RULES) {
    const matches = pattern.endsWith("*") ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
    if (matches) return why;
  }
  return undefined;
}

/** A change is dangerous when it deletes (or replaces) an object of a listed type. */
export function dangerOf(change: ResourceChange): Danger | undefined {
  if (change.mode !== "managed" || !deletes(change)) return undefined;
  const why = dangerRuleFor(change.type);
  return why === undefined ? undefined : { change, why };
}
