import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { policyDocument, type PolicyStatement } from "../../stacks/lib/iam";
import { findings } from "../helpers/policy";

function rolePolicy(...statements: PolicyStatement[]) {
  return findings((stack) => new IamRolePolicy(stack, "p", { role: "r", policy: policyDocument(statements) }));
}

describe("NoWildcardIamActions: IAM statements name the actions they need", () => {
  it("accepts named actions", () => {
    expect(rolePolicy({ Effect: "Allow", Action: ["lambda:GetFunction"], Resource: "arn:aws:lambda:us-east-1:1:function:f" })).toEqual([]);
  });

  it('refuses Action "*"', () => {
    expect(rolePolicy({ Sid: "All", Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::b" })).toEqual([
      expect.stringContaining('[NoWildcardIamActions] All allows Action "*"'),
    ]);
  });

  it('refuses "service:*"', () => {
    expect(rolePolicy({ Effect: "Allow", Action: ["lambda:GetFunction", "s3:*"], Resource: "arn:aws:s3:::b" })).toEqual([
      expect.stringContaining('Statement[0] allows Action "s3:*"'),
    ]);
  });

  it("accepts a Deny with a wildcard, which only takes away", () => {
    expect(rolePolicy({ Effect: "Deny", Action: "*", Resource: "*" })).toEqual([]);
  });

  it("refuses NotAction, which grants everything else", () => {
    expect(rolePolicy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" } as unknown as PolicyStatement)).toEqual([
      expect.stringContaining("uses NotAction"),
    ]);
  });

  it("refuses a policy it cannot read at synth time", () => {
    expect(findings((stack) => new IamRolePolicy(stack, "p", { role: "r", policy: "not json" }))).toEqual([
      expect.stringContaining("not plain JSON"),
    ]);
  });
});
