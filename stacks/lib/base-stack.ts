import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Aspects, LocalBackend, S3Backend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../../config";
import { RECORD_TAG_PREFIX } from "../../lib/lambda/record-tags";
import { PIPELINE_RULES, PolicyAspect } from "../policy";

export interface EnvironmentStackProps {
  readonly config: EnvironmentConfig;
}

/**
 * A stack of one environment: the AWS provider pinned to its region (and
 * account, when configured), default tags, its own state, and the policy
 * rules, so that no stack of this project can skip them.
 */
export abstract class EnvironmentStack extends TerraformStack {
  readonly config: EnvironmentConfig;

  protected constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id);
    this.config = props.config;
    const { config } = props;
    new AwsProvider(this, "aws", {
      region: config.region,
      ...(config.accountId ? { allowedAccountIds: [config.accountId] } : {}),
      defaultTags: [{ tags: { ...config.tags, "managed-by": "alexa-skill-pipeline", "pipeline-environment": config.name } }],
      // deploy:function records the commit $LATEST holds in these tags (lib/lambda/commit-record.ts); with
      // default_tags, ignore_changes on `tags` alone would not stop tags_all from removing them.
      ignoreTags: [{ keyPrefixes: [RECORD_TAG_PREFIX] }],
    });
    this.configureBackend(id);
    // On the stack, not the app: cdktf invokes aspects per stack, from the stack down.
    Aspects.of(this).add(new PolicyAspect(PIPELINE_RULES));
  }

  private configureBackend(stackId: string): void {
    const { state } = this.config;
    if (state.backend === "local") {
      new LocalBackend(this, { path: `terraform.${stackId}.tfstate` });
      return;
    }
    new S3Backend(this, {
      bucket: state.bucket,
      key: `${state.keyPrefix}/${stackId}.tfstate`,
      region: state.region,
      encrypt: true,
      ...(state.dynamodbTable ? { dynamodbTable: state.dynamodbTable } : {}),
    });
    if (!state.dynamodbTable) {
      // S3-native state locking (Terraform >= 1.10); cdktf's S3Backend predates the option.
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    }
  }

  private identity: DataAwsCallerIdentity | undefined;

  /** The account ID: pinned in configuration, or read at plan time from the credentials in use. */
  protected get accountId(): string {
    if (this.config.accountId) return this.config.accountId;
    this.identity ??= new DataAwsCallerIdentity(this, "caller-identity");
    return this.identity.accountId;
  }

  /** An ARN in this environment's region and account (config/aws-regions.ts lists only the aws partition). */
  protected arn(service: string, resource: string, options: { global?: boolean } = {}): string {
    return `arn:aws:${service}:${options.global ? "" : this.config.region}:${this.accountId}:${resource}`;
  }
}
