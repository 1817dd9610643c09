/**
 * A client-side limit of N requests per window, strict enough that the server never counts more than
 * N requests in any window, whatever the network and the server's own delays.
 *
 * Spacing requests by when they were *sent* is not enough: a request the server is slow to take up
 * is counted later than it was sent, and the next ones, taken up promptly, land in the same second.
 * So each request holds a slot from when it is sent until one window after its answer (when it
 * surely has been counted), and at most N slots are held at once. Any N+1 requests the server counts
 * within one window would all have held their slots at the same moment: impossible. The price is the
 * round trip: with 2 per second and 100 ms answers, a region gets about 1.8 requests a second.
 */

/** Options of {@link createRequestRateLimiter}. */
export interface RequestRateLimiterOptions {
  /** Requests per window. */
  readonly requests: number;
  /** The window, in ms. */
  readonly windowMs: number;
  /** The clock, in ms. @default Date.now */
  readonly now?: () => number;
  /** Waits `ms`. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Runs requests within the limit, in the order they were asked for. */
export interface RequestRateLimiter {
  /** Waits for a slot, then runs `request`; the slot is held until one window after it settles. */
  run<T>(request: () => Promise<T>): Promise<T>;
  /** How long requests have waited for a slot so far, in ms. */
  readonly waitedMs: number;
}

interface Slot {
  /** When the slot is free again: one window after its request settled; Infinity while in flight. */
  freeAt: number;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A limiter of `requests` per `windowMs` (see the module's comment for why slots outlive requests). */
export function createRequestRateLimiter(options: RequestRateLimiterOptions): RequestRateLimiter {
  if (!Number.isInteger(options.requests) || options.requests < 1) {
    throw new RangeError(`requests must be a whole number of at least 1, not ${options.requests}`);
  }
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const held: Slot[] = [];
  let settledWaiters: (() => void)[] = [];
  // One acquisition at a time, so requests get their slots in the order they asked.
  let queue: Promise<unknown> = Promise.resolve();
  let waitedMs = 0;

  async function acquire(): Promise<Slot> {
    const askedAt = now();
    for (;;) {
      const time = now();
      for (let index = held.length - 1; index >= 0; index -= 1) {
        if (held[index].freeAt <= time) held.splice(index, 1);
      }
      if (held.length < options.requests) {
        const slot: Slot = { freeAt: Number.POSITIVE_INFINITY };
        held.push(slot);
        waitedMs += now() - askedAt;
        return slot;
      }
      const soonest = Math.min(...held.map((slot) => slot.freeAt));
      if (Number.isFinite(soonest)) {
        await sleep(soonest - time);
      } else {
        // Every slot is in flight: wait for one to settle, which starts its window.
        await new Promise<void>((resolve) => settledWaiters.push(resolve));
      }
    }
  }

  return {
    async run<T>(request: () => Promise<T>): Promise<T> {
      const turn = queue.then(acquire);
      queue = turn.catch(() => undefined);
      const slot = await turn;
      try {
        return await request();
      } finally {
        slot.freeAt = now() + options.windowMs;
        const waiting = settledWaiters;
        settledWaiters = [];
        for (const wake of waiting) wake();
      }
    },
    get waitedMs() {
      return waitedMs;
    },
  };
}
