/**
 * `KEY_USAGE=on`: which keys of a run get a usage line, which need a CloudTrail lookup, and which
 * cached lines are dropped. Pure: the run's stage (handler/monitor/usage-stage.ts) does the I/O.
 */
import { ALERT_STATE_SORT_KEY, ALERT_STATE_TTL_ATTRIBUTE } from "../runtime/aws-contract";
import { idOf, itemKey } from "../alerts/state-keys";

/**
 * The window the function summarises, in days: fixed rather than a setting, long enough to show a
 * monthly job, short enough that a busy key's lookup stays within a run (the CLI's `--days` reaches 90).
 */
export const USAGE_WINDOW_DAYS = 30;

/** A cached line older than this is looked up again: usage changes slowly, CloudTrail's quota is small. */
export const USAGE_CACHE_MAX_AGE_MS = 24 * 3_600_000;

/**
 * Lookups one run may start: each costs at least one `LookupEvents` request per region at 2 a second,
 * so 500 due keys cannot spend the run; the rest get their line on later runs.
 */
export const MAX_USAGE_LOOKUPS_PER_RUN = 10;

/** A cache item outlives a key that stops being flagged by at most this long (DynamoDB's TTL). */
const USAGE_ITEM_TTL_MS = 7 * 86_400_000;

/** One key's cached usage line. */
export interface UsageCacheEntry {
  readonly accessKeyId: string;
  /** The key's user, so an entry of a user the run could not check is kept. */
  readonly userName: string;
  /** The line from formatUsageLine. */
  readonly line: string;
  readonly fetchedAt: Date;
}

/** A key the run's messages name and may show usage for. */
export interface UsageCandidate {
  readonly accessKeyId: string;
  readonly userName: string;
}

/** What {@link planUsageLines} decided. */
export interface UsagePlan {
  /** Lines fresh enough to show as they are, by key. */
  readonly cached: ReadonlyMap<string, string>;
  /** Keys to look up, in priority order, at most the cap. */
  readonly toLookUp: readonly UsageCandidate[];
  /** Keys that need a lookup beyond the cap: no line this run, looked up on a later one. */
  readonly deferred: number;
}

/**
 * Splits the candidates (deactivation notices first, then owner messages; duplicates once) into
 * fresh cache hits and lookups, at most `maxLookups`. A stale line is not shown: it would be older
 * than its own promise of "the last 30 days" by more than a day.
 */
export function planUsageLines(
  candidates: readonly UsageCandidate[],
  cache: readonly UsageCacheEntry[],
  now: Date,
  maxLookups = MAX_USAGE_LOOKUPS_PER_RUN,
): UsagePlan {
  const byKey = new Map(cache.map((entry) => [entry.accessKeyId, entry]));
  const cached = new Map<string, string>();
  const toLookUp: UsageCandidate[] = [];
  const seen = new Set<string>();
  let deferred = 0;
  for (const candidate of candidates) {
    if (seen.has(candidate.accessKeyId)) continue;
    seen.add(candidate.accessKeyId);
    const entry = byKey.get(candidate.accessKeyId);
    const age = entry ? now.getTime() - entry.fetchedAt.getTime() : Number.POSITIVE_INFINITY;
    if (entry && age >= 0 && age < USAGE_CACHE_MAX_AGE_MS) cached.set(candidate.accessKeyId, entry.line);
    else if (toLookUp.length < maxLookups) toLookUp.push(candidate);
    else deferred += 1;
  }
  return { cached, toLookUp, deferred };
}

/**
 * The cached lines to drop, as alert records are: keys no longer flagged, unless their user was left
 * unchecked this run (their keys are unknown, not resolved).
 */
export function staleUsageEntries(
  cache: readonly UsageCacheEntry[],
  flaggedKeyIds: ReadonlySet<string>,
  uncheckedUsers: readonly string[],
): string[] {
  const unchecked = new Set(uncheckedUsers);
  return cache
    .filter((entry) => !flaggedKeyIds.has(entry.accessKeyId) && !unchecked.has(entry.userName))
    .map((entry) => entry.accessKeyId);
}

/** The window of a lookup made at `now`. */
export function usageWindow(now: Date): { readonly from: Date; readonly to: Date } {
  return { from: new Date(now.getTime() - USAGE_WINDOW_DAYS * 86_400_000), to: now };
}

/** The item of a cache entry (without the partition key, which is the account's). */
export function usageToItem(entry: UsageCacheEntry): Record<string, string | number> {
  return {
    [ALERT_STATE_SORT_KEY]: itemKey("usage", entry.accessKeyId),
    userName: entry.userName,
    line: entry.line,
    fetchedAt: entry.fetchedAt.toISOString(),
    [ALERT_STATE_TTL_ATTRIBUTE]: Math.floor((entry.fetchedAt.getTime() + USAGE_ITEM_TTL_MS) / 1000),
  };
}

/** The cache entry of an item; undefined for items of other kinds and items that do not parse. */
export function usageFromItem(item: Readonly<Record<string, unknown>>): UsageCacheEntry | undefined {
  const accessKeyId = idOf(item, "usage");
  const { userName, line } = item;
  const fetchedAt = new Date(String(item.fetchedAt));
  if (accessKeyId === undefined || typeof userName !== "string" || typeof line !== "string") return undefined;
  if (Number.isNaN(fetchedAt.getTime())) return undefined;
  return { accessKeyId, userName, line, fetchedAt };
}
