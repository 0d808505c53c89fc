import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { findings } from "../helpers/policy";

const base = { action: "lambda:InvokeFunction", functionName: "BostonInfoSkill" };

describe("AlexaPermissionHasEventSourceToken: only this skill may invoke the function", () => {
  it("accepts an Alexa permission scoped to a skill ID", () => {
    expect(
      findings((s) => new LambdaPermission(s, "p", { ...base, principal: "alexa-appkit.amazon.com", eventSourceToken: "amzn1.ask.skill.x" })),
    ).toEqual([]);
  });

  it("refuses an Alexa permission without an event source token", () => {
    expect(findings((s) => new LambdaPermission(s, "p", { ...base, principal: "alexa-appkit.amazon.com" }))).toEqual([
      expect.stringContaining("[AlexaPermissionHasEventSourceToken] permission for alexa-appkit.amazon.com has no eventSourceToken"),
    ]);
  });

  it("leaves other principals to other rules", () => {
    expect(findings((s) => new LambdaPermission(s, "p", { ...base, principal: "events.amazonaws.com" }))).toEqual([]);
  });
});
