import { asList } from "../lib/iam";
import { grantedStatements } from "./iam-statements";
import { NOT_APPLICABLE, outcome, type PolicyRule } from "./rule";

// Verbs of IAM actions that only read; everything else may change something.
const READ_ONLY_VERB = /^[a-z0-9-]+:(Get|List|Describe|BatchGet|Lookup|Search|View|Read)/i;

export const NoWriteOnAnyResource: PolicyRule = {
  id: "NoWriteOnAnyResource",
  description: "IAM statements that can change something are scoped to resource ARNs, never Resource \"*\"",
  check(node) {
    const granted = grantedStatements(node);
    if (!granted) return NOT_APPLICABLE;
    if ("unreadable" in granted) return NOT_APPLICABLE; // NoWildcardIamActions reports it.
    const findings = granted.statements.flatMap((statement, index) => {
      if (!asList(statement.Resource).includes("*")) return [];
      const name = statement.Sid ?? `Statement[${index}]`;
      return asList(statement.Action)
        .filter((action) => !READ_ONLY_VERB.test(action))
        .map((action) => `${name} allows "${action}" on Resource "*"; scope it to the ARNs it changes`);
    });
    return outcome(findings);
  },
};
