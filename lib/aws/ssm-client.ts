import { SSMClient } from "@aws-sdk/client-ssm";
import { awsClientConfig, instrumentAwsClient, type AwsClientOptions } from "./client-config";

/** Parameter Store with our timeouts, retries and progress lines; AWS_ENDPOINT_URL_SSM (the SDK's own override) points it at an emulator. */
export function createSsmClient(options: AwsClientOptions): SSMClient {
  return instrumentAwsClient(new SSMClient(awsClientConfig(options)), "SSM", options);
}
