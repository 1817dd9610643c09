import type { StatusCounts } from "../scan/classify";

/** What the monitor remembers about one account's scans (organization mode). */
export interface AccountScanRecord {
  readonly accountId: string;
  /** The account's name in Organizations. @default undefined */
  readonly accountName?: string;
  /** The last attempt, successful or not. */
  readonly lastAttemptAt: Date;
  /** The last successful scan. @default undefined: never scanned successfully */
  readonly lastSuccessAt?: Date;
  /** Keys per status at the last successful scan. @default undefined */
  readonly counts?: Partial<StatusCounts>;
  /** Why the last attempt failed. @default undefined: it succeeded */
  readonly lastError?: string;
  /** Since when the account fails, while it does. @default undefined */
  readonly failingSince?: Date;
  /** When the failure was last announced (first time or reminder). @default undefined */
  readonly failureAnnouncedAt?: Date;
}

/**
 * What one attempt at an account gave. A failure the run already told Slack about (`told`: a scan
 * that ran out of time posted what it found and named the users it could not check) is recorded like
 * any failure, so the account counts as failing and goes stale, but is not announced a second time.
 */
export type AccountScanOutcome =
  | { readonly ok: true; readonly counts: Partial<StatusCounts> }
  | { readonly ok: false; readonly error: string; readonly told?: true };

/** Why an account's status is announced. */
export type AccountAnnouncementKind = "failure" | "reminder" | "resolved";

/** The next record and the announcement to make first (the record is written once Slack accepted it). */
export interface AccountScanPlan {
  readonly record: AccountScanRecord;
  readonly announce?: AccountAnnouncementKind;
}

/**
 * Plans an account's record after an attempt, with the alert semantics of a key: a failure is
 * announced once, again every `remindEveryMs` while it lasts, and its end is announced as resolved.
 */
export function planAccountScan(
  previous: AccountScanRecord | undefined,
  account: { readonly id: string; readonly name?: string },
  outcome: AccountScanOutcome,
  now: Date,
  remindEveryMs: number,
): AccountScanPlan {
  const base = {
    accountId: account.id,
    ...((account.name ?? previous?.accountName) ? { accountName: account.name ?? previous?.accountName } : {}),
    lastAttemptAt: now,
  };
  if (outcome.ok) {
    const record: AccountScanRecord = { ...base, lastSuccessAt: now, counts: outcome.counts };
    return previous?.failureAnnouncedAt ? { record, announce: "resolved" } : { record };
  }
  const failing = {
    ...base,
    ...(previous?.lastSuccessAt ? { lastSuccessAt: previous.lastSuccessAt } : {}),
    ...(previous?.counts ? { counts: previous.counts } : {}),
    lastError: outcome.error,
    failingSince: previous?.failingSince ?? now,
  };
  const announcedAt = previous?.failureAnnouncedAt;
  if (outcome.told) return { record: { ...failing, ...(announcedAt ? { failureAnnouncedAt: announcedAt } : {}) } };
  if (!announcedAt) return { record: { ...failing, failureAnnouncedAt: now }, announce: "failure" };
  if (now.getTime() - announcedAt.getTime() >= remindEveryMs) {
    return { record: { ...failing, failureAnnouncedAt: now }, announce: "reminder" };
  }
  return { record: { ...failing, failureAnnouncedAt: announcedAt } };
}
