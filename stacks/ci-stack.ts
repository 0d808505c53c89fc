import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { EnvironmentStack, type EnvironmentStackProps } from "./lib/base-stack";
import { policyDocument, type PolicyStatement } from "./lib/iam";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/**
 * What `terraform plan` reads to refresh this project's resources. Read verbs
 * only; secrets are denied outright below, because a pull request's own code
 * runs (synth) with this role.
 */
export const PLAN_READ_ACTIONS = [
  "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig",
  "lambda:GetFunctionConcurrency", "lambda:GetAlias", "lambda:GetPolicy", "lambda:ListVersionsByFunction",
  "lambda:ListAliases", "lambda:ListTags",
  "iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
  "iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviders",
  "logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup",
  "codebuild:BatchGetProjects",
  "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketLocation", "s3:GetBucketLogging", "s3:GetBucketObjectLockConfiguration",
  "s3:GetBucketOwnershipControls", "s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock", "s3:GetBucketRequestPayment",
  "s3:GetBucketTagging", "s3:GetBucketVersioning", "s3:GetBucketWebsite", "s3:GetAccelerateConfiguration",
  "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration",
] as const;

/** Reads that would hand a pull request the ASK credentials or other secrets. */
export const PLAN_DENIED_ACTIONS = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "secretsmanager:GetSecretValue", "kms:Decrypt"];

/**
 * The read-only role that CI assumes (GitHub OIDC, no stored keys) to plan
 * every pull request of this project's repository.
 */
export class CiStack extends EnvironmentStack {
  readonly planRole: IamRole;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id, props);
    const { config } = this;
    if (!config.ci) throw new Error(`CiStack needs the ci section of environment "${config.name}"`);

    const providerArn = config.ci.createOidcProvider
      ? new IamOpenidConnectProvider(this, "github-oidc", { url: `https://${GITHUB_OIDC_HOST}`, clientIdList: ["sts.amazonaws.com"] }).arn
      : new DataAwsIamOpenidConnectProvider(this, "github-oidc", { url: `https://${GITHUB_OIDC_HOST}` }).arn;

    this.planRole = new IamRole(this, "plan-role", {
      name: `${config.function.name}-plan-${config.name}`,
      description: `Read-only role for terraform plan on pull requests of ${config.ci.repository}`,
      maxSessionDuration: 3600,
      assumeRolePolicy: policyDocument([
        {
          Effect: "Allow",
          Principal: { Federated: providerArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
              [`${GITHUB_OIDC_HOST}:sub`]: `repo:${config.ci.repository}:pull_request`,
            },
          },
        },
      ]),
    });

    const statements: PolicyStatement[] = [
      { Sid: "RefreshPipelineResources", Effect: "Allow", Action: [...PLAN_READ_ACTIONS], Resource: "*" },
      { Sid: "NeverReadSecrets", Effect: "Deny", Action: PLAN_DENIED_ACTIONS, Resource: "*" },
    ];
    const { state } = config;
    if (state.backend === "s3") {
      statements.push(
        { Sid: "ListState", Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${state.bucket}` },
        { Sid: "ReadState", Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${state.bucket}/${state.keyPrefix}/*` },
      );
    }
    new IamRolePolicy(this, "plan-role-policy", { name: "plan-read-only", role: this.planRole.id, policy: policyDocument(statements) });

    new TerraformOutput(this, "plan_role_arn", {
      value: this.planRole.arn,
      description: "Set as the repository variable PLAN_ROLE_ARN for .github/workflows/plan.yml",
    });
  }
}
