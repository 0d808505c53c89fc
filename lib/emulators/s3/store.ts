/**
 * Buckets and objects in memory. Unversioned, as a plain artifact bucket is:
 * every object's version is S3's literal "null".
 */
import { createHash } from "node:crypto";
import { S3ApiError, noSuchBucket, noSuchKey } from "./xml";

export interface StoredObject {
  body: Buffer;
  etag: string;
  contentType: string;
  lastModified: Date;
  metadata: Record<string, string>;
  checksums: Record<string, string>;
}

export class S3Store {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();

  constructor(readonly region: string) {}

  bucketNames(): string[] {
    return [...this.buckets.keys()].sort();
  }

  hasBucket(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  createBucket(bucket: string): void {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new S3ApiError(400, "InvalidBucketName", "The specified bucket is not valid.", { BucketName: bucket });
    }
    if (this.buckets.has(bucket)) {
      // us-east-1 answers 200 to its owner for historical reasons; other regions refuse.
      if (this.region === "us-east-1") return;
      throw new S3ApiError(
        409,
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        { BucketName: bucket },
      );
    }
    this.buckets.set(bucket, new Map());
  }

  deleteBucket(bucket: string): void {
    const objects = this.bucket(bucket);
    if (objects.size > 0) {
      throw new S3ApiError(409, "BucketNotEmpty", "The bucket you tried to delete is not empty", { BucketName: bucket });
    }
    this.buckets.delete(bucket);
  }

  putObject(
    bucket: string,
    key: string,
    body: Uint8Array,
    opts: { contentType?: string; metadata?: Record<string, string>; checksums?: Record<string, string> } = {},
  ): StoredObject {
    const objects = this.bucket(bucket);
    const buf = Buffer.from(body);
    const stored: StoredObject = {
      body: buf,
      etag: `"${createHash("md5").update(buf).digest("hex")}"`,
      contentType: opts.contentType ?? "binary/octet-stream",
      // S3's Last-Modified has one-second resolution.
      lastModified: new Date(Math.floor(Date.now() / 1000) * 1000),
      metadata: { ...(opts.metadata ?? {}) },
      checksums: { ...(opts.checksums ?? {}) },
    };
    objects.set(key, stored);
    return stored;
  }

  getObject(bucket: string, key: string): StoredObject {
    const found = this.bucket(bucket).get(key);
    if (!found) throw noSuchKey(key);
    return found;
  }

  /** Deleting a missing key succeeds, as on S3. */
  deleteObject(bucket: string, key: string): void {
    this.bucket(bucket).delete(key);
  }

  listObjects(bucket: string, prefix = ""): Array<[string, StoredObject]> {
    return [...this.bucket(bucket).entries()].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1));
  }

  private bucket(bucket: string): Map<string, StoredObject> {
    const objects = this.buckets.get(bucket);
    if (!objects) throw noSuchBucket(bucket);
    return objects;
  }
}
