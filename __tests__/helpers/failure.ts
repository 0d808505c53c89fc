import { PipelineError } from "../../lib/errors";

/**
 * The PipelineError a command or step fails with; anything else (or success)
 * fails the test. Its own module, so that the fast tests that use it without
 * the emulators (smapi-fake.ts) do not load them.
 */
export async function failure(promise: Promise<unknown>): Promise<PipelineError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PipelineError) return error;
    throw error;
  }
  throw new Error("expected the command or step to fail");
}
