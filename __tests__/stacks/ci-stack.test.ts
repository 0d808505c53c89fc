import { Testing } from "cdktf";
import { loadEnvironments } from "../../config";
import { defineStacks } from "../../stacks/app";
import { CiStack } from "../../stacks/ci-stack";
import { exampleInput, testEnvironment } from "../../lib/emulators/example-config";
import { onlyResource, policyErrors, resources, synth } from "../helpers/synth";

function synthCi(change?: Parameters<typeof testEnvironment>[0]) {
  const stack = new CiStack(Testing.app(), "test-ci", { config: testEnvironment(change) });
  return { stack, out: synth(stack) };
}

function planPolicy(out: ReturnType<typeof synth>): Array<Record<string, any>> {
  return JSON.parse(onlyResource(out, "aws_iam_role_policy").policy).Statement;
}

describe("CiStack: the pull-request plan role", () => {
  const { stack, out } = synthCi();

  it("passes every policy rule", () => {
    expect(policyErrors(stack)).toEqual([]);
  });

  it("trusts GitHub's OIDC provider for this repository's pull requests only", () => {
    expect(onlyResource(out, "aws_iam_openid_connect_provider")).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
    const trust = JSON.parse(onlyResource(out, "aws_iam_role").assume_role_policy).Statement;
    expect(trust).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: "${aws_iam_openid_connect_provider.github-oidc.arn}" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:codeforboston/alexa-skill-pipeline:pull_request",
          },
        },
      },
    ]);
  });

  it("cannot change anything: every allowed action only reads", () => {
    const allowed = planPolicy(out).filter((s) => s.Effect === "Allow").flatMap((s) => [s.Action].flat() as string[]);
    expect(allowed.length).toBeGreaterThan(10);
    for (const action of allowed) expect(action).toMatch(/^[a-z0-9]+:(Get|List|Describe|BatchGet)[A-Za-z]+$/);
    // And the role has no managed policies that could grant more.
    expect(resources(out, "aws_iam_role_policy_attachment")).toEqual({});
    expect(onlyResource(out, "aws_iam_role").managed_policy_arns).toBeUndefined();
  });

  it("can never read the ASK secrets, even though a pull request's code runs with it", () => {
    const deny = planPolicy(out).find((s) => s.Effect === "Deny");
    expect(deny).toMatchObject({ Resource: "*" });
    expect(deny?.Action).toEqual(expect.arrayContaining(["ssm:GetParameter", "ssm:GetParameters", "secretsmanager:GetSecretValue", "kms:Decrypt"]));
  });

  it("reads the S3 state of this project only", () => {
    const { out: s3 } = synthCi((i) => (i.state = { backend: "s3", bucket: "boston-info-tfstate", region: "us-east-1" }));
    const statements = planPolicy(s3);
    expect(statements.find((s) => s.Sid === "ReadState")).toEqual({
      Sid: "ReadState", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::boston-info-tfstate/alexa-skill-pipeline/*",
    });
    expect(statements.find((s) => s.Sid === "ListState")?.Resource).toBe("arn:aws:s3:::boston-info-tfstate");
  });

  it("reuses the account's existing GitHub OIDC provider when told to", () => {
    const { out: reused } = synthCi((i) => (i.ci = { repository: "codeforboston/alexa-skill-pipeline", createOidcProvider: false }));
    expect(resources(reused, "aws_iam_openid_connect_provider")).toEqual({});
    expect(JSON.parse(onlyResource(reused, "aws_iam_role").assume_role_policy).Statement[0].Principal.Federated).toBe(
      "${data.aws_iam_openid_connect_provider.github-oidc.arn}",
    );
  });

  it("outputs the role ARN for the repository variable", () => {
    expect(out.json.output.plan_role_arn.value).toBe("${aws_iam_role.plan-role.arn}");
  });
});

describe("defineStacks", () => {
  it("adds a CI stack only to environments that configure ci", () => {
    const withoutCi = exampleInput();
    delete withoutCi.ci;
    const stacks = defineStacks(Testing.app(), loadEnvironments({ env: {}, environments: [withoutCi, { ...exampleInput(), name: "boston-prod" }] }));
    expect(stacks.get("example")?.ci).toBeUndefined();
    expect(stacks.get("boston-prod")?.ci).toBeInstanceOf(CiStack);
    expect(stacks.get("boston-prod")?.skill.node.id).toBe("boston-prod-skill");
  });
});
