import type { IConstruct } from "constructs";

/** What a rule says of one construct. */
export type RuleOutcome =
  | { readonly kind: "not-applicable" }
  | { readonly kind: "compliant" }
  | { readonly kind: "non-compliant"; readonly findings: readonly string[] };

/**
 * A policy rule: a pure function of one construct (and, for rules about
 * relations such as a bucket and its encryption, the construct tree it is
 * in). The rule's id is its file's name in PascalCase.
 */
export interface PolicyRule {
  readonly id: string;
  /** What the rule protects, in one sentence; shown with every finding. */
  readonly description: string;
  check(node: IConstruct): RuleOutcome;
}

export const NOT_APPLICABLE: RuleOutcome = { kind: "not-applicable" };

export function outcome(findings: readonly string[]): RuleOutcome {
  return findings.length === 0 ? { kind: "compliant" } : { kind: "non-compliant", findings };
}
