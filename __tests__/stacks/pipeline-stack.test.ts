import { CodebuildWebhook } from "@cdktf/provider-aws/lib/codebuild-webhook";
import { parse } from "yaml";
import { PipelineStack } from "../../stacks/pipeline-stack";
import { testEnvironment } from "../../lib/emulators/example-config";
import { onlyResource, policyApp, policyErrors, resources, synth } from "../helpers/synth";

function synthPipeline(change?: Parameters<typeof testEnvironment>[0]) {
  const stack = new PipelineStack(policyApp(), "test-pipeline", { config: testEnvironment(change) });
  return { stack, out: synth(stack) };
}

function statements(out: ReturnType<typeof synth>) {
  return JSON.parse(onlyResource(out, "aws_iam_role_policy").policy).Statement as Array<Record<string, any>>;
}

describe("PipelineStack", () => {
  const { stack, out } = synthPipeline();
  const project = onlyResource(out, "aws_codebuild_project");

  it("passes every policy rule", () => {
    expect(policyErrors(stack)).toEqual([]);
  });

  it("builds the configured GitHub repository and branch", () => {
    expect(project.source).toMatchObject({ type: "GITHUB", location: "https://github.com/codeforboston/voiceapp311.git" });
    expect(project.source_version).toBe("master");
  });

  it("gets this project's scripts as a secondary source pinned to a branch", () => {
    expect(project.secondary_sources).toEqual([
      expect.objectContaining({ type: "GITHUB", source_identifier: "tooling", location: "https://github.com/codeforboston/alexa-skill-pipeline.git" }),
    ]);
    expect(project.secondary_source_version).toEqual([{ source_identifier: "tooling", source_version: "main" }]);
  });

  it("builds on pushes to the configured branch only", () => {
    expect(out.text).toHaveResourceWithProperties(CodebuildWebhook, {
      build_type: "BUILD",
      filter_group: [{ filter: [{ type: "EVENT", pattern: "PUSH" }, { type: "HEAD_REF", pattern: "^refs/heads/master$" }] }],
    });
  });

  it("escapes the branch name in the webhook's regular expression", () => {
    const webhook = onlyResource(synthPipeline((i) => (i.source = { branch: "release/1.0" })).out, "aws_codebuild_webhook");
    const pattern = new RegExp(webhook.filter_group[0].filter[1].pattern);
    expect(pattern.test("refs/heads/release/1.0")).toBe(true);
    expect(pattern.test("refs/heads/release/1x0")).toBe(false);
    expect(pattern.test("refs/heads/release/1.0-hotfix")).toBe(false);
  });

  it("takes the four ASK secrets from Parameter Store and nothing secret as plain text", () => {
    const variables = project.environment.environment_variable as Array<{ name: string; value: string; type: string }>;
    expect(variables.filter((v) => v.type === "PARAMETER_STORE")).toEqual([
      { name: "ASK_LWA_CLIENT_ID", value: "/example/boston-info/ask/lwa-client-id", type: "PARAMETER_STORE" },
      { name: "ASK_LWA_CLIENT_SECRET", value: "/example/boston-info/ask/lwa-client-secret", type: "PARAMETER_STORE" },
      { name: "ASK_REFRESH_TOKEN", value: "/example/boston-info/ask/refresh-token", type: "PARAMETER_STORE" },
      { name: "ASK_VENDOR_ID", value: "/example/boston-info/ask/vendor-id", type: "PARAMETER_STORE" },
    ]);
    expect(Object.fromEntries(variables.filter((v) => v.type === "PLAINTEXT").map((v) => [v.name, v.value]))).toEqual({
      SKILL_ID: "amzn1.ask.skill.00000000-0000-4000-8000-000000000000",
      LAMBDA_FUNCTION_NAME: "BostonInfoSkill",
      PIPELINE_ENV: "example",
    });
    // The seed process set dummy AWS keys for the ASK CLI; CodeBuild's role is the only AWS identity.
    expect(variables.map((v) => v.name)).not.toContain("AWS_ACCESS_KEY_ID");
  });

  it("runs one command in its build phase, deploy:skill, from a bundle built by a lean install", () => {
    const buildspec = parse(project.source.buildspec);
    expect(buildspec.version).toBe(0.2);
    expect(buildspec.phases.install["runtime-versions"]).toEqual({ python: "3.12", nodejs: "22" });
    expect(buildspec.phases.install.commands).toEqual([
      'cd "$CODEBUILD_SRC_DIR_tooling/tooling/deploy-skill" && npm ci --no-audit --no-fund --prefer-offline',
      'node "$CODEBUILD_SRC_DIR_tooling/tooling/deploy-skill/bundle.cjs"',
    ]);
    expect(buildspec.phases.build.commands).toEqual(['cd "$CODEBUILD_SRC_DIR" && node "$CODEBUILD_SRC_DIR_tooling/dist/deploy-skill.cjs" --repo "$CODEBUILD_SRC_DIR"']);
    expect(buildspec.cache.paths).toEqual(["/root/.npm/**/*", "/root/.cache/pip/**/*"]);
  });

  it("runs the Python of the function's runtime", () => {
    const { out: py313 } = synthPipeline((i) => void (i.function = { ...i.function, runtime: "python3.13" }));
    expect(parse(onlyResource(py313, "aws_codebuild_project").source.buildspec).phases.install["runtime-versions"].python).toBe("3.13");
  });

  it("runs one build at a time, and keeps npm's and pip's caches on the build host", () => {
    expect(project.concurrent_build_limit).toBe(1);
    expect(project.cache).toEqual({ type: "LOCAL", modes: ["LOCAL_CUSTOM_CACHE"] });
  });

  it("keeps build logs in its own group with retention", () => {
    expect(onlyResource(out, "aws_cloudwatch_log_group")).toMatchObject({ name: "/aws/codebuild/BostonInfoSkill-deploy", retention_in_days: 30 });
    expect(project.logs_config.cloudwatch_logs).toEqual({ status: "ENABLED", group_name: "${aws_cloudwatch_log_group.build-logs.name}" });
  });

  describe("its role", () => {
    it("is trusted by CodeBuild only", () => {
      expect(JSON.parse(onlyResource(out, "aws_iam_role").assume_role_policy).Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    });

    it("may read and update the code of this function only", () => {
      const lambda = statements(out).find((s) => s.Sid === "UpdateSkillFunctionCode");
      expect(lambda).toEqual({
        Sid: "UpdateSkillFunctionCode",
        Effect: "Allow",
        Action: ["lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:UpdateFunctionCode"],
        Resource: "arn:aws:lambda:us-east-1:${data.aws_caller_identity.caller-identity.account_id}:function:BostonInfoSkill",
      });
    });

    it("may invoke the unqualified function only ($LATEST), not its versions or aliases", () => {
      expect(statements(out).find((s) => s.Sid === "CheckLatestAnswers")).toEqual({
        Sid: "CheckLatestAnswers",
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: "arn:aws:lambda:us-east-1:${data.aws_caller_identity.caller-identity.account_id}:function:BostonInfoSkill",
      });
    });

    it("may read the function's tags and write the commit record's tags only", () => {
      expect(statements(out).find((s) => s.Sid === "RecordDeployedCommit")).toEqual({
        Sid: "RecordDeployedCommit",
        Effect: "Allow",
        Action: ["lambda:ListTags", "lambda:TagResource"],
        Resource: "arn:aws:lambda:us-east-1:${data.aws_caller_identity.caller-identity.account_id}:function:BostonInfoSkill",
        Condition: { "ForAllValues:StringLike": { "aws:TagKeys": ["alexa-skill-pipeline:*"] } },
      });
    });

    it("may read the four parameters only", () => {
      const ssm = statements(out).find((s) => s.Sid === "ReadAskSecrets");
      expect(ssm?.Action).toBe("ssm:GetParameters");
      expect(ssm?.Resource).toEqual(
        ["lwa-client-id", "lwa-client-secret", "refresh-token", "vendor-id"].map(
          (n) => `arn:aws:ssm:us-east-1:\${data.aws_caller_identity.caller-identity.account_id}:parameter/example/boston-info/ask/${n}`,
        ),
      );
    });

    it("may write only to its own log group, and nothing else", () => {
      expect(statements(out).map((s) => s.Sid)).toEqual(["UpdateSkillFunctionCode", "CheckLatestAnswers", "RecordDeployedCommit", "ReadAskSecrets", "WriteOwnBuildLogs"]);
      expect(statements(out)[4]?.Resource).toBe("${aws_cloudwatch_log_group.build-logs.arn}:*");
    });

    it("may decrypt with a customer-managed key only through SSM", () => {
      const kmsKeyArn = "arn:aws:kms:us-east-1:123456789012:key/0f0e0d0c-0b0a-4998-8776-655443322110";
      const decrypt = statements(synthPipeline((i) => (i.secrets.kmsKeyArn = kmsKeyArn)).out).find((s) => s.Sid === "DecryptAskSecrets");
      expect(decrypt).toMatchObject({ Action: "kms:Decrypt", Resource: kmsKeyArn, Condition: { StringEquals: { "kms:ViaService": "ssm.us-east-1.amazonaws.com" } } });
    });
  });

  it("creates no bucket unless one is configured", () => {
    expect(resources(out, "aws_s3_bucket")).toEqual({});
  });

  describe("with a package bucket for large packages", () => {
    const { stack: withBucket, out: bucketOut } = synthPipeline((i) => (i.pipeline.packageBucket = "boston-info-packages"));

    it("makes it private, encrypted and expiring, and passes the policy rules", () => {
      expect(policyErrors(withBucket)).toEqual([]);
      expect(onlyResource(bucketOut, "aws_s3_bucket_public_access_block")).toMatchObject({
        block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
      });
      expect(onlyResource(bucketOut, "aws_s3_bucket_server_side_encryption_configuration").rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("AES256");
      expect(onlyResource(bucketOut, "aws_s3_bucket_lifecycle_configuration").rule[0].expiration[0].days).toBe(7);
    });

    it("lets CodeBuild put and get objects in it only, and tells the job its name", () => {
      expect(statements(bucketOut).find((s) => s.Sid === "StageLargePackages")).toMatchObject({
        Action: ["s3:PutObject", "s3:GetObject"],
        Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.package-bucket_[0-9A-F]+\.arn\}\/\*$/),
      });
      expect(onlyResource(bucketOut, "aws_codebuild_project").cache).toEqual({ type: "S3", location: expect.stringMatching(/^\$\{aws_s3_bucket\..+\.bucket\}\/codebuild-cache$/) });
      const variables = onlyResource(bucketOut, "aws_codebuild_project").environment.environment_variable;
      expect(variables).toContainEqual({ name: "PACKAGE_BUCKET", value: expect.stringMatching(/^\$\{aws_s3_bucket\..+\.bucket\}$/), type: "PLAINTEXT" });
    });
  });
});
