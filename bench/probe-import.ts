/**
 * Run in a child process: loads the AWS provider the way this project may
 * not (`root`) or does (`per-resource`), and reports the cost. This is why
 * every import names its resource module.
 */
const style = process.argv[2];
if (style === "root") {
  require("@cdktf/provider-aws");
} else {
  require("@cdktf/provider-aws/lib/lambda-function");
  require("@cdktf/provider-aws/lib/lambda-alias");
  require("@cdktf/provider-aws/lib/codebuild-project");
}
const usage = process.resourceUsage();
process.stdout.write(JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssMb: usage.maxRSS / 1024 }));
