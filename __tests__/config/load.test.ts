import { ConfigError, loadEnvironment, loadEnvironments, overrideNotices } from "../../config";
import type { EnvironmentInput } from "../../config";
import { ExitCode } from "../../lib/errors";
import { exampleInput, testEnvironment } from "../../lib/emulators/example-config";

function expectConfigError(run: () => unknown, ...fragments: string[]): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const fragment of fragments) expect(message).toContain(fragment);
    expect((error as ConfigError).exitCode).toBe(ExitCode.Usage);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

function withChange(change: (input: EnvironmentInput & Record<string, any>) => void): EnvironmentInput[] {
  const input = exampleInput() as EnvironmentInput & Record<string, any>;
  change(input);
  return [input];
}

describe("the embedded example environment", () => {
  it("loads with no environment variables and fills in the documented defaults", () => {
    const [config] = loadEnvironments({ env: {} });
    expect(config).toMatchObject({
      name: "example",
      region: "us-east-1",
      function: { name: "BostonInfoSkill", handler: "lambda_function.lambda_handler", runtime: "python3.12" },
      aliases: { blue: "blue", green: "green" },
      source: { owner: "codeforboston", repo: "voiceapp311" },
      state: { backend: "local" },
    });
    expect(config?.skill.id).toMatch(/^amzn1\.ask\.skill\.00000000-/);
  });
});

describe("environment variable overrides (DESIGN.md's configuration contract)", () => {
  const skillId = "amzn1.ask.skill.12345678-90ab-4cde-8f01-234567890abc";

  it("SKILL_ID, LAMBDA_FUNCTION_NAME and AWS_REGION override the selected environment", () => {
    const config = loadEnvironment({ env: { SKILL_ID: skillId, LAMBDA_FUNCTION_NAME: "BostonInfoStaging", AWS_REGION: "eu-west-1" } });
    expect(config.skill.id).toBe(skillId);
    expect(config.function.name).toBe("BostonInfoStaging");
    expect(config.region).toBe("eu-west-1");
  });

  it("says when a variable changes a configured value, and not when it repeats it", () => {
    expect(overrideNotices({ env: { AWS_REGION: "eu-west-1", SKILL_ID: "amzn1.ask.skill.00000000-0000-4000-8000-000000000000" } })).toEqual([
      'AWS_REGION=eu-west-1 overrides region of environment "example" (configured: "us-east-1")',
    ]);
  });

  it("treats an empty variable as unset", () => {
    expect(loadEnvironment({ env: { SKILL_ID: "" } }).skill.id).toMatch(/^amzn1\.ask\.skill\.00000000/);
  });

  it("names the variable, the field it overrides and the bad value", () => {
    expectConfigError(
      () => loadEnvironment({ env: { SKILL_ID: "amzn1.ask.skill.1234" } }),
      'environment "example"',
      "SKILL_ID (overrides skill.id)",
      '"amzn1.ask.skill.1234"',
      "amzn1.ask.skill.<uuid>",
    );
  });

  it("refuses one override for several environments, naming them", () => {
    const second = { ...exampleInput(), name: "boston-prod" };
    expectConfigError(
      () => loadEnvironments({ env: { SKILL_ID: skillId }, environments: [exampleInput(), second] }),
      "SKILL_ID is set",
      "example, boston-prod",
      "PIPELINE_ENV",
    );
  });
});

describe("environment selection", () => {
  const two = () => [exampleInput(), { ...exampleInput(), name: "boston-prod" }];

  it("synthesizes every environment unless PIPELINE_ENV names some", () => {
    expect(loadEnvironments({ env: {}, environments: two() }).map((e) => e.name)).toEqual(["example", "boston-prod"]);
    expect(loadEnvironments({ env: { PIPELINE_ENV: "boston-prod" }, environments: two() }).map((e) => e.name)).toEqual(["boston-prod"]);
  });

  it("a script needs PIPELINE_ENV when several environments exist", () => {
    expectConfigError(() => loadEnvironment({ env: {}, environments: two() }), "2 environments are configured", "PIPELINE_ENV");
    expect(loadEnvironment({ env: { PIPELINE_ENV: "boston-prod" }, environments: two() }).name).toBe("boston-prod");
  });

  it("names the configured environments when PIPELINE_ENV names an unknown one", () => {
    expectConfigError(() => loadEnvironments({ env: { PIPELINE_ENV: "staging" } }), '"staging"', "configured: example");
  });

  it("refuses two environments with one name", () => {
    expectConfigError(() => loadEnvironments({ env: {}, environments: [exampleInput(), exampleInput()] }), 'name "example" is used twice');
  });
});

describe("validation names the environment, the field, the value and what is expected", () => {
  const cases: Array<[string, (i: any) => void, string[]]> = [
    ["a skill ID that is not amzn1.ask.skill.<uuid>", (i) => (i.skill.id = "my-skill"), ["skill.id", '"my-skill"', "amzn1.ask.skill.<uuid>"]],
    ["an unknown region", (i) => (i.region = "us-middle-1"), ["region", '"us-middle-1"', "AWS region code such as us-east-1"]],
    ["an empty branch", (i) => (i.source.branch = ""), ["source.branch", '""', "expected a branch name"]],
    ["a branch git would refuse", (i) => (i.source.branch = "feature..x"), ["source.branch", "valid git branch name"]],
    ["colliding alias names", (i) => (i.aliases = { blue: "live", green: "live" }), ["aliases.green", '"live"', "must not collide"]],
    ["an alias named like a legacy alias", (i) => (i.aliases = { blue: "production-3", green: "green" }), ["aliases.blue", "production-N"]],
    ["an all-digit alias (it would read as a version)", (i) => (i.aliases = { blue: "12", green: "green" }), ["aliases.blue", "not only digits"]],
    ["an unsupported runtime", (i) => (i.function = { runtime: "python3.8" }), ["function.runtime", "python3.8", "python3.12"]],
    ["a retention CloudWatch does not offer", (i) => (i.function = { logRetentionDays: 10 }), ["function.logRetentionDays", "10", "365"]],
    ["a Lambda timeout above the limit", (i) => (i.function = { timeoutSeconds: 1000 }), ["function.timeoutSeconds", "1000", "900"]],
    ["a misspelt field", (i) => (i.function = { memorySize: 512 }), ["function", 'unknown field "memorySize"']],
    ["an upper-case invocation name", (i) => (i.skill.invocationName = "Boston Info"), ["skill.invocationName", "lower-case"]],
    ["no locales", (i) => (i.skill.locales = []), ["skill.locales", "at least one locale"]],
    ["a secret parameter name without a leading slash", (i) => (i.secrets.refreshToken = "refresh-token"), ["secrets.refreshToken", "starting with /"]],
    ["a missing section", (i) => delete i.pipeline, ["pipeline", "missing"]],
    ["an S3 backend without a bucket", (i) => (i.state = { backend: "s3", region: "us-east-1" }), ["state.bucket", "missing"]],
    ["a bad account ID", (i) => (i.accountId = "1234"), ["accountId", "12-digit"]],
  ];

  it.each(cases)("%s", (_name, change, fragments) => {
    expectConfigError(() => loadEnvironments({ env: {}, environments: withChange(change) }), 'environment "example"', ...fragments);
  });

  it("reports every problem at once", () => {
    const error = expectConfigError(() =>
      loadEnvironments({
        env: {},
        environments: withChange((i) => {
          i.skill.id = "x";
          i.region = "mars-1" as never;
        }),
      }),
    );
    expect(error.message.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(2);
  });
});

describe("the S3 state backend", () => {
  it("accepts a bucket, prefix and region", () => {
    const config = testEnvironment((i) => {
      i.state = { backend: "s3", bucket: "boston-info-terraform-state", region: "us-east-1" };
    });
    expect(config.state).toEqual({ backend: "s3", bucket: "boston-info-terraform-state", keyPrefix: "alexa-skill-pipeline", region: "us-east-1" });
  });
});
