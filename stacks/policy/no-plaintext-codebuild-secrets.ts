import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { Tokenization } from "cdktf";
import { NOT_APPLICABLE, outcome, type PolicyRule } from "./rule";

const SECRET_LOOKING = /SECRET|TOKEN|PASSWORD|KEY/i;

export const NoPlaintextCodebuildSecrets: PolicyRule = {
  id: "NoPlaintextCodebuildSecrets",
  description: "CodeBuild gets secrets from Parameter Store or Secrets Manager, never as PLAINTEXT variables",
  check(node) {
    if (!(node instanceof CodebuildProject)) return NOT_APPLICABLE;
    const variables = node.environmentInput?.environmentVariable;
    if (variables === undefined) return outcome([]);
    if (Tokenization.isResolvable(variables)) return outcome(["environment variables are a token at synth time and cannot be checked; list them"]);
    const findings = variables
      // CodeBuild's default type is PLAINTEXT.
      .filter((v) => (v.type ?? "PLAINTEXT") === "PLAINTEXT" && SECRET_LOOKING.test(v.name))
      .map((v) => `variable ${v.name} looks secret but is PLAINTEXT; use type PARAMETER_STORE with a SecureString parameter name`);
    return outcome(findings);
  },
};
