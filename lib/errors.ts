/**
 * Typed errors and the exit codes of DESIGN.md's command contract. Commands
 * throw these; the one top-level handler in lib/cli.ts maps them to
 * `process.exitCode` and a message a person can act on.
 */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  Refused: 3,
  Conflict: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class PipelineError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Exit 1: a remote operation failed or a check did not pass. */
export class OperationFailed extends PipelineError {
  constructor(message: string) {
    super(message, ExitCode.Failed);
  }
}

/** Exit 2: bad arguments or configuration; nothing was changed. */
export class UsageError extends PipelineError {
  constructor(message: string) {
    super(message, ExitCode.Usage);
  }
}

/** Exit 3: an invariant of the release model refuses the operation. */
export class InvariantRefusal extends PipelineError {
  constructor(message: string) {
    super(message, ExitCode.Refused);
  }
}

/** Exit 4: somebody else changed the same thing concurrently. */
export class ConcurrentChange extends PipelineError {
  constructor(message: string) {
    super(message, ExitCode.Conflict);
  }
}

/** The same kind of error (class and exit code) with another message: to add what a caller knows. */
export function rephrased(error: PipelineError, message: string): PipelineError {
  // Every subclass takes its message alone; the base class takes the exit code too.
  if (error.constructor === PipelineError) return new PipelineError(message, error.exitCode);
  return new (error.constructor as new (message: string) => PipelineError)(message);
}
