/**
 * How the package reaches Lambda: inline in UpdateFunctionCode (`ZipFile`)
 * when it fits, through the package bucket when it does not or when asked.
 */
import { UsageError } from "../errors";
import { formatBytes } from "./package-input";

export interface PackageBucket {
  name: string;
  /** Where the name came from, for messages. */
  from: "--s3-bucket" | "PACKAGE_BUCKET";
}

export type UploadPlan =
  | { kind: "direct" }
  | { kind: "s3"; bucket: string; key: string; reason: "asked" | "size" };

export interface UploadPlanInput {
  functionName: string;
  size: number;
  sha256Hex: string;
  bucket: PackageBucket | undefined;
  needsS3Upload: (size: number) => boolean;
}

export function planUpload(input: UploadPlanInput): UploadPlan {
  const { bucket } = input;
  if (bucket?.from === "--s3-bucket") return { kind: "s3", bucket: bucket.name, key: packageKey(input), reason: "asked" };
  if (!input.needsS3Upload(input.size)) return { kind: "direct" };
  if (bucket !== undefined) return { kind: "s3", bucket: bucket.name, key: packageKey(input), reason: "size" };
  throw new UsageError(
    `the package is ${formatBytes(input.size)}, too large to send to Lambda directly (about 50 MiB at most), and no S3 bucket is known to stage it in. ` +
      "Pass --s3-bucket <bucket>, or set PACKAGE_BUCKET; in CodeBuild, set pipeline.packageBucket in config/environments.ts " +
      "and run `cdktf deploy`, which creates the bucket and sets PACKAGE_BUCKET for the build.",
  );
}

/**
 * Content-addressed: a key never names two different packages, so an upload
 * can be repeated after a crash, and a concurrent deploy of other code cannot
 * replace the object between our PutObject and UpdateFunctionCode.
 */
export function packageKey(input: Pick<UploadPlanInput, "functionName" | "sha256Hex">): string {
  return `${input.functionName}/${input.sha256Hex}.zip`;
}

const S3_BUCKET = /^(?!xn--|.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** A bucket name as given by `from` (an option or a variable), or a UsageError naming it. */
export function bucketName(name: string, from: string): string {
  if (!S3_BUCKET.test(name)) throw new UsageError(`${from} must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens), got ${JSON.stringify(name)}.`);
  return name;
}

/** PACKAGE_BUCKET, which the pipeline stack sets for CodeBuild when it creates a package bucket. */
export function packageBucketFromEnv(env: NodeJS.ProcessEnv): PackageBucket | undefined {
  const fromEnv = env.PACKAGE_BUCKET?.trim();
  return fromEnv ? { name: bucketName(fromEnv, "PACKAGE_BUCKET"), from: "PACKAGE_BUCKET" } : undefined;
}
