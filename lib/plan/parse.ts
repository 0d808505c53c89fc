import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { UsageError } from "../errors";
import { classifyActions } from "./classify";
import { SYNTHESIZED_CONFIG, readIgnoreChanges, type IgnoreChanges } from "./ignore-changes";
import type { OutputChange, ResourceChange, StackPlan } from "./model";
import { collectAllStrings, collectMarkedStrings, secretTest } from "./secrets";

/**
 * Only the parts of Terraform's JSON plan format (format_version 1.x) the
 * review needs. Everything else, such as `prior_state`, is dropped here and
 * never reaches the renderer; the values of sensitive `variables` are only
 * collected as secrets to hide.
 */
const pathSegment = z.union([z.string(), z.number()]);

const changeSchema = z.object({
  actions: z.array(z.string()),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
  replace_paths: z.array(z.array(pathSegment)).optional(),
  importing: z.object({ id: z.string().optional() }).optional(),
});

const resourceChangeSchema = z.object({
  address: z.string(),
  previous_address: z.string().optional(),
  mode: z.string().default("managed"),
  type: z.string(),
  name: z.string(),
  change: changeSchema,
  action_reason: z.string().optional(),
});

const planSchema = z.object({
  format_version: z.string().regex(/^1\./, "expected a 1.x format_version"),
  terraform_version: z.string().optional(),
  resource_changes: z.array(resourceChangeSchema).optional(),
  resource_drift: z.array(resourceChangeSchema).optional(),
  output_changes: z.record(z.string(), changeSchema).optional(),
  errored: z.boolean().optional(),
  complete: z.boolean().optional(),
  variables: z.record(z.string(), z.object({ value: z.unknown() }).partial()).optional(),
  relevant_attributes: z.array(z.object({ resource: z.string(), attribute: z.array(pathSegment) })).optional(),
  configuration: z
    .object({
      root_module: z
        .object({
          variables: z.record(z.string(), z.object({ sensitive: z.boolean().optional() })),
          resources: z.array(z.object({ address: z.string(), expressions: z.record(z.string(), z.unknown()).optional() })),
        })
        .partial(),
    })
    .partial()
    .optional(),
});

type RawResourceChange = z.infer<typeof resourceChangeSchema>;

/**
 * Turns one `terraform show -json` document into the model; `source` names it
 * in errors. `ignoreChanges` comes from the configuration Terraform planned
 * (see ignore-changes.ts): the plan JSON does not carry it.
 */
export function parsePlan(json: unknown, stack: string, source = stack, ignoreChanges?: IgnoreChanges): StackPlan {
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) {
    // Paths and expectations only: zod's messages never quote the offending value.
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`);
    throw new UsageError(`${source} is not a \`terraform show -json\` plan: ${problems.join("; ")}`);
  }
  const plan = parsed.data;
  const changes = (plan.resource_changes ?? []).map(toResourceChange);
  const drift = (plan.resource_drift ?? []).map(toResourceChange);
  const outputs = Object.entries(plan.output_changes ?? {}).map(
      ([name, change]): OutputChange => ({
        name,
        actions: change.actions,
        kind: classifyActions(change.actions).kind,
        before: change.before,
        after: change.after,
        beforeSensitive: change.before_sensitive,
        afterSensitive: change.after_sensitive,
        afterUnknown: change.after_unknown,
      }),
  );
  const secrets = new Set<string>();
  for (const change of [...changes, ...drift, ...outputs]) {
    collectMarkedStrings(change.before, change.beforeSensitive, secrets);
    collectMarkedStrings(change.after, change.afterSensitive, secrets);
  }
  const declared = plan.configuration?.root_module?.variables ?? {};
  for (const [name, variable] of Object.entries(plan.variables ?? {})) {
    if (declared[name]?.sensitive === true) collectAllStrings(variable.value, secrets);
  }
  return {
    stack,
    ...(plan.terraform_version !== undefined && { terraformVersion: plan.terraform_version }),
    changes,
    drift,
    outputs,
    relevantAttributes: plan.relevant_attributes ?? [],
    // Root module only: cdktf stacks have no modules. A resource found nowhere is treated as configuring everything (drift.ts).
    configuredAttributes: new Map((plan.configuration?.root_module?.resources ?? []).map((resource) => [resource.address, new Set(Object.keys(resource.expressions ?? {}))])),
    ...(ignoreChanges !== undefined && { ignoreChanges }),
    errored: plan.errored === true,
    incomplete: plan.complete === false,
    isSecret: secretTest(secrets),
  };
}

function toResourceChange(raw: RawResourceChange): ResourceChange {
  const { kind, replaceOrder } = classifyActions(raw.change.actions);
  return {
    address: raw.address,
    ...(raw.previous_address !== undefined && { previousAddress: raw.previous_address }),
    mode: raw.mode,
    type: raw.type,
    name: raw.name,
    actions: raw.change.actions,
    kind,
    ...(replaceOrder !== undefined && { replaceOrder }),
    ...(raw.action_reason !== undefined && { actionReason: raw.action_reason }),
    replacePaths: raw.change.replace_paths ?? [],
    ...(raw.change.importing !== undefined && { importing: raw.change.importing }),
    before: raw.change.before,
    after: raw.change.after,
    beforeSensitive: raw.change.before_sensitive,
    afterSensitive: raw.change.after_sensitive,
    afterUnknown: raw.change.after_unknown,
  };
}

/**
 * Reads and parses a plan file, with the ignore rules of the cdk.tf.json next
 * to it (where cdktf and the workflow leave it); a file that is not JSON is a
 * usage error, and its text is never quoted.
 */
export async function readPlanFile(path: string, stack: string): Promise<StackPlan> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read the plan ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not JSON: pass the output of \`terraform show -json <planfile>\`, not the plan file itself.`);
  }
  return parsePlan(json, stack, path, await readIgnoreChanges(join(dirname(path), SYNTHESIZED_CONFIG)));
}
