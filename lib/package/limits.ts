/**
 * Lambda's limits on a .zip deployment package (AWS Lambda Developer Guide,
 * "Lambda quotas"): 50 MB zipped when uploaded directly through the Lambda
 * API or an SDK (`ZipFile` of CreateFunction / UpdateFunctionCode), 250 MB
 * unzipped including layers. Larger packages go through S3 (`S3Bucket`,
 * `S3Key`), where only the unzipped limit applies.
 *
 * The 50 MB are MiB and are enforced on the HTTP request, not on the zip:
 * `ZipFile` travels base64-encoded in a JSON body, and Lambda answers
 * RequestEntityTooLargeException "Request must be smaller than 69905067
 * bytes", which is 4/3 of 50 MiB: the size of 50 MiB in base64. So the real
 * ceiling for the zip is a little under 50 MiB: 3/4 of that request size,
 * minus the rest of the JSON body.
 */

export const MIB = 1024 * 1024;

/** The documented direct-upload quota for a zipped package. */
export const LAMBDA_DIRECT_UPLOAD_MAX_ZIP_BYTES = 50 * MIB;

/** The request size Lambda enforces for CreateFunction / UpdateFunctionCode. */
export const LAMBDA_DIRECT_UPLOAD_MAX_REQUEST_BYTES = 69_905_067;

/** Unzipped size of the function's code and layers. */
export const LAMBDA_MAX_UNZIPPED_BYTES = 250 * MIB;

/**
 * Room for the rest of the UpdateFunctionCode JSON body besides the base64
 * `ZipFile` (`Publish`, `DryRun`, `RevisionId`, `Architectures`): under 200
 * bytes in practice; 1 KiB leaves a margin for fields AWS may add.
 */
export const REQUEST_ENVELOPE_ALLOWANCE_BYTES = 1024;

/** Length of the base64 text of `size` bytes (with padding). */
export function base64Length(size: number): number {
  return 4 * Math.ceil(size / 3);
}

/** Whether a zip of `size` bytes must go through S3 instead of a direct `ZipFile` upload. */
export function needsS3Upload(size: number): boolean {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`package size must be a whole number of bytes, got ${size}`);
  return (
    size > LAMBDA_DIRECT_UPLOAD_MAX_ZIP_BYTES ||
    base64Length(size) + REQUEST_ENVELOPE_ALLOWANCE_BYTES >= LAMBDA_DIRECT_UPLOAD_MAX_REQUEST_BYTES
  );
}
