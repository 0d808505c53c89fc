export interface AwsClientOptions {
  region: string;
  /** Milliseconds before a request without a response is abandoned (and retried). */
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/**
 * The SDK's own standard retry strategy already does what we need: it
 * retries throttling and 5xx (never other 4xx) with exponential backoff and
 * full jitter. We set the attempts and the timeouts, which default to none.
 * Credentials come from the default chain; AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_LAMBDA are honoured by the SDK itself.
 */
export function awsClientConfig(options: AwsClientOptions) {
  return {
    region: options.region,
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: "standard" as const,
    // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes, and keeps waiting.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: options.requestTimeoutMs ?? 60_000, throwOnRequestTimeout: true },
  };
}
