import { asList } from "../lib/iam";
import { grantedStatements } from "./iam-statements";
import { NOT_APPLICABLE, outcome, type PolicyRule } from "./rule";

/** `*` or `service:*`: every action of a service, including ones it adds later. */
const WILDCARD_ACTION = /^(\*|[a-z0-9-]+:\*)$/i;

export const NoWildcardIamActions: PolicyRule = {
  id: "NoWildcardIamActions",
  description: "IAM statements name the actions they need; no Action \"*\" or \"service:*\", and no NotAction",
  check(node) {
    const granted = grantedStatements(node);
    if (!granted) return NOT_APPLICABLE;
    if ("unreadable" in granted) return outcome(["the policy is not plain JSON at synth time, so it cannot be checked; build it with policyDocument()"]);
    const findings = granted.statements.flatMap((statement, index) => {
      const name = statement.Sid ?? `Statement[${index}]`;
      if ("NotAction" in statement) return [`${name} uses NotAction, which grants everything else; list the actions instead`];
      return asList(statement.Action)
        .filter((action) => WILDCARD_ACTION.test(action))
        .map((action) => `${name} allows Action "${action}"; name the specific actions it needs`);
    });
    return outcome(findings);
  },
};
