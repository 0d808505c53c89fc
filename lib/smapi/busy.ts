import type { Clock } from "../clock";
import { OperationFailed } from "../errors";
import type { Output } from "../output";
import { explainSmapiError, statusCodeOf } from "./errors";

export interface BusyRetry {
  /** Tries in all, the first included; default 4. */
  attempts?: number;
  /** The first pause; it doubles each time. Default 2 s. */
  firstDelayMs?: number;
}

/**
 * Runs a SMAPI call that Amazon refuses with 409 while another one of its
 * kind is running (simulations, validations): waits and tries again a few
 * times, then gives up with an OperationFailed. Other failures are explained
 * at once.
 */
export async function retryWhileBusy<T>(
  deps: { clock: Clock; output: Output },
  what: string,
  context: { action: string; skillId?: string },
  call: () => Promise<T>,
  retry: BusyRetry = {},
): Promise<T> {
  const attempts = retry.attempts ?? 4;
  let delay = retry.firstDelayMs ?? 2000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw explainSmapiError(error, context);
      if (attempt >= attempts) {
        throw new OperationFailed(
          `SMAPI refused ${what} ${attempts} times because another one was in progress (409): somebody else is testing the skill. ` +
            "Wait for it to finish, then run the command again.",
        );
      }
      deps.output.progress(`another ${what.replace(/^the /, "")} is in progress (409); trying again in ${Math.round(delay / 1000)} s (${attempt} of ${attempts - 1})`);
      await deps.clock.sleep(delay);
      delay *= 2;
    }
  }
}
