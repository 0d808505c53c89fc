import { Annotations, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import type { PolicyRule } from "./rule";

const SUPPRESSION_METADATA = "alexa-skill-pipeline:policy-suppression";

interface Suppression {
  ruleId: string;
  reason: string;
}

/**
 * Exempts a construct (and everything below it) from one rule. The reason is
 * required and is kept in the construct's metadata, so a reviewer sees why.
 */
export function suppressPolicy(construct: IConstruct, ruleId: string, reason: string): void {
  if (reason.trim().length < 10) {
    throw new Error(`A suppression of ${ruleId} on ${construct.node.path} needs a reason a reviewer can judge (at least 10 characters).`);
  }
  construct.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason } satisfies Suppression);
}

function isSuppressed(node: IConstruct, ruleId: string): boolean {
  return node.node.scopes.some((scope) =>
    scope.node.metadata.some((m) => m.type === SUPPRESSION_METADATA && (m.data as Suppression).ruleId === ruleId),
  );
}

/**
 * Runs the policy rules on every construct. A finding becomes an error
 * annotation, which fails `cdktf synth` with the rule, the construct path and
 * the fix.
 */
export class PolicyAspect implements IAspect {
  constructor(private readonly rules: readonly PolicyRule[]) {}

  visit(node: IConstruct): void {
    for (const rule of this.rules) {
      const result = rule.check(node);
      if (result.kind !== "non-compliant" || isSuppressed(node, rule.id)) continue;
      for (const finding of result.findings) {
        Annotations.of(node).addError(`[${rule.id}] ${finding}. (${rule.description}.)`);
      }
    }
  }
}
