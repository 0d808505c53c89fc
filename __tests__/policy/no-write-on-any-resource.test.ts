import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { policyDocument, type PolicyStatement } from "../../stacks/lib/iam";
import { findings } from "../helpers/policy";

function managedPolicy(...statements: PolicyStatement[]) {
  return findings((stack) => new IamPolicy(stack, "p", { name: "p", policy: policyDocument(statements) }));
}

describe('NoWriteOnAnyResource: actions that change something are never allowed on Resource "*"', () => {
  it("accepts reads on any resource", () => {
    expect(managedPolicy({ Effect: "Allow", Action: ["lambda:GetFunction", "lambda:List*", "s3:Describe*"], Resource: "*" })).toEqual([]);
  });

  it("accepts writes scoped to an ARN", () => {
    expect(managedPolicy({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: "arn:aws:lambda:us-east-1:1:function:f" })).toEqual([]);
  });

  it('refuses a write on "*", naming the action', () => {
    expect(managedPolicy({ Sid: "Deploy", Effect: "Allow", Action: ["lambda:GetFunction", "lambda:UpdateFunctionCode"], Resource: ["*"] })).toEqual([
      expect.stringContaining('[NoWriteOnAnyResource] Deploy allows "lambda:UpdateFunctionCode" on Resource "*"'),
    ]);
  });
});
