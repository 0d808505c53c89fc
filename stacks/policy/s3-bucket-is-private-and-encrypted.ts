import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { TerraformStack } from "cdktf";
// cdktf exports no public way to resolve a token outside synthesis; this is what TerraformStack itself uses.
import { resolve } from "cdktf/lib/_tokens";
import { NOT_APPLICABLE, outcome, type PolicyRule } from "./rule";

export const S3BucketIsPrivateAndEncrypted: PolicyRule = {
  id: "S3BucketIsPrivateAndEncrypted",
  description: "Every S3 bucket has default encryption and blocks all public access",
  check(node) {
    if (!(node instanceof S3Bucket)) return NOT_APPLICABLE;
    const stack = TerraformStack.of(node);
    const siblings = stack.node.findAll();
    // Every read of a token attribute is a new token string, so compare what they resolve to.
    const names = [node.id, node.bucket, node.bucketInput].map((ref) => resolve(stack, ref));
    const refersToBucket = (bucketInput: string | undefined) => bucketInput !== undefined && names.includes(resolve(stack, bucketInput));
    const findings: string[] = [];
    if (!siblings.some((c) => c instanceof S3BucketServerSideEncryptionConfigurationA && refersToBucket(c.bucketInput))) {
      findings.push("bucket has no server-side encryption configuration; add S3BucketServerSideEncryptionConfigurationA (or use PrivateBucket)");
    }
    const block = siblings.find((c): c is S3BucketPublicAccessBlock => c instanceof S3BucketPublicAccessBlock && refersToBucket(c.bucketInput));
    if (!block || !blocksEverything(block)) {
      findings.push("bucket does not block all public access; add S3BucketPublicAccessBlock with all four settings true (or use PrivateBucket)");
    }
    return outcome(findings);
  },
};

function blocksEverything(block: S3BucketPublicAccessBlock): boolean {
  return [block.blockPublicAclsInput, block.blockPublicPolicyInput, block.ignorePublicAclsInput, block.restrictPublicBucketsInput]
    .every((setting) => setting === true);
}

