import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { ALEXA_SKILLS_KIT_PRINCIPAL, ALEXA_SMART_HOME_PRINCIPAL } from "../../lib/alexa/names";
import { NOT_APPLICABLE, outcome, type PolicyRule } from "./rule";

const ALEXA_PRINCIPALS = [ALEXA_SKILLS_KIT_PRINCIPAL, ALEXA_SMART_HOME_PRINCIPAL];

export const AlexaPermissionHasEventSourceToken: PolicyRule = {
  id: "AlexaPermissionHasEventSourceToken",
  description: "Alexa invoke permissions are scoped to this skill's ID, so no other skill can call the function",
  check(node) {
    if (!(node instanceof LambdaPermission)) return NOT_APPLICABLE;
    const principal = node.principalInput;
    if (principal === undefined || !ALEXA_PRINCIPALS.includes(principal)) return NOT_APPLICABLE;
    const token = node.eventSourceTokenInput;
    return outcome(
      token ? [] : [`permission for ${principal} has no eventSourceToken; set it to the skill ID (amzn1.ask.skill.<uuid>)`],
    );
  },
};
