import type { AccountScanRecord } from "./account-scan-record";
import type { OrganizationAccount } from "./organization-scope";

/**
 * How long a queued message may go unanswered before the dispatcher takes it for lost (dead-lettered
 * after its receives, or expired) and queues the account again: the queue's 3 receives of a 30-minute
 * visibility timeout, and half an hour more.
 */
export const IN_FLIGHT_LIMIT_MS = 2 * 3_600_000;

/** What the dispatcher remembers about an account it queued (the `dispatch#…` items of its own partition). */
export interface DispatchEntry {
  readonly accountId: string;
  /** When its last message was queued. */
  readonly queuedAt: Date;
  /**
   * Since when it has been queued without ever leaving a scan record: an account whose runs all die
   * before recording (its Slack channel refuses, the state table fails) still goes stale.
   * @default undefined: it has a record
   */
  readonly unrecordedSince?: Date;
}

/** What one dispatch does for the accounts in scope. */
export interface DispatchPlan {
  /** Accounts to queue now. */
  readonly toQueue: readonly OrganizationAccount[];
  /** Accounts left out: their last message is still queued or running (no attempt recorded since). */
  readonly inFlight: readonly string[];
  /** The entries to keep, once `toQueue` is queued (accounts that left the scope are dropped). */
  readonly entries: readonly DispatchEntry[];
}

/**
 * Which accounts to queue (pure). An account is in flight, and left out, while its last message has
 * not led to a recorded attempt (the worker records `lastAttemptAt` when it is done with it) and is
 * younger than `inFlightLimitMs`: so a sweep slower than the schedule never grows the queue, and a
 * lost message is replaced once it is surely lost.
 */
export function planDispatch(input: {
  readonly accounts: readonly OrganizationAccount[];
  readonly records: readonly AccountScanRecord[];
  readonly previous: readonly DispatchEntry[];
  readonly now: Date;
  /** @default IN_FLIGHT_LIMIT_MS */
  readonly inFlightLimitMs?: number;
}): DispatchPlan {
  const records = new Map(input.records.map((record) => [record.accountId, record]));
  const previous = new Map(input.previous.map((entry) => [entry.accountId, entry]));
  const now = input.now.getTime();
  const limit = input.inFlightLimitMs ?? IN_FLIGHT_LIMIT_MS;
  const toQueue: OrganizationAccount[] = [];
  const inFlight: string[] = [];
  const entries: DispatchEntry[] = [];
  for (const account of input.accounts) {
    const entry = previous.get(account.id);
    const record = records.get(account.id);
    const unrecordedSince = record ? undefined : (entry?.unrecordedSince ?? input.now);
    const answered = record !== undefined && entry !== undefined && record.lastAttemptAt >= entry.queuedAt;
    if (entry && !answered && now - entry.queuedAt.getTime() < limit) {
      inFlight.push(account.id);
      entries.push({
        accountId: account.id,
        queuedAt: entry.queuedAt,
        ...(unrecordedSince ? { unrecordedSince } : {}),
      });
    } else {
      toQueue.push(account);
      entries.push({ accountId: account.id, queuedAt: input.now, ...(unrecordedSince ? { unrecordedSince } : {}) });
    }
  }
  return { toQueue, inFlight, entries };
}

/**
 * The accounts queued, and never recorded, for longer than `afterMs`: stale like an account whose
 * scans fail, though no scan of theirs ever said so.
 */
export function unrecordedStale(entries: readonly DispatchEntry[], now: Date, afterMs: number): string[] {
  return entries
    .filter((entry) => entry.unrecordedSince && now.getTime() - entry.unrecordedSince.getTime() > afterMs)
    .map((entry) => entry.accountId);
}

/** Entries per `dispatch#<n>` item: about 80 KB of the 400 KB an item may hold. */
export const DISPATCH_ENTRIES_PER_ITEM = 2_000;

/**
 * The entries as item contents, in chunks: `{ accounts: { "<id>": { q, u? } } }`, epoch milliseconds
 * (a worker's attempt and the next dispatch can fall in the same second).
 */
export function dispatchChunks(entries: readonly DispatchEntry[]): Record<string, { q: number; u?: number }>[] {
  const chunks: Record<string, { q: number; u?: number }>[] = [];
  entries.forEach((entry, index) => {
    if (index % DISPATCH_ENTRIES_PER_ITEM === 0) chunks.push({});
    (chunks[chunks.length - 1] as Record<string, { q: number; u?: number }>)[entry.accountId] = {
      q: entry.queuedAt.getTime(),
      ...(entry.unrecordedSince ? { u: entry.unrecordedSince.getTime() } : {}),
    };
  });
  return chunks;
}

/** The entries of a chunk's `accounts` map; entries that do not parse are dropped (the account is queued). */
export function entriesOfChunk(accounts: unknown): DispatchEntry[] {
  if (typeof accounts !== "object" || accounts === null) return [];
  return Object.entries(accounts as Record<string, unknown>).flatMap(([accountId, value]) => {
    const { q, u } = (value ?? {}) as { q?: unknown; u?: unknown };
    if (typeof q !== "number") return [];
    return [
      {
        accountId,
        queuedAt: new Date(q),
        ...(typeof u === "number" ? { unrecordedSince: new Date(u) } : {}),
      },
    ];
  });
}
