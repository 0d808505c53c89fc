import { S3Client } from "@aws-sdk/client-s3";
import { awsClientConfig, instrumentAwsClient, type AwsClientOptions } from "./client-config";

export function createS3Client(options: AwsClientOptions & { forcePathStyle?: boolean }): S3Client {
  return instrumentAwsClient(new S3Client({ ...awsClientConfig(options), forcePathStyle: options.forcePathStyle ?? false }), "S3", options);
}
