import { smapiCall } from "../../smapi/errors";
import { waitUntil } from "../../wait";
import type { ReleaseDeps } from "../deps";

export interface SmapiStatusWait<T> {
  /** What is waited for, e.g. "the rollback to version 3". */
  what: string;
  /** The read, as its failure is explained, e.g. "reading the rollback's status". */
  action: string;
  skillId: string;
  /** One read of the operation's status. */
  read: () => Promise<T>;
  timeoutMs: number;
  /**
   * The statuses that mean "still under way"; default IN_PROGRESS only, so
   * that an answer without a status ends the wait (the caller then reports it).
   */
  pending?: ReadonlyArray<string | undefined>;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Waits for one of Amazon's long-running operations (a rollback, the skill
 * validations, a publication, a simulation): reads its status with backoff,
 * shows it as progress ("in progress"), and gives back the last answer read
 * once the status is no longer pending. Gives up after `timeoutMs`.
 */
export function waitForSmapiStatus<T extends { status?: string | undefined }>(deps: Pick<ReleaseDeps, "clock" | "output">, wait: SmapiStatusWait<T>): Promise<T | undefined> {
  const pending = wait.pending ?? ["IN_PROGRESS"];
  return waitUntil({
    what: wait.what,
    timeoutMs: wait.timeoutMs,
    clock: deps.clock,
    output: deps.output,
    initialDelayMs: wait.initialDelayMs ?? 1000,
    maxDelayMs: wait.maxDelayMs ?? 15_000,
    poll: async () => {
      const now = await smapiCall({ action: wait.action, skillId: wait.skillId }, wait.read);
      return { done: !pending.includes(now.status), status: (now.status ?? "IN_PROGRESS").toLowerCase().replace("_", " "), value: now };
    },
  });
}
