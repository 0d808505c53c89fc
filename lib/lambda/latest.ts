/**
 * `$LATEST` and the wait for its updates, for every command that deploys or
 * publishes. Lambda applies a code update asynchronously: UpdateFunctionCode
 * answers `InProgress`, and only `LastUpdateStatus` tells whether the new
 * code runs (`Successful`) or the update was rolled back (`Failed`); a version
 * published meanwhile is refused, and one published after a failed update
 * would hold the old code.
 */
import { GetFunctionConfigurationCommand, type FunctionConfiguration, type LambdaClient } from "@aws-sdk/client-lambda";
import type { Clock } from "../clock";
import { OperationFailed, type PipelineError } from "../errors";
import type { Output } from "../output";
import { waitUntil } from "../wait";

/** $LATEST as Lambda reports it. */
export interface LatestCode {
  codeSha256: string;
  revisionId: string;
  lastUpdateStatus: string;
  lastModified: string;
}

/** Whether Lambda accepts a code update or a publish now: no update in flight, not still being created. */
export function isSettled(config: FunctionConfiguration): boolean {
  return config.LastUpdateStatus !== "InProgress" && config.State !== "Pending";
}

/** One line of where an update stands, e.g. `InProgress` or `Failed (KMSAccessDenied)`. */
export function updateStatus(config: FunctionConfiguration): string {
  if (config.State === "Pending") return `function state Pending${config.StateReasonCode ? ` (${config.StateReasonCode})` : ""}`;
  const status = config.LastUpdateStatus ?? "unknown";
  return config.LastUpdateStatusReasonCode ? `${status} (${config.LastUpdateStatusReasonCode})` : status;
}

/** Lambda's updates take seconds; a few minutes means something is stuck. */
export const DEFAULT_UPDATE_TIMEOUT_MS = 5 * 60_000;

export interface SettleOptions {
  functionName: string;
  /** For progress and the time-out message, e.g. "the update of BostonInfoSkill". */
  what: string;
  timeoutMs?: number;
  clock: Clock;
  output: Output;
  /** The read to repeat; deploy:function passes one that explains its errors its own way. */
  read?: () => Promise<FunctionConfiguration>;
  /** What to do about a time-out, appended to its message. */
  onTimeoutAdvice?: string;
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
 * The one poller of `$LATEST`: reads it until no update is in flight and it
 * is no longer being created, and returns that read (Successful or Failed:
 * the caller decides what a failed update means for it).
 */
export async function waitUntilSettled(lambda: LambdaClient, options: SettleOptions): Promise<FunctionConfiguration> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_UPDATE_TIMEOUT_MS;
  const read = options.read ?? (() => lambda.send(new GetFunctionConfigurationCommand({ FunctionName: options.functionName })));
  const settled = await waitUntil<FunctionConfiguration>({
    what: options.what,
    timeoutMs,
    clock: options.clock,
    output: options.output,
    // Code updates usually settle within seconds; polling stays gentle on the API's rate limit.
    initialDelayMs: 1000,
    maxDelayMs: 5000,
    poll: async () => {
      const config = await read();
      return { done: isSettled(config), status: updateStatus(config), value: config };
    },
    onTimeout: (last): PipelineError =>
      new OperationFailed(
        `Gave up waiting for ${options.what} after ${Math.round(timeoutMs / 1000)} s; last status: ${last?.status ?? "unknown"}.` +
          (options.onTimeoutAdvice ? ` ${options.onTimeoutAdvice}` : ""),
      ),
  });
  if (!settled) throw new OperationFailed(`Lambda did not describe ${options.functionName}'s $LATEST.`);
  return settled;
}

/**
 * `$LATEST` once its last update has finished successfully, for publishing.
 * `current` (a read already made) saves a call when it shows a finished update.
 */
export async function waitForLatest(
  deps: { lambda: LambdaClient; output: Output; clock: Clock },
  options: { functionName: string; current?: LatestCode; timeoutMs?: number },
): Promise<LatestCode> {
  // Anything but a finished update is read again: a failed one for its reason.
  if (options.current?.lastUpdateStatus === "Successful") return options.current;
  const fn = await waitUntilSettled(deps.lambda, {
    functionName: options.functionName,
    what: `the update of ${options.functionName}'s $LATEST to finish`,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    clock: deps.clock,
    output: deps.output,
  });
  if (fn.LastUpdateStatus === "Failed") {
    const reason = [fn.LastUpdateStatusReasonCode, fn.LastUpdateStatusReason].filter(Boolean).join(": ");
    throw new OperationFailed(
      `The last update of ${options.functionName}'s $LATEST failed${reason ? ` (${reason})` : ""}, so $LATEST still holds the code from before it. ` +
        "Fix the package and run npm run deploy:function again before publishing.",
    );
  }
  return latestOf(fn);
}
