import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Aspects, TerraformStack } from "cdktf";
import { PIPELINE_RULES, PolicyAspect } from "../../stacks/policy";
import { policyApp, policyErrors, synth } from "./synth";

/** Builds a minimal stack, synthesizes it with the policy aspect, and returns the findings. */
export function findings(build: (stack: TerraformStack) => void): string[] {
  const stack = new TerraformStack(policyApp(), "policy-test");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  Aspects.of(stack).add(new PolicyAspect(PIPELINE_RULES));
  build(stack);
  synth(stack);
  return policyErrors(stack);
}
