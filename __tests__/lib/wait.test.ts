import { OperationFailed } from "../../lib/errors";
import { recordingOutput } from "../../lib/output";
import { waitUntil } from "../../lib/wait";
import { fakeClock } from "../helpers/fake-clock";

describe("waitUntil", () => {
  it("polls with backoff until done and shows progress when the status changes", async () => {
    const clock = fakeClock();
    const output = recordingOutput();
    const statuses = ["IN_PROGRESS", "IN_PROGRESS", "BUILDING", "SUCCEEDED"];
    const value = await waitUntil({
      what: "the build", timeoutMs: 60_000, clock, output, initialDelayMs: 1000,
      poll: async () => {
        const status = statuses.shift() as string;
        return { done: status === "SUCCEEDED", status, value: status };
      },
    });
    expect(value).toBe("SUCCEEDED");
    expect(clock.sleeps).toEqual([1000, 1500, 2250]);
    expect(output.lines.map((l) => l.text)).toEqual([
      "waiting for the build: IN_PROGRESS (0 s of 60 s)",
      "waiting for the build: BUILDING (3 s of 60 s)",
    ]);
  });

  it("gives up at the limit with the last status", async () => {
    const clock = fakeClock();
    await expect(
      waitUntil({ what: "the build", timeoutMs: 10_000, clock, poll: async () => ({ done: false, status: "IN_PROGRESS" }) }),
    ).rejects.toThrow(new OperationFailed("Gave up waiting for the build after 10 s; last status: IN_PROGRESS."));
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
  });
});
