/**
 * Which commit of the skill `$LATEST` holds: written by deploy:function after
 * a successful deploy, read by flip and promote to describe the versions they
 * publish, and by the next deploy to refuse an older build.
 *
 * Where it lives: tags on the function (TagResource), not a Parameter Store
 * value. The record is about the function, so it goes where the function's
 * permissions already are (the CodeBuild role gains lambda:TagResource on this
 * one function, nothing new to create or delete), and it is read in the same
 * GetFunction call deploy:function makes for the code's download URL. The
 * function is a Terraform resource with provider default_tags, and a plain
 * `lifecycle.ignore_changes = [tags]` does not stop the provider from removing
 * unknown keys through `tags_all`; the provider's own `ignore_tags.key_prefixes`
 * is the documented way to leave tags set by other systems alone, for every
 * resource and for `tags_all` too. The skill stack sets it for RECORD_TAG_PREFIX
 * (stacks/lib/base-stack.ts), and a stack test asserts it.
 *
 * The record carries the CodeSha256 it belongs to: a deploy that crashed
 * between its upload and its TagResource, or anybody's upload outside the
 * pipeline, leaves a record whose hash is not `$LATEST`'s, and readers then
 * know the commit is unknown instead of naming the wrong one.
 */
import { GetFunctionConfigurationCommand, ListTagsCommand, TagResourceCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { recordFromTags, tagsOfRecord, unqualifiedArn, type CommitRecord } from "./record-tags";

export { recordFromTags, RECORD_TAG_PREFIX, RECORD_TAGS, type CommitRecord } from "./record-tags";

/** One TagResource call: the commit and its hash change together or not at all. */
export async function writeCommitRecord(lambda: LambdaClient, functionArn: string, record: CommitRecord): Promise<void> {
  await lambda.send(new TagResourceCommand({ Resource: unqualifiedArn(functionArn), Tags: tagsOfRecord(record) }));
}

export async function readCommitRecord(lambda: LambdaClient, functionArn: string): Promise<CommitRecord | undefined> {
  const answer = await lambda.send(new ListTagsCommand({ Resource: unqualifiedArn(functionArn) }));
  return recordFromTags(answer.Tags);
}

/** The commit `$LATEST` holds, when the record belongs to the code it has now; otherwise unknown. */
export function commitHeldBy(record: CommitRecord | undefined, latestCodeSha256: string): string | undefined {
  return record !== undefined && record.codeSha256 === latestCodeSha256 ? record.commit : undefined;
}

/**
 * The commit `$LATEST` holds while it has `codeSha256`, from the record; what
 * flip and promote describe the version they publish by. Undefined when the
 * record is missing or belongs to other code: a version is then described by
 * its date alone, never by a commit it may not hold.
 */
export async function recordedCommitOf(lambda: LambdaClient, functionName: string, codeSha256: string): Promise<string | undefined> {
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  if (config.FunctionArn === undefined) return undefined;
  return commitHeldBy(await readCommitRecord(lambda, config.FunctionArn), codeSha256);
}
