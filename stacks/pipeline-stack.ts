import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodebuildWebhook } from "@cdktf/provider-aws/lib/codebuild-webhook";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { RECORD_TAG_PREFIX } from "../lib/lambda/record-tags";
import { renderBuildspec, TOOLING_SOURCE_ID } from "./buildspec";
import { PrivateBucket } from "./constructs/private-bucket";
import { EnvironmentStack, type EnvironmentStackProps } from "./lib/base-stack";
import { policyDocument, serviceTrustPolicy, type PolicyStatement } from "./lib/iam";

/** The secrets CodeBuild hands to deploy:model, by environment variable name. */
export function secretVariables(config: EnvironmentStackProps["config"]): Record<string, string> {
  return {
    ASK_LWA_CLIENT_ID: config.secrets.lwaClientId,
    ASK_LWA_CLIENT_SECRET: config.secrets.lwaClientSecret,
    ASK_REFRESH_TOKEN: config.secrets.refreshToken,
    ASK_VENDOR_ID: config.secrets.vendorId,
  };
}

/**
 * The CodeBuild project that replaces the seed process's deploy_tools.py
 * job: on every push to the watched branch it runs deploy:skill, which
 * updates $LATEST (checked, or restored), the development stage's
 * interaction models and skill.json.
 */
export class PipelineStack extends EnvironmentStack {
  readonly project: CodebuildProject;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id, props);
    const { config } = this;
    const projectName = `${config.function.name}-deploy`;
    const secrets = secretVariables(config);

    const logGroup = new CloudwatchLogGroup(this, "build-logs", {
      name: `/aws/codebuild/${projectName}`,
      retentionInDays: config.pipeline.logRetentionDays,
    });

    const bucket = config.pipeline.packageBucket
      ? new PrivateBucket(this, "package-bucket", { bucket: config.pipeline.packageBucket, expireAfterDays: 7 })
      : undefined;

    const functionArn = this.arn("lambda", `function:${config.function.name}`);
    const statements: PolicyStatement[] = [
      {
        // GetFunction also downloads $LATEST's code (Code.Location), saved to put back if the new code does not answer.
        Sid: "UpdateSkillFunctionCode",
        Effect: "Allow",
        Action: ["lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:UpdateFunctionCode"],
        Resource: functionArn,
      },
      {
        // The unqualified ARN only: $LATEST must answer a LaunchRequest after an update; versions and aliases are the release commands'.
        Sid: "CheckLatestAnswers",
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: functionArn,
      },
      {
        // The commit record (lib/lambda/commit-record.ts): GetFunction returns tags only with lambda:ListTags, and
        // TagResource is limited to the record's keys, so the role cannot retag the function otherwise.
        Sid: "RecordDeployedCommit",
        Effect: "Allow",
        Action: ["lambda:ListTags", "lambda:TagResource"],
        Resource: functionArn,
        Condition: { "ForAllValues:StringLike": { "aws:TagKeys": [`${RECORD_TAG_PREFIX}*`] } },
      },
      {
        Sid: "ReadAskSecrets",
        Effect: "Allow",
        Action: "ssm:GetParameters",
        Resource: Object.values(secrets).map((name) => this.arn("ssm", `parameter${name}`)),
      },
      {
        Sid: "WriteOwnBuildLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logGroup.arn}:*`,
      },
    ];
    if (config.secrets.kmsKeyArn) {
      statements.push({
        Sid: "DecryptAskSecrets",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: config.secrets.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `ssm.${config.region}.amazonaws.com` } },
      });
    }
    if (bucket) {
      statements.push({
        Sid: "StageLargePackages",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetObject"],
        Resource: `${bucket.bucket.arn}/*`,
      });
    }

    const role = new IamRole(this, "codebuild-role", {
      name: `${projectName}-codebuild`,
      description: `Role of the ${projectName} CodeBuild project`,
      assumeRolePolicy: serviceTrustPolicy("codebuild.amazonaws.com", config.accountId),
    });
    new IamRolePolicy(this, "codebuild-role-policy", { name: "deploy-skill", role: role.id, policy: policyDocument(statements) });

    const { source, pipeline } = config;
    this.project = new CodebuildProject(this, "project", {
      name: projectName,
      description: `Deploys ${source.owner}/${source.repo}@${source.branch} to ${config.function.name}:$LATEST and the skill's development stage`,
      serviceRole: role.arn,
      buildTimeout: pipeline.buildTimeoutMinutes,
      source: {
        type: "GITHUB",
        location: `https://github.com/${source.owner}/${source.repo}.git`,
        gitCloneDepth: 1,
        buildspec: renderBuildspec(config),
        reportBuildStatus: true,
      },
      sourceVersion: source.branch,
      secondarySources: [
        {
          type: "GITHUB",
          sourceIdentifier: TOOLING_SOURCE_ID,
          location: `https://github.com/${pipeline.tooling.owner}/${pipeline.tooling.repo}.git`,
          gitCloneDepth: 1,
        },
      ],
      secondarySourceVersion: [{ sourceIdentifier: TOOLING_SOURCE_ID, sourceVersion: pipeline.tooling.branch }],
      artifacts: { type: "NO_ARTIFACTS" },
      // One build at a time, in push order: an older push cannot finish after a newer one while both run.
      concurrentBuildLimit: 1,
      // npm's and pip's caches between builds (the buildspec's cache.paths): in the package bucket when there is
      // one (shared by every build host), else on the build host (kept only while builds follow each other).
      cache: bucket
        ? { type: "S3", location: `${bucket.bucket.bucket}/codebuild-cache` }
        : { type: "LOCAL", modes: ["LOCAL_CUSTOM_CACHE"] },
      environment: {
        type: "LINUX_CONTAINER",
        computeType: pipeline.computeType,
        image: pipeline.image,
        imagePullCredentialsType: "CODEBUILD",
        environmentVariable: [
          ...Object.entries(secrets).map(([name, parameter]) => ({ name, value: parameter, type: "PARAMETER_STORE" })),
          { name: "SKILL_ID", value: config.skill.id, type: "PLAINTEXT" },
          { name: "LAMBDA_FUNCTION_NAME", value: config.function.name, type: "PLAINTEXT" },
          { name: "PIPELINE_ENV", value: config.name, type: "PLAINTEXT" },
          ...(bucket ? [{ name: "PACKAGE_BUCKET", value: bucket.bucket.bucket, type: "PLAINTEXT" }] : []),
        ],
      },
      logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name } },
      dependsOn: [logGroup],
    });

    new CodebuildWebhook(this, "webhook", {
      projectName: this.project.name,
      buildType: "BUILD",
      filterGroup: [
        {
          filter: [
            { type: "EVENT", pattern: "PUSH" },
            { type: "HEAD_REF", pattern: `^refs/heads/${escapeRegExp(source.branch)}$` },
          ],
        },
      ],
    });

    new TerraformOutput(this, "codebuild_project_name", { value: this.project.name });
    new TerraformOutput(this, "codebuild_role_arn", { value: role.arn });
  }
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
