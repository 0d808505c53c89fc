/**
 * Downloads the code a function holds, through GetFunction's `Code.Location`:
 * a presigned S3 URL valid for about ten minutes. The URL carries a signature,
 * so it is never printed; only the function is named in messages.
 */
import { GetFunctionCommand, type FunctionConfiguration, type LambdaClient } from "@aws-sdk/client-lambda";
import { createHash } from "node:crypto";
import type { Clock } from "../clock";
import { OperationFailed } from "../errors";
import { withRetry, type RetryPolicy } from "../retry";

export interface FunctionCode {
  zip: Buffer;
  /** Base64 SHA-256 of the bytes downloaded, which matched the configuration's CodeSha256. */
  codeSha256: string;
}

export interface GetFunctionResult {
  configuration: FunctionConfiguration;
  /** The presigned URL; undefined for a container image. */
  location: string | undefined;
  tags: Record<string, string> | undefined;
}

export async function getFunction(lambda: LambdaClient, functionName: string): Promise<GetFunctionResult> {
  const answer = await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
  return { configuration: answer.Configuration ?? {}, location: answer.Code?.Location, tags: answer.Tags };
}

const DOWNLOAD_TIMEOUT_MS = 120_000;
const DOWNLOAD_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

class RetryableDownload extends Error {}

/**
 * The zip at `location`, checked against `expectedSha256` (what Lambda says the
 * function holds): a copy that does not match would restore something else.
 * Each attempt has a time limit; network errors, throttling and 5xx are tried
 * again with backoff and jitter.
 */
export async function downloadCode(
  location: string,
  expectedSha256: string,
  options: { functionName: string; clock?: Clock; timeoutMs?: number; policy?: RetryPolicy },
): Promise<FunctionCode> {
  const what = `the code of ${options.functionName} (GetFunction's Code.Location)`;
  const zip = await withRetry(
    async () => {
      let response: Response;
      try {
        response = await fetch(location, { signal: AbortSignal.timeout(options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS) });
      } catch (error) {
        throw new RetryableDownload(`downloading ${what} failed: ${(error as Error).message}`);
      }
      if (response.status === 429 || response.status >= 500) throw new RetryableDownload(`downloading ${what} answered HTTP ${response.status}`);
      if (!response.ok) throw new OperationFailed(`Downloading ${what} answered HTTP ${response.status}; the URL may have expired. Run the command again.`);
      return Buffer.from(await response.arrayBuffer());
    },
    {
      policy: options.policy ?? DOWNLOAD_RETRY,
      ...(options.clock && { clock: options.clock }),
      retryError: (error) => ({ retry: error instanceof RetryableDownload }),
    },
  ).catch((error: unknown) => {
    if (error instanceof RetryableDownload) throw new OperationFailed(`${error.message}, after retries.`);
    throw error;
  });
  const codeSha256 = createHash("sha256").update(zip).digest("base64");
  if (codeSha256 !== expectedSha256) {
    throw new OperationFailed(`The download of ${what} has SHA-256 ${codeSha256}, not ${expectedSha256} as Lambda reports: it changed meanwhile, or the download is corrupt. Run the command again.`);
  }
  return { zip, codeSha256 };
}
