/**
 * The retry loop of a hand-written AWS client (see handler/security-hub/security-hub-http.ts): the same
 * {@link BackoffRetryStrategy} the SDK clients are configured with decides whether and how long to wait,
 * so a request retries exactly as it would through the SDK's retry middleware. Unlike that middleware,
 * the wait between attempts ends as soon as the signal aborts.
 */
import { type BackoffRetryOptions, BackoffRetryStrategy } from "./backoff-retry-strategy";
import { abortableSleep } from "./rate-limiter";

/** How the SDK's retry middleware classifies a failed attempt (only the first two are retried here). */
export type RetryErrorType = "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR";

/** What the loop needs to know about a failed attempt. */
export interface RetryErrorInfo {
  readonly errorType: RetryErrorType;
  /** The server's `Retry-After`, as a time. @default none */
  readonly retryAfterHint?: Date;
}

/** Options of {@link retryWithBackoff}. */
export interface RetryWithBackoffOptions {
  /** Attempts, bases and cap of the backoff (`SECURITY_HUB_BACKOFF`, say). */
  readonly backoff: BackoffRetryOptions;
  /** Classifies a failed attempt's error. */
  readonly classify: (error: unknown) => RetryErrorInfo;
  /** Stops retrying: no attempt starts and no wait goes on after it fires. @default none */
  readonly signal?: AbortSignal;
  /** Waits between attempts; tests pass a fake. @default a timer that ends early when the signal aborts */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Thrown when the signal fired before or between attempts (an attempt in flight rejects with fetch's own error). */
export class RequestAbortedError extends Error {
  constructor(reason: unknown) {
    super("the request was stopped by its abort signal", { cause: reason });
    this.name = "AbortError";
  }
}

/**
 * Runs `attempt` until it succeeds, the strategy refuses another retry (the last error is thrown, as the
 * SDK does), or the signal aborts. `attempt` gets the attempt's number, from 1.
 */
export async function retryWithBackoff<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryWithBackoffOptions,
): Promise<T> {
  const strategy = new BackoffRetryStrategy(options.backoff);
  const sleep = options.sleep ?? abortableSleep;
  const signal = options.signal;
  let token = await strategy.acquireInitialRetryToken();
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    if (signal?.aborted) throw new RequestAbortedError(signal.reason);
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      // An attempt cut short by the signal is not a failure of the service: never retried.
      if (signal?.aborted) throw error;
      const info = options.classify(error);
      try {
        token = await strategy.refreshRetryTokenForRetry(token, info);
      } catch {
        throw error;
      }
      await sleep(token.getRetryDelay(), signal);
    }
  }
}
