import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { RECORD_TAG_PREFIX, RECORD_TAGS } from "../../lib/lambda/record-tags";
import { SkillStack, FUNCTION_CODE_ATTRIBUTES } from "../../stacks/skill-stack";
import { testEnvironment } from "../../lib/emulators/example-config";
import { onlyResource, policyApp, policyErrors, resources, synth } from "../helpers/synth";

const SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000";

function synthSkill(change?: Parameters<typeof testEnvironment>[0]) {
  const app = policyApp();
  const stack = new SkillStack(app, "test-skill", { config: testEnvironment(change) });
  return { stack, out: synth(stack) };
}

describe("SkillStack", () => {
  const { stack, out } = synthSkill();

  it("passes every policy rule", () => {
    expect(policyErrors(stack)).toEqual([]);
  });

  it("declares the function from configuration, first version published", () => {
    expect(out.text).toHaveResourceWithProperties(LambdaFunction, { function_name: "BostonInfoSkill" });
    expect(onlyResource(out, "aws_lambda_function")).toMatchObject({
      function_name: "BostonInfoSkill",
      runtime: "python3.12",
      handler: "lambda_function.lambda_handler",
      memory_size: 256,
      timeout: 8,
      publish: true,
      architectures: ["x86_64"],
    });
  });

  it("runs on the configured architecture, for which the package builder installs wheels", () => {
    const { out: arm } = synthSkill((c) => void (c.function = { ...c.function, architecture: "arm64" }));
    expect(onlyResource(arm, "aws_lambda_function").architectures).toEqual(["arm64"]);
  });

  it("starts from a placeholder package built at synth time", () => {
    const fn = onlyResource(out, "aws_lambda_function");
    expect(fn.filename).toMatch(/assets\/placeholder-package\/.+\/archive\.zip$/);
  });

  it("never reverts code that CI uploaded (invariant 3)", () => {
    const fn = onlyResource(out, "aws_lambda_function");
    expect(fn.lifecycle.ignore_changes).toEqual(expect.arrayContaining([...FUNCTION_CODE_ATTRIBUTES]));
  });

  it("has blue and green aliases on the first version, whose version and routing the scripts own (invariant 3)", () => {
    const aliases = Object.values(resources(out, "aws_lambda_alias"));
    expect(aliases.map((a) => a.name).sort()).toEqual(["blue", "green"]);
    for (const alias of aliases) {
      expect(alias.function_version).toMatch(/^\$\{aws_lambda_function\.function\.version\}$/);
      expect(alias.lifecycle.ignore_changes).toEqual(expect.arrayContaining(["function_version", "routing_config"]));
    }
  });

  it("lets only this skill invoke the function, blue and green (invariant 4)", () => {
    const permissions = Object.values(resources(out, "aws_lambda_permission"));
    expect(permissions).toHaveLength(3);
    for (const permission of permissions) {
      expect(permission).toMatchObject({ action: "lambda:InvokeFunction", principal: "alexa-appkit.amazon.com", event_source_token: SKILL_ID });
    }
    expect(permissions.map((p) => p.qualifier ?? "(unqualified)").sort()).toEqual(["(unqualified)", "blue", "green"]);
  });

  it("uses configured alias names everywhere", () => {
    const renamed = synthSkill((i) => (i.aliases = { blue: "cyan", green: "magenta" })).out;
    expect(Object.values(resources(renamed, "aws_lambda_alias")).map((a) => a.name).sort()).toEqual(["cyan", "magenta"]);
    expect(Object.values(resources(renamed, "aws_lambda_permission")).map((p) => p.qualifier).filter(Boolean).sort()).toEqual(["cyan", "magenta"]);
  });

  it("keeps logs for the configured retention, and the role may write only there", () => {
    expect(onlyResource(out, "aws_cloudwatch_log_group")).toMatchObject({ name: "/aws/lambda/BostonInfoSkill", retention_in_days: 30 });
    const role = onlyResource(out, "aws_iam_role");
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    const policy = JSON.parse(onlyResource(out, "aws_iam_role_policy").policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "${aws_cloudwatch_log_group.log-group.arn}:*" }),
    ]);
  });

  it("outputs the function, both aliases and the manifest endpoint URI", () => {
    expect(Object.keys(out.json.output).sort()).toEqual(["blue_alias_arn", "endpoint_uri", "function_arn", "function_name", "green_alias_arn"]);
  });

  it("pins the provider to the configured account and tags everything", () => {
    const pinned = synthSkill((i) => (i.accountId = "123456789012")).out;
    const provider = pinned.json.provider.aws[0];
    expect(provider.allowed_account_ids).toEqual(["123456789012"]);
    expect(provider.default_tags[0].tags).toMatchObject({ "managed-by": "alexa-skill-pipeline", "pipeline-environment": "example" });
    // With the account known, trust policies are scoped to it (confused deputy).
    expect(JSON.parse(onlyResource(pinned, "aws_iam_role").assume_role_policy).Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012" },
    });
  });
});

describe("state backends", () => {
  it("is local by default", () => {
    expect(synthSkill().out.json.terraform.backend.local).toEqual({ path: "terraform.test-skill.tfstate" });
  });

  it("is encrypted S3 with S3-native locking when configured", () => {
    const out = synthSkill((i) => (i.state = { backend: "s3", bucket: "boston-info-tfstate", region: "us-east-2" })).out;
    expect(out.json.terraform.backend.s3).toEqual({
      bucket: "boston-info-tfstate",
      key: "alexa-skill-pipeline/test-skill.tfstate",
      region: "us-east-2",
      encrypt: true,
      use_lockfile: true,
    });
  });

  it("locks with DynamoDB when a table is configured", () => {
    const out = synthSkill((i) => (i.state = { backend: "s3", bucket: "boston-info-tfstate", region: "us-east-2", dynamodbTable: "tf-locks" })).out;
    expect(out.json.terraform.backend.s3).toMatchObject({ dynamodb_table: "tf-locks", encrypt: true });
    expect(out.json.terraform.backend.s3.use_lockfile).toBeUndefined();
  });

  it("leaves the commit record's tags to deploy:function: the provider ignores them, tags_all included", () => {
    // With default_tags, ignore_changes on the function's `tags` would not cover `tags_all`; the provider's ignore_tags does.
    const provider = synthSkill().out.json.provider.aws[0];
    expect(provider.ignore_tags).toEqual([{ key_prefixes: [RECORD_TAG_PREFIX] }]);
    for (const key of Object.values(RECORD_TAGS)) expect(key.startsWith(RECORD_TAG_PREFIX)).toBe(true);
  });
});

describe("SkillStack: the canary's Errors alarms (canary.alarm)", () => {
  it("creates none unless configured", () => {
    const { out } = synthSkill();
    expect(resources(out, "aws_cloudwatch_metric_alarm")).toEqual({});
  });

  it("creates one per colour on the Errors of invocations through that alias, named as promote --canary looks it up, and passes every policy rule", () => {
    const { stack, out } = synthSkill((i) => (i.canary = { alarm: { errors: 2, evaluationPeriods: 10 } }));
    expect(policyErrors(stack)).toEqual([]);
    const alarms = Object.values(resources(out, "aws_cloudwatch_metric_alarm")).sort((a, b) => a.alarm_name.localeCompare(b.alarm_name));
    expect(alarms.map((a) => a.alarm_name)).toEqual(["BostonInfoSkill-blue-errors", "BostonInfoSkill-green-errors"]);
    expect(alarms[0]).toMatchObject({
      namespace: "AWS/Lambda",
      metric_name: "Errors",
      dimensions: { FunctionName: "BostonInfoSkill", Resource: "BostonInfoSkill:blue" },
      statistic: "Sum",
      period: 60,
      evaluation_periods: 10,
      datapoints_to_alarm: 1,
      threshold: 2,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      treat_missing_data: "notBreaching",
    });
  });

  it("follows configured alias names", () => {
    const { out } = synthSkill((i) => {
      i.aliases = { blue: "blue-prod", green: "green-prod" };
      i.canary = { alarm: {} };
    });
    const names = Object.values(resources(out, "aws_cloudwatch_metric_alarm")).map((a) => a.dimensions.Resource).sort();
    expect(names).toEqual(["BostonInfoSkill:blue-prod", "BostonInfoSkill:green-prod"]);
  });
});
