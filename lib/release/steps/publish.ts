import {
  GetFunctionConfigurationCommand,
  PreconditionFailedException,
  PublishVersionCommand,
  ResourceConflictException,
  InvalidParameterValueException,
  paginateListVersionsByFunction,
} from "@aws-sdk/client-lambda";
import { versionDescription as describeVersion } from "../../deploy/commit";
import { ConcurrentChange, OperationFailed } from "../../errors";
import { waitUntil } from "../../wait";
import { mutate, type ReleaseDeps } from "../deps";
import type { ReleaseNames } from "../model";
import type { LatestCode } from "../read-state";

/**
 * Publishing `$LATEST` as an immutable version: the first step of `promote`
 * and `flip`. Lambda itself makes it idempotent (an unchanged `$LATEST` gives
 * back the version already published), and the CodeSha256 and RevisionId
 * preconditions make sure the version holds exactly the code that was read,
 * not whatever a concurrent `deploy:function` uploaded in between.
 */

/**
 * Under --dry-run nothing is published: this stands for "the version that
 * would be published", and later steps record what they would do with it.
 */
export const PLANNED_VERSION = "(new version)";

export interface PublishedVersion {
  /** The version number, or PLANNED_VERSION under --dry-run. */
  version: string;
  codeSha256: string;
  description: string;
  /** published: a new version; existing: `$LATEST` was unchanged, Lambda gave back that version; planned: --dry-run. */
  outcome: "published" | "existing" | "planned";
}

export type PublishDeps = Pick<ReleaseDeps, "lambda" | "output" | "clock" | "resolveCommit" | "dryRun">;

/** Lambda's updates take seconds; a few minutes means something is stuck. */
export const DEFAULT_UPDATE_TIMEOUT_MS = 5 * 60_000;

export function isPlannedVersion(version: string): boolean {
  return version === PLANNED_VERSION;
}

/** "2026-11-25 commit 3f9c2a1": one format for deploy:function --publish, flip and promote. */
export function versionDescription(at: Date, commit: string | undefined): string {
  return describeVersion(at.getTime(), commit);
}

/** `$LATEST` as a GetFunctionConfiguration (or UpdateFunctionCode) answer describes it. */
export function latestOf(fn: {
  CodeSha256?: string | undefined;
  RevisionId?: string | undefined;
  LastUpdateStatus?: string | undefined;
  LastModified?: string | undefined;
}): LatestCode {
  return {
    codeSha256: fn.CodeSha256 ?? "",
    revisionId: fn.RevisionId ?? "",
    lastUpdateStatus: fn.LastUpdateStatus ?? "Successful",
    lastModified: fn.LastModified ?? "",
  };
}

/**
 * `$LATEST` once its last update has finished: a version published while an
 * update is in progress is refused by Lambda, and one published after a
 * failed update would hold the old code. `current` (a read already made)
 * saves a call when it shows a finished update.
 */
export async function waitForLatest(
  deps: Pick<ReleaseDeps, "lambda" | "output" | "clock">,
  options: { functionName: string; current?: LatestCode; timeoutMs?: number },
): Promise<LatestCode> {
  let reason = "";
  const settled =
    // Anything but a finished update is read again: a failed one for its reason.
    options.current?.lastUpdateStatus === "Successful"
      ? options.current
      : await waitUntil<LatestCode>({
          what: `the update of ${options.functionName}'s $LATEST to finish`,
          timeoutMs: options.timeoutMs ?? DEFAULT_UPDATE_TIMEOUT_MS,
          clock: deps.clock,
          output: deps.output,
          poll: async () => {
            const fn = await deps.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: options.functionName }));
            const latest = latestOf(fn);
            reason = [fn.LastUpdateStatusReasonCode, fn.LastUpdateStatusReason].filter(Boolean).join(": ");
            // A function still being created is Pending and cannot be published either.
            const busy = latest.lastUpdateStatus === "InProgress" || fn.State === "Pending";
            return { done: !busy, status: `LastUpdateStatus ${latest.lastUpdateStatus}${fn.State ? `, State ${fn.State}` : ""}`, value: latest };
          },
        });
  if (!settled) throw new OperationFailed(`Lambda did not describe ${options.functionName}'s $LATEST.`);
  if (settled.lastUpdateStatus === "Failed") {
    throw new OperationFailed(
      `The last update of ${options.functionName}'s $LATEST failed${reason ? ` (${reason})` : ""}, so $LATEST still holds the code from before it. ` +
        "Fix the package and run npm run deploy:function again before publishing.",
    );
  }
  return settled;
}

/** The highest version number published so far (0 when none): PublishVersion gives back exactly this one when `$LATEST` is unchanged. */
export async function lastPublishedVersion(deps: Pick<ReleaseDeps, "lambda">, functionName: string): Promise<{ version: number; codeSha256: string | undefined }> {
  let last = { version: 0, codeSha256: undefined as string | undefined };
  for await (const page of paginateListVersionsByFunction({ client: deps.lambda }, { FunctionName: functionName })) {
    for (const v of page.Versions ?? []) {
      const n = Number(v.Version);
      if (Number.isInteger(n) && n > last.version) last = { version: n, codeSha256: v.CodeSha256 };
    }
  }
  return last;
}

/** A published version's code hash, description and date. */
export async function readVersion(
  deps: Pick<ReleaseDeps, "lambda">,
  options: { functionName: string; version: string },
): Promise<{ version: string; codeSha256: string; description: string; lastModified: string }> {
  const fn = await deps.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: options.functionName, Qualifier: options.version }));
  return { version: options.version, codeSha256: fn.CodeSha256 ?? "", description: fn.Description ?? "", lastModified: fn.LastModified ?? "" };
}

/**
 * Publishes `$LATEST` once its update has finished, described by the date and
 * the commit. `latest` is a settled read to publish from (the caller compared
 * or confirmed it); without it, `$LATEST` is read (and waited for) here.
 * Conflicts (a deploy changed `$LATEST` since the read) are ConcurrentChange:
 * nothing is published from code nobody looked at.
 */
export async function publishLatest(
  deps: PublishDeps,
  options: { names: Pick<ReleaseNames, "functionName">; latest?: LatestCode; timeoutMs?: number },
): Promise<PublishedVersion> {
  const functionName = options.names.functionName;
  const latest = await waitForLatest(deps, {
    functionName,
    ...(options.latest ? { current: options.latest } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const description = versionDescription(new Date(deps.clock.now()), await deps.resolveCommit?.(latest.codeSha256));
  const before = await lastPublishedVersion(deps, functionName);
  const published = await mutate(
    deps,
    `publish $LATEST of ${functionName} as a version (CodeSha256 ${latest.codeSha256}, RevisionId ${latest.revisionId}), described "${description}"`,
    async () => {
      try {
        return await deps.lambda.send(
          new PublishVersionCommand({ FunctionName: functionName, CodeSha256: latest.codeSha256, RevisionId: latest.revisionId, Description: description }),
        );
      } catch (error) {
        throw explainPublishError(error, functionName, latest);
      }
    },
  );
  if (!published) {
    if (before.codeSha256 === latest.codeSha256) {
      deps.output.info(`(version ${before.version} has the same code; Lambda gives it back instead of publishing if $LATEST is unchanged since)`);
    }
    return { version: PLANNED_VERSION, codeSha256: latest.codeSha256, description, outcome: "planned" };
  }
  const version = published.Version ?? "";
  const existing = Number(version) <= before.version;
  deps.output.info(
    existing
      ? `$LATEST is unchanged since it was published: already published as version ${version} ("${published.Description ?? ""}").`
      : `Published $LATEST as version ${version} ("${description}").`,
  );
  return {
    version,
    codeSha256: published.CodeSha256 ?? latest.codeSha256,
    description: published.Description ?? description,
    outcome: existing ? "existing" : "published",
  };
}

function explainPublishError(error: unknown, functionName: string, latest: LatestCode): unknown {
  const changed = (what: string) =>
    new ConcurrentChange(
      `${functionName}'s $LATEST changed after it was read (${what}): a deploy (npm run deploy:function, CodeBuild) probably ran meanwhile. ` +
        "Nothing was published. Run the command again to publish the new code.",
    );
  if (error instanceof PreconditionFailedException) return changed(`RevisionId ${latest.revisionId} is no longer current`);
  if (error instanceof ResourceConflictException) return changed("an update is in progress again");
  if (error instanceof InvalidParameterValueException && /CodeSHA256/i.test(error.message)) return changed(`its code is no longer ${latest.codeSha256}`);
  return error;
}
