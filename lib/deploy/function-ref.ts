/**
 * The function being deployed to, and how each Lambda call on it explains
 * its failures.
 */
import { GetFunctionConfigurationCommand, type FunctionConfiguration, type LambdaClient } from "@aws-sdk/client-lambda";
import { awsCall, type AwsCall } from "../aws/errors";

export interface FunctionRef {
  lambda: LambdaClient;
  functionName: string;
  region: string;
}

export function lambdaCall(ref: FunctionRef, operation: string, extra: Partial<AwsCall> = {}): AwsCall {
  return {
    action: `lambda:${operation}`,
    target: `function ${ref.functionName} in ${ref.region}`,
    notFound:
      `Lambda function ${ref.functionName} does not exist in ${ref.region} (in the account of these credentials). ` +
      "Check the function name (function.name in config/environments.ts, LAMBDA_FUNCTION_NAME or --function) " +
      "and the region (region in the configuration, or AWS_REGION); if the skill stack was never deployed, run `cdktf deploy` first.",
    accessHint:
      operation === "PublishVersion"
        ? "The CodeBuild role of the pipeline stack only deploys $LATEST; publish with an operator's credentials (or npm run flip / promote)."
        : "The pipeline stack's CodeBuild role grants it on this function only; check the function name and the role in use.",
    ...extra,
  };
}

/** `$LATEST`'s configuration: code hash, update status and the RevisionId that guards the next write. */
export function readLatest(ref: FunctionRef): Promise<FunctionConfiguration> {
  return awsCall(lambdaCall(ref, "GetFunctionConfiguration"), () =>
    ref.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: ref.functionName })),
  );
}

