import { CodebuildProject, type CodebuildProjectEnvironmentEnvironmentVariable } from "@cdktf/provider-aws/lib/codebuild-project";
import { findings } from "../helpers/policy";

function project(variables: CodebuildProjectEnvironmentEnvironmentVariable[]) {
  return findings(
    (s) =>
      new CodebuildProject(s, "p", {
        name: "p",
        serviceRole: "arn:aws:iam::1:role/r",
        artifacts: { type: "NO_ARTIFACTS" },
        source: { type: "NO_SOURCE", buildspec: "version: 0.2" },
        environment: { type: "LINUX_CONTAINER", computeType: "BUILD_GENERAL1_SMALL", image: "i", environmentVariable: variables },
      }),
  );
}

describe("NoPlaintextCodebuildSecrets: secrets reach CodeBuild from Parameter Store, never as plain text", () => {
  it("accepts secrets from Parameter Store and harmless plain values", () => {
    expect(
      project([
        { name: "ASK_REFRESH_TOKEN", value: "/p/refresh-token", type: "PARAMETER_STORE" },
        { name: "SKILL_ID", value: "amzn1.ask.skill.x", type: "PLAINTEXT" },
      ]),
    ).toEqual([]);
  });

  it.each(["ASK_LWA_CLIENT_SECRET", "ASK_REFRESH_TOKEN", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY", "api_key"])(
    "refuses %s as PLAINTEXT",
    (name) => {
      expect(project([{ name, value: "x", type: "PLAINTEXT" }])).toEqual([
        expect.stringContaining(`[NoPlaintextCodebuildSecrets] variable ${name} looks secret but is PLAINTEXT`),
      ]);
    },
  );

  it("treats a variable without a type as PLAINTEXT, as CodeBuild does", () => {
    expect(project([{ name: "GITHUB_TOKEN", value: "x" }])).toHaveLength(1);
  });
});
