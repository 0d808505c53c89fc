import { z } from "zod";
import { AWS_REGIONS } from "./aws-regions";

/**
 * The one typed configuration of an environment, read by the stacks and the
 * scripts alike so that what is provisioned and what is operated cannot
 * drift. Every field's `describe()` is the "what is expected" of an error.
 */

// CloudWatch Logs accepts only these retention periods; anything else is a deploy-time error.
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const LAMBDA_ARCHITECTURES = ["x86_64", "arm64"] as const;

// Lambda's Python runtimes that are not deprecated (checked November 2026).
export const PYTHON_RUNTIMES = ["python3.11", "python3.12", "python3.13", "python3.14"] as const;

const SKILL_ID = /^amzn1\.ask\.skill\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
// Lambda alias names: letters, digits, - and _, not all digits (that would read as a version).
const ALIAS_NAME = /^(?![0-9]+$)[A-Za-z0-9_-]{1,128}$/;
const HANDLER = /^[A-Za-z0-9_.-]+\.[A-Za-z0-9_]+$/;
const LOCALE = /^[a-z]{2}-[A-Z]{2}$/;
const GITHUB_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
// A git branch name as `git check-ref-format --branch` would accept it, minus the rarer corners.
const BRANCH = /^(?!\/|.*\/$|.*\.\.|.*@\{|.*\.lock$|.*\/\.)[^\s~^:?*[\\\x00-\x1f\x7f]+$/;
const SSM_PARAMETER_NAME = /^\/[A-Za-z0-9_.\-/]{1,1010}$/;
const S3_BUCKET = /^(?!xn--|.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ACCOUNT_ID = /^[0-9]{12}$/;
const INVOCATION_NAME = /^[a-z][a-z' .]*[a-z.]$/;

const awsRegion = z.enum(AWS_REGIONS, {
  error: "expected an AWS region code such as us-east-1 (the list is in config/aws-regions.ts)",
});

const logRetention = z
  .number()
  .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
    message: `expected a CloudWatch Logs retention in days: one of ${LOG_RETENTION_DAYS.join(", ")}`,
  });

const skillSchema = z
  .object({
    id: z.string().regex(SKILL_ID, {
      message: "expected a skill ID of the form amzn1.ask.skill.<uuid> (lower-case hex), as shown in the Alexa developer console",
    }),
    invocationName: z.string().regex(INVOCATION_NAME, {
      message: "expected the spoken invocation name: lower-case letters, spaces, apostrophes and periods, e.g. \"boston info\"",
    }),
    locales: z
      .array(z.string().regex(LOCALE, { message: "expected a locale such as en-US" }))
      .min(1, { message: "expected at least one locale, e.g. [\"en-US\"]" })
      .refine((l) => new Set(l).size === l.length, { message: "expected each locale once" }),
  })
  .strict();

const functionSchema = z
  .object({
    name: z.string().regex(FUNCTION_NAME, {
      message: "expected a Lambda function name: 1-64 letters, digits, - or _",
    }).default("BostonInfoSkill"),
    runtime: z.enum(PYTHON_RUNTIMES, {
      error: `expected a supported Python runtime: one of ${PYTHON_RUNTIMES.join(", ")}`,
    }).default("python3.12"),
    handler: z.string().regex(HANDLER, { message: "expected module.function, e.g. lambda_function.lambda_handler" })
      .default("lambda_function.lambda_handler"),
    memoryMb: z.number().int().min(128, { message: "expected at least 128 MB" }).max(10240, { message: "expected at most 10240 MB" }).default(256),
    timeoutSeconds: z.number().int().min(1).max(900, { message: "expected at most 900 seconds (Lambda's limit); Alexa waits 8 seconds for a response" }).default(8),
    logRetentionDays: logRetention.default(30),
    // The instruction set; the package builder installs wheels for it (manylinux2014_x86_64 or _aarch64).
    architecture: z.enum(LAMBDA_ARCHITECTURES, {
      error: `expected a Lambda architecture: one of ${LAMBDA_ARCHITECTURES.join(", ")}`,
    }).default("x86_64"),
  })
  .strict();

const aliasesSchema = z
  .object({
    blue: z.string().regex(ALIAS_NAME, { message: "expected a Lambda alias name: letters, digits, - or _, not only digits" }).default("blue"),
    green: z.string().regex(ALIAS_NAME, { message: "expected a Lambda alias name: letters, digits, - or _, not only digits" }).default("green"),
  })
  .strict()
  .refine((a) => a.blue !== a.green, { message: "expected two different alias names; blue and green must not collide", path: ["green"] })
  .refine((a) => ![a.blue, a.green].some((n) => /^production-\d+$/.test(n)), {
    message: "expected names other than production-N, which the release scripts treat as legacy aliases",
    path: ["blue"],
  });

const githubSourceSchema = z
  .object({
    owner: z.string().regex(GITHUB_NAME, { message: "expected a GitHub owner (user or organisation)" }),
    repo: z.string().regex(GITHUB_NAME, { message: "expected a GitHub repository name" }),
    branch: z.string().min(1, { message: "expected a branch name, e.g. master", abort: true }).regex(BRANCH, { message: "expected a valid git branch name" }),
  })
  .strict();

/** A path inside the skill's checkout: relative, no "..", so a recipe cannot reach outside it. */
const relativePath = (what: string) =>
  z.string().min(1, { message: `expected ${what}` }).refine((p) => !p.startsWith("/") && !/^[A-Za-z]:/.test(p) && !p.split(/[\\/]/).includes(".."), {
    message: `expected ${what} as a relative path inside the skill's repository, without ".."`,
  });

const requirementSchema = z
  .object({
    file: relativePath("a requirements file, relative to the code directory"),
    // pip's --no-deps: install exactly what the file lists (voiceapp311's requirements_no_deps.txt).
    noDeps: z.boolean().default(false),
  })
  .strict();

/**
 * How to build the Lambda package, declared instead of the ASK CLI's
 * conventions (hooks/build.sh, package.json, requirements.txt, zip-only).
 * Every path but codeDir is relative to codeDir, which becomes the zip root.
 */
const buildRecipeSchema = z
  .object({
    codeDir: relativePath("the code directory, relative to the repository root, e.g. mycity").default("."),
    include: z.array(relativePath("a file or folder to package, relative to the code directory"))
      .min(1, { message: "expected at least one file or folder to package, e.g. [\"lambda_function.py\", \"mycity\"]" })
      .default(["."]),
    exclude: z.array(z.string().min(1)).default([]),
    requirements: z.array(requirementSchema).default([]),
    findLinks: z.array(relativePath("a directory of wheels (pip --find-links), relative to the code directory")).default([]),
  })
  .strict();

const skillSourceSchema = z
  .object({
    owner: githubSourceSchema.shape.owner.default("codeforboston"),
    repo: githubSourceSchema.shape.repo.default("voiceapp311"),
    branch: githubSourceSchema.shape.branch.default("master"),
    // Used when the repository has no ask-resources.json naming one (skillMetadata.src).
    skillPackagePath: z.string().min(1).default("skill-package"),
    // Declared build; when absent the ASK CLI's conventions apply.
    build: buildRecipeSchema.optional(),
  })
  .strict();

const parameterName = z.string().regex(SSM_PARAMETER_NAME, {
  message: "expected a Parameter Store name starting with /, e.g. /boston-info/ask/refresh-token",
});

const secretsSchema = z
  .object({
    lwaClientId: parameterName,
    lwaClientSecret: parameterName,
    refreshToken: parameterName,
    vendorId: parameterName,
    // Only a customer-managed key needs a grant; the AWS-managed aws/ssm key works through SSM.
    kmsKeyArn: z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[0-9a-f-]+$/, { message: "expected a KMS key ARN" }).optional(),
  })
  .strict()
  .refine((s) => new Set([s.lwaClientId, s.lwaClientSecret, s.refreshToken, s.vendorId]).size === 4, {
    message: "expected four different parameter names",
  });

const pipelineSchema = z
  .object({
    // Where CodeBuild fetches this project's scripts from (a secondary source).
    tooling: githubSourceSchema,
    computeType: z.enum(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"]).default("BUILD_GENERAL1_SMALL"),
    image: z.string().min(1).default("aws/codebuild/amazonlinux-x86_64-standard:5.0"),
    buildTimeoutMinutes: z.number().int().min(5).max(480).default(20),
    logRetentionDays: logRetention.default(30),
    // Packages above Lambda's direct-upload limit go through this bucket; created only when named.
    packageBucket: z.string().regex(S3_BUCKET, { message: "expected an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)" }).optional(),
  })
  .strict();

const stateSchema = z.discriminatedUnion("backend", [
  z.object({ backend: z.literal("local") }).strict(),
  z
    .object({
      backend: z.literal("s3"),
      bucket: z.string().regex(S3_BUCKET, { message: "expected an S3 bucket name" }),
      keyPrefix: z.string().regex(/^[A-Za-z0-9_.\-/]+$/, { message: "expected a key prefix such as alexa-skill-pipeline" }).default("alexa-skill-pipeline"),
      region: awsRegion,
      // S3-native locking (Terraform >= 1.10); a DynamoDB table only for older Terraform.
      dynamodbTable: z.string().min(3).optional(),
    })
    .strict(),
]);

const ciSchema = z
  .object({
    // The GitHub repository of this project, whose pull requests may assume the plan role.
    repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: "expected owner/repo" }),
    // Create the account's GitHub OIDC provider, or reuse the one that already exists (one per account).
    createOidcProvider: z.boolean().default(true),
  })
  .strict();

/**
 * The canary's optional CloudWatch alarm: one per colour alias, on the Errors
 * (Sum) of invocations through it (dimensions FunctionName and Resource
 * `<function>:<alias>`), so whichever colour is live has one. A canary
 * (npm run promote -- --canary) watches the live alias's alarm and rolls
 * back when it is in ALARM.
 */
const canaryAlarmSchema = z
  .object({
    // A city skill's errors are rare: one unhandled error in a minute is worth a look.
    errors: z.number().int().min(1, { message: "expected at least 1 error per period" }).default(1),
    periodSeconds: z.union([z.literal(60), z.literal(300), z.literal(900), z.literal(3600)], {
      error: "expected a period of 60, 300, 900 or 3600 seconds",
    }).default(60),
    evaluationPeriods: z.number().int().min(1).max(60, { message: "expected at most 60 evaluation periods" }).default(5),
    datapointsToAlarm: z.number().int().min(1).default(1),
  })
  .strict()
  .refine((a) => a.datapointsToAlarm <= a.evaluationPeriods, {
    message: "expected datapointsToAlarm to be at most evaluationPeriods",
    path: ["datapointsToAlarm"],
  });

const canarySchema = z
  .object({
    alarm: canaryAlarmSchema.optional(),
  })
  .strict();

export const environmentSchema = z
  .object({
    name: z.string().regex(ENVIRONMENT_NAME, { message: "expected a short kebab-case name such as boston-prod" }),
    region: awsRegion,
    // Pins the AWS provider to one account, so a deploy with the wrong profile fails before it changes anything.
    accountId: z.string().regex(ACCOUNT_ID, { message: "expected a 12-digit AWS account ID" }).optional(),
    skill: skillSchema,
    function: functionSchema.prefault({}),
    aliases: aliasesSchema.prefault({}),
    source: skillSourceSchema.prefault({}),
    secrets: secretsSchema,
    pipeline: pipelineSchema,
    state: stateSchema.default({ backend: "local" }),
    ci: ciSchema.optional(),
    canary: canarySchema.default({}),
    tags: z.record(z.string().regex(/^[\w .:/=+\-@]{1,128}$/), z.string().max(256)).default({}),
  })
  .strict();

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type BuildRecipe = z.output<typeof buildRecipeSchema>;
