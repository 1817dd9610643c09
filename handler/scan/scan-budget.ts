import { userNameSet } from "./user-names";

/**
 * Time kept back from the scan for what must follow it: rendering, Slack delivery (whose own retries
 * are bounded by the remaining time) and the alert-state writes.
 */
export const DELIVERY_MARGIN_MS = 30_000;

/** How long before its own end the scan stops starting users, so that users in flight can finish. */
export const IN_FLIGHT_ALLOWANCE_MS = 10_000;

/**
 * Unchecked users remembered for the next run (the alert-state item stays well under DynamoDB's 400 KB
 * item limit); users beyond it are checked in listing order, after the remembered ones.
 */
export const UNCHECKED_REMEMBERED_LIMIT = 3_000;

/** Unchecked users a message or an error names one by one; the rest are counted. */
export const UNCHECKED_NAMED_LIMIT = 10;

/** When a scan must stop. */
export interface ScanBudget {
  /** True once the scan should start no further user: the users not started are left unchecked. */
  stopStarting(): boolean;
  /** Milliseconds until the scan must have stopped; requests still in flight then are abandoned. */
  msUntilStop(): number;
}

/** Options of {@link scanBudget}. */
export interface ScanBudgetOptions {
  /** The invocation's remaining time when the budget is made (Lambda's `getRemainingTimeInMillis()`). */
  readonly remainingTimeMs: number;
  /** The clock, in milliseconds. */
  readonly now: () => number;
  /** Kept back for delivery. @default DELIVERY_MARGIN_MS */
  readonly deliveryMarginMs?: number;
  /** Kept back for the users in flight when the scan stops starting new ones. @default IN_FLIGHT_ALLOWANCE_MS */
  readonly inFlightAllowanceMs?: number;
}

/**
 * The scan's time budget: the scan must stop `deliveryMarginMs` before the invocation ends, and
 * starts no user in the last `inFlightAllowanceMs` before that. Pure: the clock is an argument.
 * With less time than the margin, the scan starts no user at all and everything is left unchecked.
 */
export function scanBudget(options: ScanBudgetOptions): ScanBudget {
  const startedAt = options.now();
  const stopAt = startedAt + options.remainingTimeMs - (options.deliveryMarginMs ?? DELIVERY_MARGIN_MS);
  const stopStartingAt = stopAt - (options.inFlightAllowanceMs ?? IN_FLIGHT_ALLOWANCE_MS);
  return {
    stopStarting: () => options.now() >= stopStartingAt,
    msUntilStop: () => Math.max(0, stopAt - options.now()),
  };
}

/** A budget that never runs out (the CLI, and a handler invoked without a Lambda context). */
export const UNLIMITED_BUDGET: ScanBudget = {
  stopStarting: () => false,
  msUntilStop: () => Number.POSITIVE_INFINITY,
};

/**
 * The order in which to check users: those the previous run left unchecked first (in that order, if
 * they still exist), then the rest in listing order. A throttled account is so covered within a
 * bounded number of runs: each run checks at least the users it reaches, and the ones it could not
 * reach go first next time.
 */
export function checkOrder(listed: readonly string[], uncheckedBefore: readonly string[]): string[] {
  const exists = new Set(listed);
  const first = [...new Set(uncheckedBefore)].filter((userName) => exists.has(userName));
  const firstSet = new Set(first);
  return [...first, ...listed.filter((userName) => !firstSet.has(userName))];
}

/** Users named one by one, and how many more there are. */
export interface NamedUsers {
  /** The first names, sorted. */
  readonly named: readonly string[];
  /** How many are not named. */
  readonly more: number;
}

/** The first `limit` of `users` (sorted) and the count of the rest. */
export function firstNames(users: readonly string[], limit = UNCHECKED_NAMED_LIMIT): NamedUsers {
  const sorted = [...users].sort();
  return { named: sorted.slice(0, limit), more: Math.max(0, sorted.length - limit) };
}

/** `alice, bob and 3 more`: names and a count, for a log line or an error message. */
export function describeUsers(users: readonly string[], limit = UNCHECKED_NAMED_LIMIT): string {
  const { named, more } = firstNames(users, limit);
  return `${named.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}

/** Thrown after delivery when the scan stopped on its budget: the run fails so the alarm fires. */
export class ScanIncompleteError extends Error {
  /** The users the scan could not check. */
  readonly uncheckedUsers: readonly string[];

  constructor(uncheckedUsers: readonly string[]) {
    super(
      `The scan ran out of time before checking ${uncheckedUsers.length} user${uncheckedUsers.length === 1 ? "" : "s"} ` +
        `(${describeUsers(uncheckedUsers)}); what it found was posted, and the next run checks these users first`,
    );
    this.name = "ScanIncompleteError";
    this.uncheckedUsers = uncheckedUsers;
  }
}

/**
 * The alert records the plan may act on: records of users the scan did not check are left out, so
 * they are neither resolved nor reminded, and stay in the table untouched until a run checks them.
 */
export function recordsOfCheckedUsers<T extends { readonly userName: string }>(
  records: readonly T[],
  uncheckedUsers: readonly string[],
): T[] {
  if (uncheckedUsers.length === 0) return [...records];
  // An unchecked watched user is named as WATCH_USERS spells it; records carry IAM's spelling.
  const unchecked = userNameSet(uncheckedUsers);
  return records.filter((record) => !unchecked.has(record.userName));
}
