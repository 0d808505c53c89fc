import { LambdaClient } from "@aws-sdk/client-lambda";
import { awsClientConfig, type AwsClientOptions } from "./client-config";

export function createLambdaClient(options: AwsClientOptions): LambdaClient {
  return new LambdaClient(awsClientConfig(options));
}
