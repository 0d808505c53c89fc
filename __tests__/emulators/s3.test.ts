/**
 * The minimal S3 emulator, through the real @aws-sdk/client-s3 (path-style),
 * including the bodies the SDK sends by default (CRC32 checksums, and
 * aws-chunked with a trailer for streams).
 */
import { Readable } from "node:stream";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { type S3Emulator, startS3Emulator } from "../../lib/emulators/s3";

let emu: S3Emulator;
let s3: S3Client;

beforeEach(async () => {
  emu = await startS3Emulator();
  s3 = new S3Client({
    region: "us-east-1",
    endpoint: emu.url,
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  s3.destroy();
  await emu.close();
});

async function rejection(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p;
  } catch (err) {
    return err as S3ServiceException;
  }
  throw new Error("expected the call to fail");
}

test("create a bucket, put, head, get, list and delete an object", async () => {
  await s3.send(new CreateBucketCommand({ Bucket: "artifacts" }));
  await s3.send(new HeadBucketCommand({ Bucket: "artifacts" }));
  const put = await s3.send(
    new PutObjectCommand({
      Bucket: "artifacts",
      Key: "builds/a b/skill.zip",
      Body: Buffer.from("package bytes"),
      ContentType: "application/zip",
      Metadata: { commit: "abc123" },
    }),
  );
  expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);

  const head = await s3.send(new HeadObjectCommand({ Bucket: "artifacts", Key: "builds/a b/skill.zip" }));
  expect(head).toMatchObject({ ContentLength: 13, ContentType: "application/zip", ETag: put.ETag, Metadata: { commit: "abc123" } });

  const got = await s3.send(new GetObjectCommand({ Bucket: "artifacts", Key: "builds/a b/skill.zip" }));
  expect(await got.Body?.transformToString()).toBe("package bytes");

  const listed = await s3.send(new ListObjectsV2Command({ Bucket: "artifacts", Prefix: "builds/" }));
  expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([["builds/a b/skill.zip", 13]]);

  await s3.send(new DeleteObjectCommand({ Bucket: "artifacts", Key: "builds/a b/skill.zip" }));
  const gone = await rejection(s3.send(new GetObjectCommand({ Bucket: "artifacts", Key: "builds/a b/skill.zip" })));
  expect(gone).toBeInstanceOf(NoSuchKey);
  expect(emu.calls.mutating().map((c) => c.operation)).toEqual(["CreateBucket", "PutObject", "DeleteObject"]);
});

// The SDK cannot send a stream of unknown length (it needs x-amz-decoded-content-length), but
// a stream with ContentLength goes out aws-chunked with the CRC32 in a trailer.
test("a streamed body arrives whole (aws-chunked, trailing checksum)", async () => {
  emu.store.createBucket("artifacts");
  const body = Readable.from([Buffer.from("part one, "), Buffer.from("part two")]);
  await s3.send(new PutObjectCommand({ Bucket: "artifacts", Key: "stream.bin", Body: body, ContentLength: 18 }));
  expect(emu.store.getObject("artifacts", "stream.bin").checksums).toHaveProperty("crc32");
  expect(emu.store.getObject("artifacts", "stream.bin").body.toString()).toBe("part one, part two");
});

test("errors come in S3's XML shape: NoSuchBucket, NoSuchKey, and NotFound for HEAD", async () => {
  const noBucket = await rejection(s3.send(new PutObjectCommand({ Bucket: "missing", Key: "k", Body: "x" })));
  expect(noBucket).toBeInstanceOf(NoSuchBucket);
  expect(noBucket.$metadata.httpStatusCode).toBe(404);

  emu.store.createBucket("artifacts");
  const noKey = await rejection(s3.send(new GetObjectCommand({ Bucket: "artifacts", Key: "nope" })));
  expect(noKey).toBeInstanceOf(NoSuchKey);
  expect(noKey.message).toBe("The specified key does not exist.");

  const headMissing = await rejection(s3.send(new HeadObjectCommand({ Bucket: "artifacts", Key: "nope" })));
  expect(headMissing).toBeInstanceOf(NotFound);
});

test("faults: SlowDown throttles and injected failures", async () => {
  emu.store.createBucket("artifacts");
  emu.faults.throttleNext("PutObject");
  const slow = await rejection(s3.send(new PutObjectCommand({ Bucket: "artifacts", Key: "k", Body: "x" })));
  expect(slow.name).toBe("SlowDown");
  expect(slow.$metadata.httpStatusCode).toBe(503);
  expect(emu.calls.of("PutObject")[0]).toMatchObject({ status: 503, errorType: "SlowDown", mutating: true });
});
