/**
 * The commit record on the function, through the real Lambda client and the
 * emulator's TagResource/ListTags, and what flip and promote make of it: a
 * published version names the recorded commit only while the record's hash
 * is $LATEST's.
 */
import { UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { readCommitRecord, recordedCommitOf, writeCommitRecord } from "../../lib/lambda/commit-record";
import { recordFromTags, RECORD_TAGS, unqualifiedArn } from "../../lib/lambda/record-tags";
import { publishLatest } from "../../lib/lambda/publish";
import { recordedCommitResolver } from "../../lib/release/wire";
import { makeZip } from "../../lib/emulators/lambda";
import { FUNCTION_NAME } from "../../lib/emulators/release-world";
import { releaseDeps, within } from "../helpers/release-run";

const COMMIT = "3f9c2a1d0b7e4c5f6a8b9c0d1e2f3a4b5c6d7e8f";

describe("the commit record", () => {
  it("is written in one TagResource on the unqualified ARN and read back", () =>
    within({}, async (world) => {
      const arn = world.lambdaEmu.functionArn(FUNCTION_NAME);
      const sha = world.lambdaEmu.state.get(FUNCTION_NAME).latest.code.sha256;
      await writeCommitRecord(world.lambda, `${arn}:blue`, { commit: COMMIT, codeSha256: sha, committedAt: "2026-11-25T10:00:00.000Z" });
      expect(world.lambdaEmu.calls.of("TagResource")).toHaveLength(1);
      expect(world.lambdaEmu.state.tagsOf(FUNCTION_NAME)).toEqual({
        [RECORD_TAGS.commit]: COMMIT,
        [RECORD_TAGS.codeSha256]: sha,
        [RECORD_TAGS.committedAt]: "2026-11-25T10:00:00.000Z",
      });
      expect(await readCommitRecord(world.lambda, arn)).toEqual({ commit: COMMIT, codeSha256: sha, committedAt: "2026-11-25T10:00:00.000Z" });
    }));

  it("ignores tags that are not a record", () => {
    expect(recordFromTags(undefined)).toBeUndefined();
    expect(recordFromTags({ [RECORD_TAGS.commit]: COMMIT })).toBeUndefined();
    expect(recordFromTags({ [RECORD_TAGS.commit]: "main", [RECORD_TAGS.codeSha256]: "x" })).toBeUndefined();
    expect(unqualifiedArn("arn:aws:lambda:us-east-1:1:function:F:7")).toBe("arn:aws:lambda:us-east-1:1:function:F");
  });

  it("describes the version flip and promote publish when its hash is $LATEST's", () =>
    within({}, async (world) => {
      const sha = world.lambdaEmu.state.get(FUNCTION_NAME).latest.code.sha256;
      await writeCommitRecord(world.lambda, world.lambdaEmu.functionArn(FUNCTION_NAME), { commit: COMMIT, codeSha256: sha });
      const deps = releaseDeps(world, { resolveCommit: recordedCommitResolver(world.lambda, FUNCTION_NAME) });
      const published = await publishLatest(deps, { names: world.names });
      expect(published.description).toMatch(/^\d{4}-\d\d-\d\d commit 3f9c2a1$/);
    }));

  it("is not trusted once $LATEST holds other code: the version is described by its date alone", () =>
    within({ lambda: { updateDurationMs: 0 } }, async (world) => {
      const sha = world.lambdaEmu.state.get(FUNCTION_NAME).latest.code.sha256;
      await writeCommitRecord(world.lambda, world.lambdaEmu.functionArn(FUNCTION_NAME), { commit: COMMIT, codeSha256: sha });
      // Somebody uploads code outside the pipeline: the record now names code $LATEST no longer has.
      await world.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION_NAME, ZipFile: makeZip({ "lambda_function.py": "# by hand\n" }) }));
      const newSha = world.lambdaEmu.state.get(FUNCTION_NAME).latest.code.sha256;
      expect(await recordedCommitOf(world.lambda, FUNCTION_NAME, newSha)).toBeUndefined();
      const deps = releaseDeps(world, { resolveCommit: recordedCommitResolver(world.lambda, FUNCTION_NAME) });
      const published = await publishLatest(deps, { names: world.names });
      expect(published.description).toMatch(/^\d{4}-\d\d-\d\d$/);
    }));

  it("tag operations refuse a qualified ARN, as Lambda does", () =>
    within({}, async (world) => {
      const { ListTagsCommand } = await import("@aws-sdk/client-lambda");
      await expect(world.lambda.send(new ListTagsCommand({ Resource: `${world.lambdaEmu.functionArn(FUNCTION_NAME)}:blue` }))).rejects.toMatchObject({
        name: "InvalidParameterValueException",
      });
    }));
});
