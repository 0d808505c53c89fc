import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { PrivateBucket } from "../../stacks/constructs/private-bucket";
import { findings } from "../helpers/policy";

describe("S3BucketIsPrivateAndEncrypted: every bucket is encrypted and blocks public access", () => {
  it("accepts a PrivateBucket", () => {
    expect(findings((s) => new PrivateBucket(s, "b", { bucket: "boston-info-packages", expireAfterDays: 7 }))).toEqual([]);
  });

  it("refuses a bare bucket on both counts", () => {
    expect(findings((s) => new S3Bucket(s, "b", { bucket: "boston-info-packages" }))).toEqual([
      expect.stringContaining("no server-side encryption configuration"),
      expect.stringContaining("does not block all public access"),
    ]);
  });

  it("refuses a public access block that leaves one door open", () => {
    const result = findings((s) => {
      const bucket = new S3Bucket(s, "b", { bucket: "boston-info-packages" });
      new S3BucketPublicAccessBlock(s, "pab", {
        bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: true,
      });
    });
    expect(result).toContainEqual(expect.stringContaining("does not block all public access"));
  });
});
