/**
 * Retry settings of the AWS clients, shared by the function, the CLI and the bench. Endpoint, region
 * and credentials are left to the SDK's own resolution (AWS_REGION, AWS_ENDPOINT_URL, …).
 */
import { type BackoffRetryOptions, BackoffRetryStrategy } from "./backoff-retry-strategy";

/**
 * IAM's backoff, chosen with `npm run bench` (figures in the README): a throttled request waits a
 * random time up to 0.5 s, 1 s, 2 s, … capped at 5 s. Under a sustained request-rate limit about
 * half of all attempts are throttled (more at a high `SCAN_CONCURRENCY`), so a request gets 50
 * attempts (about two minutes at worst) to make a failed scan unlikely; the function's time budget
 * bounds the whole scan anyway. Transient errors get 5 attempts, so an outage fails fast.
 */
export const IAM_BACKOFF: BackoffRetryOptions = {
  maxAttempts: 50,
  maxTransientAttempts: 5,
  throttlingBaseMs: 500,
  transientBaseMs: 100,
  maxDelayMs: 5_000,
};

/**
 * IAM: exponential backoff without the SDK's client-side rate limiter (`adaptive` slows the whole
 * scan several times over when a few requests are throttled at random) and without its retry quota
 * (`standard` fails the scan once a sustained rate limit has used the quota up).
 */
export const IAM_CLIENT_CONFIG = {
  maxAttempts: IAM_BACKOFF.maxAttempts,
  retryStrategy: new BackoffRetryStrategy(IAM_BACKOFF),
} as const;

/** SSM, STS and DynamoDB: a few calls per run. */
export const SUPPORT_CLIENT_CONFIG = { retryMode: "adaptive", maxAttempts: 5 } as const;
