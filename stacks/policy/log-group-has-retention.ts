import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { NOT_APPLICABLE, outcome, type PolicyRule } from "./rule";

export const LogGroupHasRetention: PolicyRule = {
  id: "LogGroupHasRetention",
  description: "Every log group expires its logs; CloudWatch keeps them (and bills for them) forever otherwise",
  check(node) {
    if (!(node instanceof CloudwatchLogGroup)) return NOT_APPLICABLE;
    const days = node.retentionInDaysInput;
    return outcome(days ? [] : ["log group has no retentionInDays; set one (see LOG_RETENTION_DAYS in config/schema.ts)"]);
  },
};
