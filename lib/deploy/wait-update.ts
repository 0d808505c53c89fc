/**
 * Waits until `$LATEST` has no update in flight. Lambda applies a code
 * update asynchronously: UpdateFunctionCode answers `InProgress`, and only
 * `LastUpdateStatus` tells whether the new code runs (`Successful`) or the
 * update was rolled back (`Failed`).
 */
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import type { Clock } from "../clock";
import { OperationFailed } from "../errors";
import type { Output } from "../output";
import { waitUntil } from "../wait";
import { isSettled, readLatest, updateStatus, type FunctionRef } from "./function-ref";

export interface UpdateWaitOptions {
  /** For progress and the time-out message, e.g. "the update of BostonInfoSkill". */
  what: string;
  timeoutMs: number;
  clock: Clock;
  output: Output;
}

export async function waitForUpdate(ref: FunctionRef, options: UpdateWaitOptions): Promise<FunctionConfiguration> {
  const settled = await waitUntil<FunctionConfiguration>({
    what: options.what,
    timeoutMs: options.timeoutMs,
    clock: options.clock,
    output: options.output,
    // Code updates usually settle within seconds; polling stays gentle on the API's rate limit.
    initialDelayMs: 1000,
    maxDelayMs: 5000,
    poll: async () => {
      const config = await readLatest(ref);
      return { done: isSettled(config), status: updateStatus(config), value: config };
    },
    onTimeout: (last) =>
      new OperationFailed(
        `Gave up waiting for ${options.what} after ${Math.round(options.timeoutMs / 1000)} s; last status: ${last?.status ?? "unknown"}. ` +
          "The update may still finish: run deploy:function again (it waits for it, and uploads nothing if this package is then in place), " +
          "or allow longer with --timeout.",
      ),
  });
  // waitUntil returns the value of the poll that was done, which always carries one.
  return settled as FunctionConfiguration;
}
