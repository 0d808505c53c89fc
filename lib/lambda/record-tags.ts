/**
 * The commit record's tags and their meaning, without any AWS client: the
 * stacks import the prefix (the provider must leave these tags alone), the
 * scripts the rest. See commit-record.ts for why the record is tags.
 */
export const RECORD_TAG_PREFIX = "alexa-skill-pipeline:";
export const RECORD_TAGS = {
  commit: `${RECORD_TAG_PREFIX}commit`,
  codeSha256: `${RECORD_TAG_PREFIX}code-sha256`,
  /** The commit's committer time (ISO 8601, UTC), to tell an older build from a newer one in a shallow clone. */
  committedAt: `${RECORD_TAG_PREFIX}committed-at`,
} as const;

export interface CommitRecord {
  commit: string;
  codeSha256: string;
  /** Absent when the deploy did not know it (no git). */
  committedAt?: string;
}

const SHA = /^[0-9a-f]{7,64}$/i;

/** The record in a function's tags; undefined when there is none or it is not ours to trust. */
export function recordFromTags(tags: Record<string, string> | undefined): CommitRecord | undefined {
  const commit = tags?.[RECORD_TAGS.commit];
  const codeSha256 = tags?.[RECORD_TAGS.codeSha256];
  if (commit === undefined || codeSha256 === undefined || !SHA.test(commit)) return undefined;
  const committedAt = tags?.[RECORD_TAGS.committedAt];
  return { commit: commit.toLowerCase(), codeSha256, ...(committedAt && !Number.isNaN(Date.parse(committedAt)) && { committedAt }) };
}

export function tagsOfRecord(record: CommitRecord): Record<string, string> {
  return {
    [RECORD_TAGS.commit]: record.commit,
    [RECORD_TAGS.codeSha256]: record.codeSha256,
    ...(record.committedAt !== undefined && { [RECORD_TAGS.committedAt]: record.committedAt }),
  };
}

/** `arn:aws:lambda:r:a:function:F:qualifier` → `…:function:F`: tags belong to the function. */
export function unqualifiedArn(arn: string): string {
  const parts = arn.split(":");
  return parts.length > 7 ? parts.slice(0, 7).join(":") : arn;
}
