import type { IAMClient } from "@aws-sdk/client-iam";
import { isThrottling } from "../scan/iam-errors";

/** Requests a client made, counted per attempt. */
export interface RequestCounts {
  /** Attempts the SDK repeated after an error (throttling or transient). */
  readonly retries: number;
  /** Attempts answered with a throttling error. */
  readonly throttled: number;
}

/** Reads the running totals of one client. */
export type RequestCounter = () => RequestCounts;

const counters = new WeakMap<IAMClient, RequestCounter>();

/**
 * Counts the IAM client's retries and throttled attempts with a middleware inside the SDK's retry
 * loop (it sees every attempt, where `$metadata.attempts` only reaches the caller on the last one).
 * Added once per client; the totals run for the client's life, so a scan takes the difference.
 */
export function requestCounter(iam: IAMClient): RequestCounter {
  const existing = counters.get(iam);
  if (existing) return existing;
  let requests = 0;
  let attempts = 0;
  let throttled = 0;
  iam.middlewareStack.add(
    (next) => async (args) => {
      requests += 1;
      return next(args);
    },
    { step: "initialize", priority: "high", name: "keyAgeRequestCount" },
  );
  // The retry middleware is the first of the finalize step: a low-priority one there runs per attempt.
  iam.middlewareStack.add(
    (next) => async (args) => {
      attempts += 1;
      try {
        return await next(args);
      } catch (error) {
        if (isThrottling(error)) throttled += 1;
        throw error;
      }
    },
    { step: "finalizeRequest", priority: "low", name: "keyAgeAttemptCount" },
  );
  const counter: RequestCounter = () => ({ retries: attempts - requests, throttled });
  counters.set(iam, counter);
  return counter;
}
