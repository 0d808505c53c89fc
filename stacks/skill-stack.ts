import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AssetType, TerraformAsset, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { AlexaInvokePermission } from "./constructs/alexa-invoke-permission";
import { AliasErrorsAlarm } from "./constructs/alias-errors-alarm";
import { ReleaseAlias } from "./constructs/release-alias";
import { EnvironmentStack, type EnvironmentStackProps } from "./lib/base-stack";
import { PLACEHOLDER_DIR } from "./placeholder-package";
import { policyDocument, serviceTrustPolicy } from "./lib/iam";

/** Code attributes that CodeBuild owns after the first deploy (DESIGN.md invariant 3). */
export const FUNCTION_CODE_ATTRIBUTES = [
  "filename",
  "source_code_hash",
  "s3_bucket",
  "s3_key",
  "s3_object_version",
  "image_uri",
] as const;

export interface SkillStackProps extends EnvironmentStackProps {
  /** The placeholder package, zipped (buildPlaceholderPackage); without it cdktf zips the placeholder directory. */
  readonly placeholderZip?: string;
}

/**
 * The skill's Lambda function, its execution role and logs, the blue/green
 * aliases and the Alexa Skills Kit permissions on every endpoint a skill
 * stage may point at.
 */
export class SkillStack extends EnvironmentStack {
  readonly function: LambdaFunction;
  readonly aliases: { blue: ReleaseAlias; green: ReleaseAlias };
  /** The canary's Errors alarms, one per colour, when the configuration asks for them (canary.alarm). */
  readonly alarms?: { blue: AliasErrorsAlarm; green: AliasErrorsAlarm };

  constructor(scope: Construct, id: string, props: SkillStackProps) {
    super(scope, id, props);
    const { config } = this;
    const fn = config.function;

    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${fn.name}`,
      retentionInDays: fn.logRetentionDays,
    });

    const role = new IamRole(this, "execution-role", {
      name: `${fn.name}-execution`,
      description: `Execution role of the ${fn.name} Alexa skill function`,
      assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com", config.accountId),
    });
    new IamRolePolicy(this, "execution-role-logs", {
      name: "write-own-logs",
      role: role.id,
      // Only its own log group, which Terraform creates, so no logs:CreateLogGroup.
      policy: policyDocument([
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroup.arn}:*` },
      ]),
    });

    // A zip made before synth (main.ts), or else cdktf zips the directory itself.
    const placeholder = new TerraformAsset(this, "placeholder-package", props.placeholderZip
      ? { path: props.placeholderZip, type: AssetType.FILE }
      : { path: PLACEHOLDER_DIR, type: AssetType.ARCHIVE });

    this.function = new LambdaFunction(this, "function", {
      functionName: fn.name,
      description: `Boston Info Alexa skill (${config.skill.id})`,
      role: role.arn,
      runtime: fn.runtime,
      handler: fn.handler,
      // The package builder installs wheels for this architecture; the two must agree.
      architectures: [fn.architecture],
      memorySize: fn.memoryMb,
      timeout: fn.timeoutSeconds,
      filename: placeholder.path,
      sourceCodeHash: placeholder.assetHash,
      // The first version exists from the start, so both aliases have something to point at.
      publish: true,
      dependsOn: [logGroup],
      lifecycle: { ignoreChanges: [...FUNCTION_CODE_ATTRIBUTES] },
    });

    new AlexaInvokePermission(this, "alexa-latest", { functionName: this.function.functionName, skillId: config.skill.id });

    const aliasProps = {
      functionName: this.function.functionName,
      functionArn: this.function.arn,
      initialVersion: this.function.version,
      skillId: config.skill.id,
    };
    this.aliases = {
      blue: new ReleaseAlias(this, "alias-blue", { ...aliasProps, name: config.aliases.blue }),
      green: new ReleaseAlias(this, "alias-green", { ...aliasProps, name: config.aliases.green }),
    };

    const alarm = config.canary.alarm;
    if (alarm) {
      // Per colour: which one is live is SMAPI's to say, not Terraform's. The alias name is literal, so the alarm needs no alias attribute.
      this.alarms = {
        blue: new AliasErrorsAlarm(this, "alarm-blue", { functionName: fn.name, alias: config.aliases.blue, settings: alarm }),
        green: new AliasErrorsAlarm(this, "alarm-green", { functionName: fn.name, alias: config.aliases.green, settings: alarm }),
      };
    }

    new TerraformOutput(this, "function_name", { value: this.function.functionName });
    new TerraformOutput(this, "function_arn", { value: this.function.arn, description: "Unqualified ARN: the development endpoint ($LATEST)" });
    new TerraformOutput(this, "blue_alias_arn", { value: this.aliases.blue.alias.arn });
    new TerraformOutput(this, "green_alias_arn", { value: this.aliases.green.alias.arn });
    new TerraformOutput(this, "endpoint_uri", {
      value: this.function.arn,
      description: "The URI for apis.custom.endpoint.uri of the skill manifest; the release scripts switch it between this and the alias ARNs",
    });
  }
}
