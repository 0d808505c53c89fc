import { ExitCode, InvariantRefusal, OperationFailed, PipelineError } from "../../lib/errors";
import { recordingOutput } from "../../lib/output";
import { waitForSmapiStatus } from "../../lib/release/steps/wait-smapi";
import { retryWhileBusy } from "../../lib/smapi/busy";
import { fakeClock } from "../helpers/fake-clock";
import { failure } from "../helpers/release-run";

/**
 * lib/smapi/busy.ts and lib/release/steps/wait-smapi.ts without I/O: how long
 * a step keeps trying a SMAPI call refused because another one of its kind is
 * running (somebody else's simulation or validation), and how it waits for
 * one of Amazon's long-running operations (a rollback, the validations, a
 * simulation) without taking an unfinished one for its outcome. These are the
 * decisions mutation testing found unobserved; the SMAPI answers have the
 * shape ask-smapi-sdk throws (an Error named "ServiceError" with statusCode
 * and the parsed body as `response`).
 */
function serviceError(statusCode: number, message = "refused"): Error {
  return Object.assign(new Error("Unknown error"), { name: "ServiceError", statusCode, response: { message } });
}

const SKILL = "amzn1.ask.skill.s1";
const context = { action: "starting a simulation on the development stage", skillId: SKILL };

/** A call that fails with `errors` in turn, then answers `value`; counts its calls. */
function scripted<T>(errors: unknown[], value: T): (() => Promise<T>) & { calls: number } {
  const call = Object.assign(
    async () => {
      call.calls += 1;
      const error = errors.shift();
      if (error !== undefined) throw error;
      return value;
    },
    { calls: 0 },
  );
  return call;
}

describe("retryWhileBusy: somebody else's simulation or validation is waited out, a bounded number of times", () => {
  it("tries again after a 409, pausing 2 s then twice as long each time, and returns the answer once accepted", async () => {
    const clock = fakeClock();
    const output = recordingOutput();
    const call = scripted([serviceError(409), serviceError(409), serviceError(409)], "started");
    expect(await retryWhileBusy({ clock, output }, "the simulation", context, call)).toBe("started");
    expect(call.calls).toBe(4);
    expect(clock.sleeps).toEqual([2000, 4000, 8000]);
    expect(output.lines.filter((l) => l.kind === "progress")).toHaveLength(3);
  });

  it("gives up with an OperationFailed (exit 1) after four tries by default, not retrying forever", async () => {
    const clock = fakeClock();
    const call = scripted(Array.from({ length: 10 }, () => serviceError(409)), "never");
    const error = await failure(retryWhileBusy({ clock, output: recordingOutput() }, "the simulation", context, call));
    expect(error).toBeInstanceOf(OperationFailed);
    expect(error.exitCode).toBe(ExitCode.Failed);
    expect(error.message).toMatch(/refused the simulation 4 times/);
    expect(call.calls).toBe(4);
    expect(clock.sleeps).toEqual([2000, 4000, 8000]);
  });

  it("honours the caller's number of tries and first pause", async () => {
    const clock = fakeClock();
    const call = scripted([serviceError(409), serviceError(409), serviceError(409)], "started");
    const error = await failure(retryWhileBusy({ clock, output: recordingOutput() }, "the skill validation", context, call, { attempts: 2, firstDelayMs: 300 }));
    expect(error.message).toMatch(/refused the skill validation 2 times/);
    expect(call.calls).toBe(2);
    expect(clock.sleeps).toEqual([300]);
  });

  it("does not retry any other refusal: it is explained at once with its own exit code (the review lock is a refusal, 3)", async () => {
    for (const [refusal, exitCode] of [
      [serviceError(400, "Invalid request"), ExitCode.Failed],
      [serviceError(403, "The skill is in certification review and is locked."), ExitCode.Refused],
      [serviceError(500, "Internal error"), ExitCode.Failed],
      [new Error("socket hang up"), ExitCode.Failed],
    ] as const) {
      const clock = fakeClock();
      const call = scripted([refusal], "never");
      const error = await failure(retryWhileBusy({ clock, output: recordingOutput() }, "the simulation", context, call));
      expect(error.exitCode).toBe(exitCode);
      // Explained with what was being done: the caller's context reaches the explanation.
      expect(error.message).toContain(context.action);
      expect(call.calls).toBe(1);
      expect(clock.sleeps).toEqual([]);
    }
    const locked = await failure(retryWhileBusy({ clock: fakeClock(), output: recordingOutput() }, "the simulation", context, scripted([serviceError(403, "RESOURCE_LOCKED")], 1)));
    expect(locked).toBeInstanceOf(InvariantRefusal);
    expect(locked.message).toContain(`skill ${SKILL}`);
  });
});

describe("waitForSmapiStatus: an operation's outcome is taken only once it has finished", () => {
  const wait = { what: "the rollback to version 3", action: "reading the rollback's status", skillId: SKILL, timeoutMs: 10 * 60_000 };

  /** Answers the statuses in turn, the last one for ever; each answer says which read it was. */
  function statuses(...list: Array<string | undefined>): () => Promise<{ status?: string; n: number }> {
    let n = 0;
    return async () => {
      const status = list[Math.min(n, list.length - 1)];
      n += 1;
      return { ...(status !== undefined && { status }), n };
    };
  }

  it("keeps reading while IN_PROGRESS and returns the first finished answer, with backoff from 1 s by half, capped at 15 s", async () => {
    const clock = fakeClock();
    const read = statuses(...Array.from({ length: 10 }, () => "IN_PROGRESS"), "SUCCEEDED");
    const done = await waitForSmapiStatus({ clock, output: recordingOutput() }, { ...wait, read });
    expect(done).toEqual({ status: "SUCCEEDED", n: 11 });
    expect(clock.sleeps).toEqual([1000, 1500, 2250, 3375, 5063, 7595, 11393, 15000, 15000, 15000]);
  });

  it("ends at a FAILED answer too: the caller decides what it means", async () => {
    const clock = fakeClock();
    const done = await waitForSmapiStatus({ clock, output: recordingOutput() }, { ...wait, read: statuses("IN_PROGRESS", "FAILED") });
    expect(done).toMatchObject({ status: "FAILED", n: 2 });
  });

  it("by default an answer without a status ends the wait (the caller reports it); a caller may count it as pending", async () => {
    const ended = await waitForSmapiStatus({ clock: fakeClock(), output: recordingOutput() }, { ...wait, read: statuses(undefined, "SUCCESSFUL") });
    expect(ended).toEqual({ n: 1 });

    const clock = fakeClock();
    const output = recordingOutput();
    const waited = await waitForSmapiStatus({ clock, output }, { ...wait, read: statuses(undefined, "IN_PROGRESS", "SUCCESSFUL"), pending: [undefined, "IN_PROGRESS"] });
    expect(waited).toEqual({ status: "SUCCESSFUL", n: 3 });
    // Shown as in progress while SMAPI says nothing.
    expect(output.lines.filter((l) => l.kind === "progress").map((l) => l.text)).toEqual([expect.stringMatching(/^waiting for the rollback to version 3: in progress \(0 s/)]);

    // IN_PROGRESS is pending only when the caller's list says so.
    const custom = await waitForSmapiStatus({ clock: fakeClock(), output: recordingOutput() }, { ...wait, read: statuses("IN_PROGRESS", "SUCCESSFUL"), pending: ["QUEUED"] });
    expect(custom).toEqual({ status: "IN_PROGRESS", n: 1 });
  });

  it("uses the caller's pauses", async () => {
    const clock = fakeClock();
    await waitForSmapiStatus({ clock, output: recordingOutput() }, { ...wait, read: statuses("IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"), initialDelayMs: 500, maxDelayMs: 600 });
    expect(clock.sleeps).toEqual([500, 600, 600]);
  });

  it("gives up at the time limit with an OperationFailed, never returning an unfinished answer", async () => {
    const clock = fakeClock();
    const error = await failure(waitForSmapiStatus({ clock, output: recordingOutput() }, { ...wait, timeoutMs: 5000, read: statuses("IN_PROGRESS") }));
    expect(error).toBeInstanceOf(OperationFailed);
    expect(error.message).toMatch(/^Gave up waiting for the rollback to version 3 after 5 s; last status: in progress\./);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it("explains a failed read with what was being read (a 404 is a usage error, 2), and does not retry it", async () => {
    const clock = fakeClock();
    const read = scripted([serviceError(404, "Not found")], { status: "SUCCEEDED" });
    const error = await failure(waitForSmapiStatus({ clock, output: recordingOutput() }, { ...wait, read }));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.exitCode).toBe(ExitCode.Usage);
    expect(error.message).toContain(`could not find skill ${SKILL} while reading the rollback's status`);
    expect(read.calls).toBe(1);
  });
});
