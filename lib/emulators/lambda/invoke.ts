/**
 * What an invocation runs: a handler the test supplies (or a tiny Alexa skill),
 * and the way Lambda reports a function error: HTTP 200, `X-Amz-Function-Error:
 * Unhandled`, and the runtime's error document as the payload (Python's shape
 * for Python runtimes, since the real skill is Python; Node's otherwise).
 */

export interface InvokeContext {
  functionName: string;
  /** As the caller addressed it: undefined (unqualified), `$LATEST`, a version or an alias. */
  qualifier: string | undefined;
  /** The version that ran: `$LATEST` or a number, after alias routing. */
  resolvedVersion: string;
  codeSha256: string;
  /** The zip that ran, for handlers that decide by the package's contents. */
  code: Buffer;
  payload: unknown;
  requestId: string;
}

export type InvokeHandler = (ctx: InvokeContext) => unknown | Promise<unknown>;

/** Returned (not thrown) by a handler to fail the invocation with a chosen error. */
export class FunctionErrorResult {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly stackTrace: string[] = [],
  ) {}
}

export function functionError(errorMessage: string, errorType = "Exception", stackTrace: string[] = []): FunctionErrorResult {
  return new FunctionErrorResult(errorType, errorMessage, stackTrace);
}

export interface InvokeOutcome {
  payload: Buffer;
  functionError?: "Unhandled";
  log: string;
}

export async function runHandler(handler: InvokeHandler, ctx: InvokeContext, runtime: string): Promise<InvokeOutcome> {
  const start = `START RequestId: ${ctx.requestId} Version: ${ctx.resolvedVersion}\n`;
  const end = `END RequestId: ${ctx.requestId}\nREPORT RequestId: ${ctx.requestId}\tDuration: 1.00 ms\t` +
    "Billed Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n";
  let result: unknown;
  try {
    result = await handler(ctx);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    result = new FunctionErrorResult(e.name, e.message, (e.stack ?? "").split("\n").slice(1).map((l) => l.trim()));
  }
  if (result instanceof FunctionErrorResult) {
    const doc = errorDocument(result, runtime, ctx.requestId);
    const line = `[ERROR] ${result.errorType}: ${result.errorMessage}\n`;
    return { payload: Buffer.from(JSON.stringify(doc)), functionError: "Unhandled", log: start + line + end };
  }
  // A handler that returns nothing answers `null`, as the runtimes do.
  return { payload: Buffer.from(JSON.stringify(result ?? null)), log: start + end };
}

function errorDocument(e: FunctionErrorResult, runtime: string, requestId: string): Record<string, unknown> {
  if (runtime.startsWith("python")) {
    return { errorMessage: e.errorMessage, errorType: e.errorType, requestId, stackTrace: e.stackTrace };
  }
  return { errorType: e.errorType, errorMessage: e.errorMessage, trace: e.stackTrace };
}

/** Lambda's X-Amz-Log-Result: the last 4 KB of the log, base64. */
export function logTail(log: string): string {
  const bytes = Buffer.from(log, "utf8");
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString("base64");
}

interface AlexaEnvelope {
  version?: string;
  request?: { type?: string; intent?: { name?: string } };
}

/**
 * The default handler: a minimal Alexa skill. LaunchRequest and IntentRequest
 * get a well-formed speech response, SessionEndedRequest an empty one, and a
 * payload that is not an Alexa request fails as the Python skill would (KeyError).
 */
export const alexaSkillHandler: InvokeHandler = ({ payload }) => {
  const envelope = (payload ?? {}) as AlexaEnvelope;
  const type = envelope.request?.type;
  if (typeof type !== "string") return functionError("'request'", "KeyError");
  if (type === "SessionEndedRequest") return { version: "1.0", response: {} };
  const text =
    type === "LaunchRequest"
      ? "Welcome to Boston Info. What would you like to know?"
      : `You asked for ${envelope.request?.intent?.name ?? type}.`;
  return {
    version: "1.0",
    sessionAttributes: {},
    response: {
      outputSpeech: { type: "PlainText", text },
      reprompt: { outputSpeech: { type: "PlainText", text: "What would you like to know?" } },
      shouldEndSession: false,
    },
  };
};
