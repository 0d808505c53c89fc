import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { awsClientConfig, type AwsClientOptions } from "./client-config";

/** CloudWatch with our timeouts and retries; the SDK itself honours AWS_ENDPOINT_URL_CLOUDWATCH. */
export function createCloudWatchClient(options: AwsClientOptions): CloudWatchClient {
  return new CloudWatchClient(awsClientConfig(options));
}
