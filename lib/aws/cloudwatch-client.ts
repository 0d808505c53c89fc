import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { awsClientConfig, instrumentAwsClient, type AwsClientOptions } from "./client-config";

/** CloudWatch with our timeouts, retries and progress lines; the SDK itself honours AWS_ENDPOINT_URL_CLOUDWATCH. */
export function createCloudWatchClient(options: AwsClientOptions): CloudWatchClient {
  return instrumentAwsClient(new CloudWatchClient(awsClientConfig(options)), "CloudWatch", options);
}
