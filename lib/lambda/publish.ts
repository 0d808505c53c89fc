import {
  GetFunctionConfigurationCommand,
  PreconditionFailedException,
  PublishVersionCommand,
  ResourceConflictException,
  InvalidParameterValueException,
  paginateListVersionsByFunction,
} from "@aws-sdk/client-lambda";
import { versionDescription } from "./commit";
import { ConcurrentChange } from "../errors";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { Clock } from "../clock";
import { mutate, type DryRunPlan } from "../dry-run";
import type { Output } from "../output";
import { waitForLatest, type LatestCode } from "./latest";

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

export interface PublishDeps {
  lambda: LambdaClient;
  output: Output;
  clock: Clock;
  /** The skill commit that code with this hash was built from (the commit record), for the version's description. */
  resolveCommit?: ((codeSha256: string) => Promise<string | undefined>) | undefined;
  dryRun?: DryRunPlan | undefined;
}

export function isPlannedVersion(version: string): boolean {
  return version === PLANNED_VERSION;
}


/** The highest version number published so far (0 when none): PublishVersion gives back exactly this one when `$LATEST` is unchanged. */
export async function lastPublishedVersion(deps: { lambda: LambdaClient }, functionName: string): Promise<{ version: number; codeSha256: string | undefined }> {
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
  deps: { lambda: LambdaClient },
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
  options: { names: { functionName: string }; latest?: LatestCode; timeoutMs?: number },
): Promise<PublishedVersion> {
  const functionName = options.names.functionName;
  const latest = await waitForLatest(deps, {
    functionName,
    ...(options.latest ? { current: options.latest } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const description = versionDescription(deps.clock.now(), await deps.resolveCommit?.(latest.codeSha256));
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
