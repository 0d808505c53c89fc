/**
 * Which changes made outside Terraform a reviewer needs to see. Every flip,
 * promote and rollback moves an alias and publishes a version, so after any
 * release AWS differs from Terraform's state in attributes that the release
 * scripts own. Reporting all of it buried the drift that matters on every pull
 * request. The rules, per drifted attribute, first match wins:
 *
 * 1. Under the resource's `lifecycle.ignore_changes`: hidden. Terraform
 *    neither reverts nor uses it as an input to the resource's update; the
 *    attribute belongs to someone else (DESIGN.md invariant 3). This holds
 *    even when the attribute is relevant: ignore_changes is the project's
 *    explicit statement of ownership, and a change that another resource
 *    derives from it is still in the changes table with its values.
 * 2. In Terraform's `relevant_attributes` (used by a planned change or a
 *    condition): shown, because it explains part of this plan.
 * 3. Set in the resource's configuration: shown, with a warning. Terraform
 *    manages it, so the next apply overwrites the change made by hand (a
 *    memory size changed in the console).
 * 4. Otherwise (computed by the provider, such as a function's latest
 *    `version` or `last_modified`, and used by nothing in this plan): hidden.
 *
 * A resource deleted outside Terraform is always shown. Hidden attributes
 * are counted, so the comment says that something was left out.
 */
import { attributeChanges, formatPath, type PathSegment } from "./diff";
import { isIgnored } from "./ignore-changes";
import type { ResourceChange, StackPlan } from "./model";

export interface ShownDrift {
  change: ResourceChange;
  deleted: boolean;
  /** Top-level names of the attributes shown, each once, in order. */
  attributes: string[];
  /** Those of them that Terraform manages and will set back (rule 3): they get a warning. */
  managed: string[];
}

export interface DriftReport {
  shown: ShownDrift[];
  /** Attribute changes left out, by rule. */
  hidden: { ignored: number; unused: number };
}

export function driftThatMatters(plan: StackPlan): DriftReport {
  const report: DriftReport = { shown: [], hidden: { ignored: 0, unused: 0 } };
  for (const change of plan.drift) {
    if (change.kind === "delete") {
      report.shown.push({ change, deleted: true, attributes: [], managed: [] });
      continue;
    }
    const configAddress = `${change.type}.${change.name}`;
    const rule = change.address.startsWith("module.") ? undefined : plan.ignoreChanges?.get(configAddress);
    // A resource missing from the configuration section (a module's, or an older Terraform's plan) may set anything.
    const configured = change.address.startsWith("module.") ? undefined : plan.configuredAttributes.get(configAddress);
    const attributes: string[] = [];
    const managed: string[] = [];
    for (const { path } of attributeChanges(change, plan.isSecret)) {
      const name = formatPath(path.slice(0, 1));
      if (isIgnored(rule, path)) {
        report.hidden.ignored += 1;
      } else if (isRelevant(plan, change.address, path)) {
        if (!attributes.includes(name)) attributes.push(name);
      } else if (configured === undefined || path.length === 0 || configured.has(String(path[0]))) {
        if (!attributes.includes(name)) attributes.push(name);
        if (!managed.includes(name)) managed.push(name);
      } else {
        report.hidden.unused += 1;
      }
    }
    if (attributes.length > 0) report.shown.push({ change, deleted: false, attributes, managed });
  }
  return report;
}

function isRelevant(plan: StackPlan, address: string, path: readonly PathSegment[]): boolean {
  return plan.relevantAttributes.some((relevant) => relevant.resource === address && prefixesOverlap(relevant.attribute, path));
}

/** One path is a prefix of the other: a relevant `input` covers `input.memory`, and a relevant `input.memory` a drifted `input`. */
function prefixesOverlap(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}
