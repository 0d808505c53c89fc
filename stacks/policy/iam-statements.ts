import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { IConstruct } from "constructs";
import { parsePolicy, type PolicyStatement } from "../lib/iam";

/**
 * The permission statements a construct grants, or undefined when it grants
 * none. A policy that is not plain JSON at synth time cannot be checked, so
 * it is reported rather than waved through.
 */
export function grantedStatements(node: IConstruct): { statements: PolicyStatement[] } | { unreadable: true } | undefined {
  if (!(node instanceof IamRolePolicy) && !(node instanceof IamPolicy)) return undefined;
  const document = parsePolicy(node.policyInput);
  if (!document) return { unreadable: true };
  return { statements: document.Statement.filter((s) => s.Effect === "Allow") };
}
