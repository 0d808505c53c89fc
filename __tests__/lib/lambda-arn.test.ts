import { parseLambdaTarget, sameLambdaTarget } from "../../lib/lambda/arn";

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:BostonInfoSkill";

describe("sameLambdaTarget: endpoints compared by what they invoke", () => {
  it.each([
    ["an unqualified ARN and the same with :$LATEST", ARN, `${ARN}:$LATEST`],
    ["a full ARN and the partial one", `${ARN}:blue`, "123456789012:function:BostonInfoSkill:blue"],
    ["a full ARN and the bare name", `${ARN}:green`, "BostonInfoSkill:green"],
    ["the same ARN", `${ARN}:7`, `${ARN}:7`],
  ])("the same: %s", (_, a, b) => {
    expect(sameLambdaTarget(a, b)).toBe(true);
    expect(sameLambdaTarget(b, a)).toBe(true);
  });

  it.each([
    ["another alias", `${ARN}:blue`, `${ARN}:green`],
    ["an alias and $LATEST", `${ARN}:blue`, ARN],
    ["another region", `${ARN}:blue`, "arn:aws:lambda:eu-west-1:123456789012:function:BostonInfoSkill:blue"],
    ["another account", ARN, "arn:aws:lambda:us-east-1:210987654321:function:BostonInfoSkill"],
    ["another function", ARN, `${ARN}Other`],
    ["an HTTPS endpoint", ARN, "https://example.com/alexa"],
  ])("different: %s", (_, a, b) => {
    expect(sameLambdaTarget(a, b)).toBe(false);
  });

  it("reads the parts of an ARN, $LATEST as no qualifier", () => {
    expect(parseLambdaTarget(`${ARN}:$LATEST`)).toEqual({ region: "us-east-1", account: "123456789012", name: "BostonInfoSkill" });
    expect(parseLambdaTarget("https://example.com/alexa")).toBeUndefined();
  });
});
