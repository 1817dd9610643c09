/**
 * Slack's rate limits as the fake Web API enforces them: per method per workspace, a number of calls
 * in any sliding minute (the tiers of https://api.slack.com/apis/rate-limits), and for
 * `chat.postMessage` also per channel, about one message a second with short bursts allowed.
 */

/** Calls per minute per method, by Slack's documented tier. */
export const SLACK_TIER_LIMITS: Readonly<Record<string, number>> = {
  /** Tier 3, "50+ per minute". */
  "users.lookupByEmail": 50,
  /** Tier 3. */
  "conversations.open": 50,
  /** "Special": a workspace-wide limit besides the per-channel one; several hundred per minute. */
  "chat.postMessage": 300,
};

/** Options of {@link createRateLimits}. */
export interface RateLimitOptions {
  /** Calls per window per method; a method not listed is not limited. @default SLACK_TIER_LIMITS */
  readonly perMinute?: Readonly<Record<string, number>>;
  /**
   * The methods' window: Slack's is a minute; a test may shrink it to play minutes in seconds (with
   * 6_000, "50 a minute" is 50 every 6 s). @default 60_000
   */
  readonly windowMs?: number;
  /** Messages to one channel (or member) within `channelWindowMs`. @default 3 */
  readonly perChannel?: number;
  /** @default 3000: about one a second, bursts of three allowed */
  readonly channelWindowMs?: number;
  /**
   * A request that arrives this long after a 429 told the client to wait, and before that wait is
   * over, counts as early: requests already on the wire when the 429 left are not. @default 250
   */
  readonly earlyGraceMs?: number;
}

/** The verdict on one request. */
export type RateVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterS: number };

/** The limits' state: which calls went through when, and which 429s are in force. */
export interface RateLimits {
  /** Admits or refuses a call of `method` (to `channel`, for chat.postMessage) arriving at `at`. */
  check(method: string, channel: string | undefined, at: number): RateVerdict;
  /** 429s answered, per method. */
  readonly limited: Map<string, number>;
  /** Requests that arrived while an earlier 429 on the same method still said to wait, per method. */
  readonly early: Map<string, number>;
  /** Forgets every window and counter. */
  reset(): void;
}

const MINUTE_MS = 60_000;

/** Sliding-window limits with Slack's `Retry-After` (whole seconds, at least 1). */
export function createRateLimits(options: RateLimitOptions = {}): RateLimits {
  const perMinute = options.perMinute ?? SLACK_TIER_LIMITS;
  const perChannel = options.perChannel ?? 3;
  const channelWindowMs = options.channelWindowMs ?? 3_000;
  const earlyGraceMs = options.earlyGraceMs ?? 250;
  const windowMs = options.windowMs ?? MINUTE_MS;
  const windows = new Map<string, number[]>();
  const waits = new Map<string, { issuedAt: number; until: number }>();
  const limited = new Map<string, number>();
  const early = new Map<string, number>();
  const bump = (counter: Map<string, number>, method: string) => counter.set(method, (counter.get(method) ?? 0) + 1);

  const admit = (key: string, limit: number, windowMs: number, at: number): number | undefined => {
    const recent = (windows.get(key) ?? []).filter((time) => time > at - windowMs);
    windows.set(key, recent);
    if (recent.length < limit) return undefined;
    return Math.max(1, Math.ceil(((recent[0] ?? at) + windowMs - at) / 1000));
  };

  return {
    check(method, channel, at) {
      const wait = waits.get(method);
      if (wait && at >= wait.issuedAt + earlyGraceMs && at < wait.until) bump(early, method);
      const limit = perMinute[method];
      const methodWait = limit === undefined ? undefined : admit(method, limit, windowMs, at);
      const channelKey = method === "chat.postMessage" && channel ? `${method} ${channel}` : undefined;
      const channelWait = channelKey ? admit(channelKey, perChannel, channelWindowMs, at) : undefined;
      const retryAfterS = Math.max(methodWait ?? 0, channelWait ?? 0);
      if (retryAfterS > 0) {
        bump(limited, method);
        // Only a workspace-wide wait binds every call of the method; a channel's binds that channel.
        if (methodWait !== undefined) waits.set(method, { issuedAt: at, until: at + methodWait * 1000 });
        return { allowed: false, retryAfterS };
      }
      if (limit !== undefined) windows.get(method)?.push(at);
      if (channelKey) windows.get(channelKey)?.push(at);
      return { allowed: true };
    },
    limited,
    early,
    reset() {
      windows.clear();
      waits.clear();
      limited.clear();
      early.clear();
    },
  };
}
