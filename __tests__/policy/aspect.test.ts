import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, Aspects, TerraformStack } from "cdktf";
import { PIPELINE_RULES, PolicyAspect, suppressPolicy } from "../../stacks/policy";
import { findings } from "../helpers/policy";

describe("PolicyAspect", () => {
  it("fails synth with the rule, the construct and the fix", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-"));
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "bad");
      new AwsProvider(stack, "aws", { region: "us-east-1" });
      new CloudwatchLogGroup(stack, "forever", { name: "/forever" });
      Aspects.of(stack).add(new PolicyAspect(PIPELINE_RULES));
      expect(() => app.synth()).toThrow(/bad\/forever[\s\S]*\[LogGroupHasRetention\] log group has no retentionInDays/);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  it("honours a suppression that carries a reason", () => {
    expect(
      findings((s) => {
        const group = new CloudwatchLogGroup(s, "audit", { name: "/audit" });
        suppressPolicy(group, "LogGroupHasRetention", "audit logs are kept forever by city records policy");
      }),
    ).toEqual([]);
  });

  it("refuses a suppression without a reason", () => {
    expect(() => findings((s) => suppressPolicy(new CloudwatchLogGroup(s, "audit", { name: "/a" }), "LogGroupHasRetention", "")))
      .toThrow(/needs a reason/);
  });

  it("suppresses only the named rule", () => {
    expect(
      findings((s) => {
        const group = new CloudwatchLogGroup(s, "audit", { name: "/audit" });
        suppressPolicy(group, "NoWildcardIamActions", "irrelevant here, testing that it does not leak");
      }),
    ).toHaveLength(1);
  });
});
