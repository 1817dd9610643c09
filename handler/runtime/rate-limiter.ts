/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Requests started per second, at most (in any one-second window). */
  readonly perSecond: number;
  /** The clock, in ms. @default Date.now */
  readonly now?: () => number;
  /** Waits `ms`, or less when `signal` aborts. @default a timer */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Spaces request starts evenly. */
export interface RateLimiter {
  /** Resolves when the next request may start: true, or false when `signal` aborted first. */
  acquire(signal?: AbortSignal): Promise<boolean>;
}

/**
 * A limiter that starts requests at least `1000 / perSecond` ms apart, so no one-second window holds
 * more than `perSecond` of them. Even spacing rather than a burst: Security Hub's quota is per account
 * and region, shared with every other writer (Prowler, the AWS integrations), so bursts only buy throttling.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (!(options.perSecond > 0)) throw new Error(`perSecond must be positive, not ${options.perSecond}`);
  const intervalMs = 1000 / options.perSecond;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  let nextStart = Number.NEGATIVE_INFINITY;
  return {
    async acquire(signal) {
      if (signal?.aborted) return false;
      const start = Math.max(now(), nextStart);
      // Reserve the slot before waiting, so concurrent callers queue behind each other.
      nextStart = start + intervalMs;
      const waitMs = start - now();
      if (waitMs > 0) await sleep(waitMs, signal);
      return !signal?.aborted;
    },
  };
}

/** Waits `ms`, resolving early when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
