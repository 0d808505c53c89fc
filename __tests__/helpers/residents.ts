import { InvokeCommand } from "@aws-sdk/client-lambda";
import type { Clock } from "../../lib/clock";
import type { ReleaseWorld } from "../../lib/emulators/release-world";

/**
 * A fake clock on which the skill's residents keep talking: each sleep
 * advances time at once, and every `everyMs` of it one IntentRequest reaches
 * the live alias through the real Lambda API, as Alexa would send it. The
 * Lambda and CloudWatch emulators read the same clock, so a 2-hour bake
 * takes milliseconds and CloudWatch's delay is measured in the same time.
 */
export interface ResidentsClock extends Clock {
  /** Starts the residents on `world`'s live alias (Alexa calls the alias ARN). */
  talkTo(world: ReleaseWorld, alias: string): void;
  everyMs: number;
  invocations: number;
}

export function residentsClock(options: { everyMs: number; start?: number }): ResidentsClock {
  let now = options.start ?? Date.parse("2026-12-01T09:00:00.000Z");
  let target: { world: ReleaseWorld; alias: string } | undefined;
  let nextAt = now + options.everyMs;
  const clock: ResidentsClock = {
    everyMs: options.everyMs,
    invocations: 0,
    now: () => now,
    talkTo(world, alias) {
      target = { world, alias };
      nextAt = now + clock.everyMs;
    },
    async sleep(ms) {
      const end = now + ms;
      while (target && nextAt <= end) {
        now = nextAt;
        nextAt += clock.everyMs;
        const { world, alias } = target;
        const request = { version: "1.0", request: { type: "IntentRequest", requestId: `r${clock.invocations}`, intent: { name: "TrashDayIntent" } } };
        await world.lambda.send(new InvokeCommand({ FunctionName: `${world.names.functionArn}:${alias}`, Payload: Buffer.from(JSON.stringify(request)) }));
        clock.invocations += 1;
      }
      now = end;
    },
  };
  return clock;
}

/** An even, repeatable spread of draws in [0, 1) for weighted routing (the golden-ratio sequence). */
export function evenDraws(): () => number {
  let i = 0;
  return () => ((++i * 0.6180339887) % 1);
}
