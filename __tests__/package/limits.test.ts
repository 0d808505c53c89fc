import {
  base64Length,
  LAMBDA_DIRECT_UPLOAD_MAX_REQUEST_BYTES,
  LAMBDA_DIRECT_UPLOAD_MAX_ZIP_BYTES,
  needsS3Upload,
  REQUEST_ENVELOPE_ALLOWANCE_BYTES,
} from "../../lib/package";

describe("Lambda's direct upload limit", () => {
  it("is 50 MiB, whose base64 is Lambda's request limit", () => {
    expect(LAMBDA_DIRECT_UPLOAD_MAX_ZIP_BYTES).toBe(52_428_800);
    // "Request must be smaller than 69905067 bytes": 50 MiB in base64, give or take the rounding.
    expect(Math.abs(base64Length(LAMBDA_DIRECT_UPLOAD_MAX_ZIP_BYTES) - LAMBDA_DIRECT_UPLOAD_MAX_REQUEST_BYTES)).toBeLessThanOrEqual(1);
  });

  it("base64Length matches Buffer's base64", () => {
    for (const n of [0, 1, 2, 3, 4, 5, 1000, 1001]) expect(base64Length(n)).toBe(Buffer.alloc(n).toString("base64").length);
  });
});

describe("needsS3Upload", () => {
  // The largest zip whose base64 plus the rest of the JSON body stays under the request limit.
  const largestDirect = Math.floor((LAMBDA_DIRECT_UPLOAD_MAX_REQUEST_BYTES - 1 - REQUEST_ENVELOPE_ALLOWANCE_BYTES) / 4) * 3;

  it("uploads small packages directly", () => {
    expect(needsS3Upload(0)).toBe(false);
    expect(needsS3Upload(8_113)).toBe(false);
    expect(needsS3Upload(40 * 1024 * 1024)).toBe(false);
  });

  it("switches to S3 a little below 50 MiB, where the base64 request would be too large", () => {
    expect(needsS3Upload(largestDirect)).toBe(false);
    expect(needsS3Upload(largestDirect + 1)).toBe(true);
    expect(largestDirect).toBeLessThan(LAMBDA_DIRECT_UPLOAD_MAX_ZIP_BYTES);
    expect(LAMBDA_DIRECT_UPLOAD_MAX_ZIP_BYTES - largestDirect).toBeLessThan(2048);
    expect(needsS3Upload(LAMBDA_DIRECT_UPLOAD_MAX_ZIP_BYTES)).toBe(true);
    expect(needsS3Upload(200 * 1024 * 1024)).toBe(true);
  });

  it("rejects sizes that are not byte counts", () => {
    expect(() => needsS3Upload(-1)).toThrow(RangeError);
    expect(() => needsS3Upload(1.5)).toThrow(RangeError);
    expect(() => needsS3Upload(Number.NaN)).toThrow(RangeError);
  });
});
