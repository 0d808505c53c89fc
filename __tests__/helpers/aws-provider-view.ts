/**
 * A stand-in for the AWS provider's refresh of the skill stack's Lambda
 * resources: what Terraform's state would hold for each object after
 * `terraform plan` refreshed it, read through the real SDK client from the
 * Lambda emulator. The provider itself (hashicorp/aws) cannot be downloaded
 * here, so this follows its documented attributes, and where its behaviour
 * is not documented it takes the less convenient reading:
 * - `source_code_hash` is read back from the function's CodeSha256 (older
 *   provider versions did; newer ones keep the configured value), so a code
 *   update shows there;
 * - after the code changes, every attribute that describes the package
 *   (`filename`, `s3_*`, `image_uri`) is counted as changed too: the package
 *   Terraform's state names is no longer the function's code, whichever
 *   attribute a provider version compares;
 * - `version` is the latest published version (the provider reads it with
 *   ListVersionsByFunction when `publish` is set).
 * Limits: only the attributes below are modelled (no VPC, layers, tags,
 * environment); the role, log group and CodeBuild resources are not read.
 */
import { GetAliasCommand, GetFunctionCommand, GetPolicyCommand, ListVersionsByFunctionCommand, type LambdaClient } from "@aws-sdk/client-lambda";

export type Attributes = Record<string, unknown>;

/** Terraform attribute values of each object, keyed by what identifies it in the configuration. */
export interface LambdaView {
  function: Attributes;
  /** By alias name. */
  aliases: Record<string, Attributes>;
  /** By statement ID. */
  permissions: Record<string, Attributes>;
}

export const PACKAGE_ATTRIBUTES = ["filename", "s3_bucket", "s3_key", "s3_object_version", "image_uri"] as const;

/**
 * The attributes the provider alone decides (its documentation's "Attribute
 * Reference"). Every other attribute is an argument: left out of the
 * configuration, it still has a configured value (none, or a default), so a
 * plan resets it when it changed; `routing_config` is one.
 */
export const COMPUTED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_lambda_function: ["arn", "code_sha256", "last_modified", "version", "qualified_arn"],
  aws_lambda_alias: ["arn"],
  aws_lambda_permission: [],
};

export async function readLambdaView(lambda: LambdaClient, functionName: string, aliasNames: readonly string[]): Promise<LambdaView> {
  const { Configuration: config } = await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
  if (config === undefined) throw new Error(`no configuration for ${functionName}`);
  const versions: string[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, ...(marker !== undefined && { Marker: marker }) }));
    versions.push(...(page.Versions ?? []).map((version) => version.Version ?? "").filter((version) => /^\d+$/.test(version)));
    marker = page.NextMarker;
  } while (marker !== undefined);
  const latest = versions.map(Number).sort((a, b) => a - b).at(-1)?.toString() ?? "$LATEST";
  const fn: Attributes = {
    function_name: config.FunctionName,
    arn: config.FunctionArn,
    role: config.Role,
    runtime: config.Runtime,
    handler: config.Handler,
    memory_size: config.MemorySize,
    timeout: config.Timeout,
    description: config.Description ?? "",
    code_sha256: config.CodeSha256,
    source_code_hash: config.CodeSha256,
    // Not returned by the API: stands for "the package behind the code", so it changes with the code.
    ...Object.fromEntries(PACKAGE_ATTRIBUTES.map((name) => [name, `package with SHA-256 ${config.CodeSha256 ?? ""}`])),
    last_modified: config.LastModified,
    version: latest,
    qualified_arn: `${config.FunctionArn ?? ""}:${latest}`,
  };

  const aliases: Record<string, Attributes> = {};
  for (const name of aliasNames) {
    const alias = await lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: name }));
    const weights = alias.RoutingConfig?.AdditionalVersionWeights ?? {};
    aliases[name] = {
      name: alias.Name,
      arn: alias.AliasArn,
      function_name: config.FunctionArn,
      function_version: alias.FunctionVersion,
      description: alias.Description ?? "",
      routing_config: Object.keys(weights).length > 0 ? [{ additional_version_weights: { ...weights } }] : [],
    };
  }

  const permissions: Record<string, Attributes> = {};
  for (const qualifier of [undefined, ...aliasNames]) {
    const { Policy: policy } = await lambda.send(new GetPolicyCommand({ FunctionName: functionName, ...(qualifier !== undefined && { Qualifier: qualifier }) }));
    const statements = (JSON.parse(policy ?? "{}") as { Statement?: PolicyStatement[] }).Statement ?? [];
    for (const statement of statements) {
      permissions[statement.Sid] = {
        statement_id: statement.Sid,
        action: statement.Action,
        principal: statement.Principal.Service,
        event_source_token: statement.Condition?.StringEquals?.["lambda:EventSourceToken"],
        function_name: config.FunctionName,
        ...(qualifier !== undefined && { qualifier }),
      };
    }
  }
  return { function: fn, aliases, permissions };
}

interface PolicyStatement {
  Sid: string;
  Action: string;
  Principal: { Service: string };
  Condition?: { StringEquals?: Record<string, string> };
}
