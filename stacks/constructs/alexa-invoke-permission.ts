import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Construct } from "constructs";
import { ALEXA_SKILLS_KIT_PRINCIPAL } from "../../lib/alexa/names";


export interface AlexaInvokePermissionProps {
  readonly functionName: string;
  readonly skillId: string;
  /** An alias name; omitted for the unqualified function ($LATEST). */
  readonly qualifier?: string;
}

/**
 * The "Alexa Skills Kit" trigger: lets only this skill (event source token =
 * skill ID) invoke one endpoint. Every endpoint a stage may point at needs
 * one (DESIGN.md invariant 4), or the manifest update fails.
 */
export class AlexaInvokePermission extends Construct {
  readonly permission: LambdaPermission;

  constructor(scope: Construct, id: string, props: AlexaInvokePermissionProps) {
    super(scope, id);
    this.permission = new LambdaPermission(this, "permission", {
      statementId: props.qualifier ? `AlexaSkillsKit-${props.qualifier}` : "AlexaSkillsKit",
      action: "lambda:InvokeFunction",
      functionName: props.functionName,
      principal: ALEXA_SKILLS_KIT_PRINCIPAL,
      eventSourceToken: props.skillId,
      ...(props.qualifier ? { qualifier: props.qualifier } : {}),
    });
  }
}
