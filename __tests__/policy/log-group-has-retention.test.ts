import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { findings } from "../helpers/policy";

describe("LogGroupHasRetention: every log group expires its logs", () => {
  it("accepts a log group with a retention", () => {
    expect(findings((s) => new CloudwatchLogGroup(s, "l", { name: "/x", retentionInDays: 14 }))).toEqual([]);
  });

  it("refuses a log group that keeps logs forever", () => {
    expect(findings((s) => new CloudwatchLogGroup(s, "l", { name: "/x" }))).toEqual([
      expect.stringContaining("[LogGroupHasRetention] log group has no retentionInDays"),
    ]);
  });
});
