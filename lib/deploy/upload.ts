/**
 * Sends the package to `$LATEST`: stages it in S3 first when the plan says
 * so, then UpdateFunctionCode guarded by the RevisionId that was read, so an
 * update someone else made in between is a conflict, never overwritten.
 */
import { PreconditionFailedException, ResourceConflictException, UpdateFunctionCodeCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { awsCall } from "../aws/errors";
import { lambdaCall, readLatest, type FunctionRef } from "./function-ref";
import type { DeploymentPackage } from "./package-input";
import type { UploadPlan } from "./upload-plan";

export interface PlannedCall {
  service: "lambda" | "s3";
  operation: "PutObject" | "UpdateFunctionCode" | "PublishVersion" | "Invoke" | "TagResource";
  /** The parameters that matter, as sent (package bytes summarised). */
  parameters: Record<string, string | number>;
}

/** The calls `uploadCode` makes, for a dry run and for tests. */
export function uploadCalls(ref: FunctionRef, pkg: DeploymentPackage, plan: UploadPlan, revisionId: string | undefined): PlannedCall[] {
  const guard: Record<string, string> = revisionId !== undefined ? { RevisionId: revisionId } : {};
  if (plan.kind === "direct") {
    return [{ service: "lambda", operation: "UpdateFunctionCode", parameters: { FunctionName: ref.functionName, ZipFile: `<${pkg.size} bytes>`, ...guard } }];
  }
  return [
    {
      service: "s3",
      operation: "PutObject",
      parameters: { Bucket: plan.bucket, Key: plan.key, Body: `<${pkg.size} bytes>`, ChecksumSHA256: pkg.codeSha256 },
    },
    { service: "lambda", operation: "UpdateFunctionCode", parameters: { FunctionName: ref.functionName, S3Bucket: plan.bucket, S3Key: plan.key, ...guard } },
  ];
}

export async function uploadCode(
  ref: FunctionRef,
  s3: () => S3Client,
  pkg: DeploymentPackage,
  plan: UploadPlan,
  revisionId: string | undefined,
): Promise<FunctionConfiguration> {
  const code = plan.kind === "direct" ? { ZipFile: pkg.zip } : { S3Bucket: plan.bucket, S3Key: plan.key };
  if (plan.kind === "s3") await stage(s3(), pkg, plan, ref.region);
  return awsCall(
    lambdaCall(ref, "UpdateFunctionCode", {
      conflict:
        `${ref.functionName} changed after this run read it (another deploy or a configuration change started, or its RevisionId moved on), ` +
        "so nothing was overwritten. Run again: it waits for any update in flight and deploys on top of it.",
    }),
    async () => {
      try {
        return await ref.lambda.send(
          new UpdateFunctionCodeCommand({ FunctionName: ref.functionName, ...code, ...(revisionId !== undefined && { RevisionId: revisionId }) }),
        );
      } catch (error) {
        if (!(error instanceof PreconditionFailedException || error instanceof ResourceConflictException)) throw error;
        // The SDK repeats a call whose answer was lost; if the first attempt went through, the repeat meets our own
        // update: its new RevisionId (412), or its update still in progress (409).
        const now = await readLatest(ref).catch(() => undefined);
        if (now?.CodeSha256 === pkg.codeSha256) return now;
        throw error;
      }
    },
  );
}

async function stage(s3: S3Client, pkg: DeploymentPackage, plan: Extract<UploadPlan, { kind: "s3" }>, region: string): Promise<void> {
  await awsCall(
    {
      action: "s3:PutObject",
      target: `s3://${plan.bucket}/${plan.key}`,
      notFound:
        `S3 bucket ${plan.bucket} does not exist. The pipeline stack creates it when pipeline.packageBucket is set ` +
        `(and sets PACKAGE_BUCKET in CodeBuild); a bucket named with --s3-bucket must exist, in ${region} like the function.`,
      accessHint: "The pipeline stack's CodeBuild role may put objects in its package bucket only.",
    },
    () =>
      s3.send(
        new PutObjectCommand({
          Bucket: plan.bucket,
          Key: plan.key,
          Body: pkg.zip,
          ContentType: "application/zip",
          // S3 checks the bytes it stored against the very hash Lambda will report.
          ChecksumSHA256: pkg.codeSha256,
        }),
      ),
  );
}
