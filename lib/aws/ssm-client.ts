import { SSMClient } from "@aws-sdk/client-ssm";
import { awsClientConfig, type AwsClientOptions } from "./client-config";

/** Parameter Store; AWS_ENDPOINT_URL_SSM (the SDK's own override) points it at an emulator. */
export function createSsmClient(options: AwsClientOptions): SSMClient {
  return new SSMClient(awsClientConfig(options));
}
