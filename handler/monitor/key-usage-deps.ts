/**
 * The `KEY_USAGE=on` edge of a single-account run: the cache on the account's partition (from its one
 * read), CloudTrail lookups in the function's region and us-east-1, and a stop signal from the
 * invocation's time left.
 */
import type { AccountPartition } from "../alerts/account-state-store";
import { DELIVERY_MARGIN_MS } from "../scan/scan-budget";
import { LOOKUP_EVENTS_PER_SECOND } from "../usage/lookup-key-events";
import { createRequestRateLimiter, type RequestRateLimiter } from "../usage/request-rate-limiter";
import { usageFromItem } from "../usage/usage-cache";
import { lookupUsageLine, usageRegions } from "../usage/usage-line-lookup";
import type { KeyUsageDeps } from "./usage-stage";

/**
 * The most of a run the lookups may take. The enforcement message and the owners' direct messages
 * come after them and are what matters; a line is only their garnish.
 */
export const USAGE_STAGE_MAX_MS = 60_000;

/** Options of {@link keyUsageDeps}. */
export interface KeyUsageDepsOptions {
  /** The account's partition of the state table (its items are read once per run). */
  readonly partition: AccountPartition;
  /** The function's region (`AWS_REGION`). @default us-east-1 only */
  readonly region?: string;
  /** The invocation's time left (Lambda's `getRemainingTimeInMillis`). @default no deadline */
  readonly remainingTimeMs?: () => number;
  /** The clock. @default Date.now */
  readonly clock?: () => number;
}

/** The run's `keyUsage` dependency: build one per run, so the limiters and the stage's clock are the run's. */
export function keyUsageDeps(options: KeyUsageDepsOptions): KeyUsageDeps {
  const clock = options.clock ?? Date.now;
  const regions = usageRegions(options.region);
  const limiters = new Map<string, RequestRateLimiter>();
  const limiterFor = (region: string): RequestRateLimiter => {
    let limiter = limiters.get(region);
    if (!limiter) {
      limiter = createRequestRateLimiter({ requests: LOOKUP_EVENTS_PER_SECOND, windowMs: 1_000 });
      limiters.set(region, limiter);
    }
    return limiter;
  };
  let startedAt: number | undefined;
  // Stop with twice the delivery margin left: enforcement and the owners still need theirs.
  const stopStarting = (): boolean => {
    startedAt ??= clock();
    const remaining = options.remainingTimeMs?.();
    return clock() - startedAt >= USAGE_STAGE_MAX_MS || (remaining !== undefined && remaining < 2 * DELIVERY_MARGIN_MS);
  };
  return {
    load: async () =>
      (await options.partition.items()).flatMap((item) => {
        const entry = usageFromItem(item);
        return entry ? [entry] : [];
      }),
    write: (writes) => options.partition.write(writes),
    lookup: (candidate, now, stopped) => lookupUsageLine({ ...candidate, regions, now, stopped, limiterFor }),
    stopStarting,
  };
}
