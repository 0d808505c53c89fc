import { LambdaClient } from "@aws-sdk/client-lambda";
import { awsClientConfig, instrumentAwsClient, type AwsClientOptions } from "./client-config";

export function createLambdaClient(options: AwsClientOptions): LambdaClient {
  return instrumentAwsClient(new LambdaClient(awsClientConfig(options)), "Lambda", options);
}
