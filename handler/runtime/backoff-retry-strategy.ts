import type { IAMClientConfig } from "@aws-sdk/client-iam";

/** The SDK's retry-strategy interface (v2), taken from the client's own config type. */
type RetryStrategyV2 = Extract<NonNullable<IAMClientConfig["retryStrategy"]>, { recordSuccess: unknown }>;
type SdkRetryToken = Awaited<ReturnType<RetryStrategyV2["acquireInitialRetryToken"]>>;
/** The SDK's token, plus how many of the retries were after a transient error. */
type RetryToken = SdkRetryToken & { readonly transientRetries?: number };
type RetryErrorInfo = Parameters<RetryStrategyV2["refreshRetryTokenForRetry"]>[1];

/** Options of {@link BackoffRetryStrategy}. */
export interface BackoffRetryOptions {
  /** Attempts per request while it is throttled, the first included. */
  readonly maxAttempts: number;
  /**
   * Attempts per request when errors are transient (timeouts, 5xx, connection resets): fewer, so an
   * outage fails the scan quickly instead of waiting out every throttling attempt.
   */
  readonly maxTransientAttempts: number;
  /** Base of the exponential backoff after a throttling error, in ms. */
  readonly throttlingBaseMs: number;
  /** Base of the exponential backoff after a transient error (timeout, 5xx, connection reset), in ms. */
  readonly transientBaseMs: number;
  /** No single wait is longer than this, in ms. */
  readonly maxDelayMs: number;
  /** Random number in [0, 1) for the jitter. @default Math.random */
  readonly random?: () => number;
}

function token(retryCount: number, delayMs: number, transientRetries = 0): RetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => delayMs, transientRetries };
}

/**
 * Retries throttling and transient errors with capped exponential backoff and full jitter, like the
 * SDK's `standard` mode, but without its two features that break a long scan of a throttled account
 * (measured with `npm run bench`, see the README):
 * - no client-side rate limiter (`adaptive` mode): it cuts the send rate by 30% on every throttle and
 *   recovers over seconds, so even 2% of requests throttled at random slow a scan several times over;
 * - no retry quota (`standard` mode): 500 tokens shared by the client, 5 per throttled retry; under a
 *   sustained request-rate limit the quota runs dry and every later throttle fails the scan at once.
 * Each request is still bounded by `maxAttempts`, and the function's scan by its time budget.
 */
export class BackoffRetryStrategy implements RetryStrategyV2 {
  private readonly random: () => number;

  constructor(private readonly options: BackoffRetryOptions) {
    this.random = options.random ?? Math.random;
  }

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const retryCount = previous.getRetryCount() + 1;
    const throttled = errorInfo.errorType === "THROTTLING";
    const transientRetries = (previous.transientRetries ?? 0) + (throttled ? 0 : 1);
    if (
      (!throttled && errorInfo.errorType !== "TRANSIENT") ||
      retryCount >= this.options.maxAttempts ||
      transientRetries >= this.options.maxTransientAttempts
    ) {
      // The middleware rethrows the request's own error when this rejects.
      throw new Error("no retry");
    }
    const base = throttled ? this.options.throttlingBaseMs : this.options.transientBaseMs;
    let delayMs = Math.floor(this.random() * Math.min(this.options.maxDelayMs, base * 2 ** (retryCount - 1)));
    const hintMs = errorInfo.retryAfterHint ? errorInfo.retryAfterHint.getTime() - Date.now() : 0;
    if (hintMs > delayMs) delayMs = Math.min(hintMs, this.options.maxDelayMs);
    return token(retryCount, delayMs, transientRetries);
  }

  recordSuccess(): void {}
}
