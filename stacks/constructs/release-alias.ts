import { LambdaAlias } from "@cdktf/provider-aws/lib/lambda-alias";
import { Construct } from "constructs";
import { AlexaInvokePermission } from "./alexa-invoke-permission";

export interface ReleaseAliasProps {
  readonly functionName: string;
  readonly functionArn: string;
  /** The version the alias starts on; the release scripts own it afterwards. */
  readonly initialVersion: string;
  readonly name: string;
  readonly skillId: string;
}

/**
 * One colour of the blue/green pair: an alias and its Alexa invoke
 * permission. Terraform creates it; `flip`, `promote` and `rollback` move it,
 * so Terraform ignores where it points (DESIGN.md invariant 3).
 */
export class ReleaseAlias extends Construct {
  readonly alias: LambdaAlias;
  readonly permission: AlexaInvokePermission;

  constructor(scope: Construct, id: string, props: ReleaseAliasProps) {
    super(scope, id);
    this.alias = new LambdaAlias(this, "alias", {
      name: props.name,
      functionName: props.functionArn,
      functionVersion: props.initialVersion,
      description: `Blue/green release alias, moved by the release scripts (npm run flip / promote / rollback).`,
      lifecycle: { ignoreChanges: ["function_version", "routing_config", "description"] },
    });
    this.permission = new AlexaInvokePermission(this, "alexa", {
      functionName: props.functionName,
      skillId: props.skillId,
      qualifier: props.name,
    });
    this.permission.node.addDependency(this.alias);
  }
}
