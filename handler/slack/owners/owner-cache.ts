/**
 * What the monitor remembers about an owner's address: the Slack member `users.lookupByEmail` found,
 * or that Slack knows nobody by it. Remembered in the alert state, so a steady-state run looks nobody
 * up; pure decisions only, the store is owner-cache-store.ts.
 */

/** One remembered answer of `users.lookupByEmail`. */
export type CachedOwner =
  | {
      /** The address, lowercase. */
      readonly email: string;
      /** The Slack member id. */
      readonly userId: string;
      readonly notFound?: undefined;
      /** When Slack said so. */
      readonly checkedAt: Date;
      /** When the answer is stale and the address is looked up again. */
      readonly expiresAt: Date;
    }
  | {
      readonly email: string;
      readonly userId?: undefined;
      /** Slack knows nobody by this address (`users_not_found`, or a deactivated member). */
      readonly notFound: true;
      readonly checkedAt: Date;
      readonly expiresAt: Date;
    };

/**
 * How long "nobody by this address" is believed, at most: a new hire tagged as an owner before joining
 * Slack is found within a day.
 */
export const NOT_FOUND_CACHE_MS = 24 * 3_600_000;

/** The entry for a member Slack found, kept for `ttlMs` (`SLACK_OWNER_CACHE_TTL`). */
export function foundOwner(email: string, userId: string, now: Date, ttlMs: number): CachedOwner {
  return { email, userId, checkedAt: now, expiresAt: new Date(now.getTime() + ttlMs) };
}

/** The entry for an address Slack does not know, kept for the shorter of `ttlMs` and {@link NOT_FOUND_CACHE_MS}. */
export function ownerNotFound(email: string, now: Date, ttlMs: number): CachedOwner {
  return {
    email,
    notFound: true,
    checkedAt: now,
    expiresAt: new Date(now.getTime() + Math.min(ttlMs, NOT_FOUND_CACHE_MS)),
  };
}

/** The entries still fresh at `now`, by address; stale ones are as good as absent. */
export function freshOwners(entries: ReadonlyMap<string, CachedOwner>, now: Date): Map<string, CachedOwner> {
  return new Map([...entries].filter(([, entry]) => entry.expiresAt.getTime() > now.getTime()));
}
