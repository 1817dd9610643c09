/**
 * Slack's rate limits apply per method per workspace (api.slack.com/apis/rate-limits): users.lookupByEmail
 * is Tier 3, about 50 calls a minute, whoever calls. This limiter keeps the client's own calls of a
 * method within its limit (any sliding minute), and once Slack answers 429 with `Retry-After`, holds
 * every call of that method, not only the one that was refused, until the wait is over.
 */

/** Thrown when a call's turn would come after its deadline: the call was not made. */
export class RateLimitDeadlineError extends Error {
  /** The method that was not called. */
  readonly method: string;
  /** When the call could have started (epoch ms). */
  readonly readyAt: number;

  constructor(method: string, readyAt: number, deadline: number) {
    super(
      `${method} is rate-limited until ${new Date(readyAt).toISOString()}, after this invocation's deadline ` +
        `${new Date(deadline).toISOString()}: not called`,
    );
    this.name = "RateLimitDeadlineError";
    this.method = method;
    this.readyAt = readyAt;
  }
}

/** A per-method limiter: see the module comment. */
export interface MethodRateLimiter {
  /**
   * Waits until `method` may be called, and counts the call. Rejects with {@link RateLimitDeadlineError}
   * at once when that moment lies after `deadline` (epoch ms), without counting it.
   */
  acquire(method: string, deadline?: number): Promise<void>;
  /** Slack said to wait (429 `Retry-After`): no call of `method` starts before `until` (epoch ms). */
  holdUntil(method: string, until: number): void;
  /** When `method` could next start, from now (epoch ms). */
  readyAt(method: string): number;
}

/** Options of {@link createMethodRateLimiter}. */
export interface MethodRateLimiterOptions {
  /** Calls per minute per method; a method not listed has no limit of its own (429s still hold it). */
  readonly perMinute: Readonly<Record<string, number>>;
  /** @default Date.now */
  readonly clock?: () => number;
  /** @default a setTimeout promise */
  readonly sleep?: (ms: number) => Promise<void>;
}

const WINDOW_MS = 60_000;
// Slack counts a call when it arrives, a little after it started here: a slot freed by an old call is
// taken only this much later, so jitter on the wire does not make two calls look like one window.
const SAFETY_MS = 250;
const sleepWithTimer = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A limiter over sliding one-minute windows. Callers of one method are served in order (a chain per
 * method), so a burst of lookups queues instead of racing for the same slot.
 */
export function createMethodRateLimiter(options: MethodRateLimiterOptions): MethodRateLimiter {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? sleepWithTimer;
  const started = new Map<string, number[]>();
  const heldUntil = new Map<string, number>();
  const queues = new Map<string, Promise<unknown>>();

  const readyAt = (method: string): number => {
    const now = clock();
    const limit = options.perMinute[method];
    const recent = (started.get(method) ?? []).filter((at) => at > now - WINDOW_MS - SAFETY_MS);
    started.set(method, recent);
    const windowReady =
      limit !== undefined && recent.length >= limit
        ? (recent[recent.length - limit] ?? now) + WINDOW_MS + SAFETY_MS
        : now;
    return Math.max(now, windowReady, heldUntil.get(method) ?? 0);
  };

  const take = async (method: string, deadline: number | undefined): Promise<void> => {
    for (;;) {
      const at = readyAt(method);
      if (deadline !== undefined && at > deadline) throw new RateLimitDeadlineError(method, at, deadline);
      const wait = at - clock();
      if (wait <= 0) {
        started.get(method)?.push(clock());
        return;
      }
      await sleep(wait);
    }
  };

  return {
    acquire(method, deadline) {
      const turn = (queues.get(method) ?? Promise.resolve()).then(() => take(method, deadline));
      // The next caller waits for this turn, whether it got its slot or gave up.
      queues.set(
        method,
        turn.catch(() => undefined),
      );
      return turn;
    },
    holdUntil(method, until) {
      heldUntil.set(method, Math.max(heldUntil.get(method) ?? 0, until));
    },
    readyAt,
  };
}
