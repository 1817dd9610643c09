import {
  FLAGGED_STATUSES,
  SEVERITY_ORDER,
  type Classification,
  type KeyFinding,
  type KeyStatus,
} from "../scan/classify";
import { ROOT_USER_NAME } from "../scan/inventory";
import { userNameSet } from "../scan/user-names";

/** The statuses that are alerted (and so remembered). */
export type AlertStatus = "exposed" | "critical" | "warning" | "unused";

/** What the monitor remembers about one announced key (one item of the alert-state table). */
export interface AlertRecord {
  /** The key; the table's hash key. */
  readonly accessKeyId: string;
  /** The key's user, for the resolution message of a key that no longer exists. */
  readonly userName: string;
  /** The status last announced, or the milder one the key has improved to since. */
  readonly status: AlertStatus;
  /** When the key was last announced (new, worse or reminder). */
  readonly announcedAt: Date;
  /** When the key was first announced in this stretch of being bad. */
  readonly since: Date;
  /** The event of the run that last announced it; a redelivery of that event announces nothing again. @default undefined */
  readonly eventId?: string;
  /** When the table's TTL may drop the record; a record past it counts as absent. */
  readonly expiresAt: Date;
  /** Direct messages to the key's owners (Slack app). @default undefined: no owner was messaged */
  readonly owners?: OwnerDeliveryState;
  /** The key's account, in organization mode. @default undefined: the function's own account */
  readonly accountId?: string;
  /**
   * True once an AWS Health exposure event named the key: it stays exposed while it exists and is
   * active, with or without AWS's quarantine policy (a later scheduled run has no event to go by).
   * @default undefined
   */
  readonly exposedByEvent?: true;
}

/**
 * Which owners were told about a key by direct message. The alert semantics hold per recipient: an
 * owner whose message failed is `pending` and is messaged again on the next run, while the channel,
 * which did accept its message, is not.
 */
export interface OwnerDeliveryState {
  /** The owners' addresses, so that a resolution reaches them even after the key (and its tags) is gone. */
  readonly emails: readonly string[];
  /** Those whose last message failed. @default undefined: everyone was told */
  readonly pending?: readonly string[];
  /** What the failed message announced. @default undefined: nothing pending */
  readonly pendingKind?: AnnouncementKind;
}

/** Why an announcement is made. */
export type AnnouncementKind = "new" | "worse" | "reminder" | "resolved";

/** Why an announced key no longer needs attention. */
export type ResolutionReason =
  /** The key is gone: deleted or rotated, or its user was deleted. */
  | "deleted"
  /** The key was made inactive. */
  | "deactivated"
  /** The user got a `key-age:exempt-until` date. */
  | "exempted"
  /** The key is within its limits again (it was used, or the limits changed). */
  | "ok"
  /** `WATCH_USERS` no longer includes the key's user. */
  | "unwatched"
  /** Not among the scanned keys of a partial (credential-report) scan, which only reads keys that may be findings. */
  | "cleared";

/** A change to the alert-state table. */
export type StateChange =
  | { readonly type: "put"; readonly record: AlertRecord }
  | { readonly type: "delete"; readonly accessKeyId: string };

/** One key to announce, with the state change to make once Slack has accepted the message. */
export type Announcement =
  | {
      readonly kind: "new" | "worse" | "reminder";
      /** The key as classified now. */
      readonly finding: KeyFinding & { readonly status: AlertStatus };
      /** What was remembered before this run. @default undefined: a new alert */
      readonly previous?: AlertRecord;
      /** Apply only after delivery. */
      readonly change: StateChange;
    }
  | {
      readonly kind: "resolved";
      /** What was remembered about the key. */
      readonly previous: AlertRecord;
      /** Why it is resolved. */
      readonly reason: ResolutionReason;
      /** The key as classified now. @default undefined: the key no longer exists (or is not watched) */
      readonly finding?: KeyFinding;
      /** Apply only after delivery. */
      readonly change: StateChange;
    };

/** Inputs of {@link planAlerts}. */
export interface AlertPlanInput {
  /** The records of the alert-state table. */
  readonly records: readonly AlertRecord[];
  /** This run's classification. */
  readonly classification: Classification;
  /** The run's time. */
  readonly now: Date;
  /** How often a key that stays bad is announced again. */
  readonly remindEveryMs: number;
  /** The id of the event that triggered the run. @default undefined: no redelivery protection */
  readonly eventId?: string;
  /** `WATCH_USERS`, to tell an unwatched user from a deleted one. @default []: every user is watched */
  readonly watchUsers?: readonly string[];
  /** How long a record lives without being written. @default max(30 days, 2 × remindEveryMs) */
  readonly retentionMs?: number;
  /** The users whose keys the scan read. @default undefined: every remembered user not found was deleted */
  readonly scannedUsers?: ReadonlySet<string>;
  /**
   * True when the scan read only the users whose keys may be findings (the credential-report scan):
   * a remembered user it did not read is then fine or deleted, and is resolved as `cleared`. @default false
   */
  readonly partialScan?: boolean;
}

/** What to announce and what to remember. */
export interface AlertPlan {
  /**
   * In priority order, which is also the display order: new and worse (most severe first), then
   * resolutions, then reminders (most severe, then longest overdue, first). A digest names a prefix
   * of this list; what it cannot name stays due for the next run (see record-after-delivery.ts).
   */
  readonly announcements: readonly Announcement[];
  /** Changes that need no message (a key improved but is still bad); safe to apply at any time. */
  readonly silentChanges: readonly StateChange[];
  /** Flagged keys announced before and not due again. */
  readonly unchanged: number;
  /** Announcements per kind. */
  readonly counts: Readonly<Record<AnnouncementKind, number>>;
}

const DAY_MS = 86_400_000;
// Resolutions go before reminders: each is a one-off, so they cannot crowd reminders out for good,
// whereas more due reminders than a run can name would otherwise hold a resolution back for ever.
const KIND_ORDER: Readonly<Record<AnnouncementKind, number>> = { new: 0, worse: 0, resolved: 1, reminder: 2 };

/** True for the statuses that are alerted. */
export function isAlertStatus(status: KeyStatus): status is AlertStatus {
  return FLAGGED_STATUSES.includes(status);
}

/** True when `status` is more severe than `than`. */
export function isWorse(status: AlertStatus, than: AlertStatus): boolean {
  return SEVERITY_ORDER.indexOf(status) < SEVERITY_ORDER.indexOf(than);
}

/**
 * Compares the remembered alerts with this run's findings, the way Alertmanager treats alerts
 * (pure: the clock, the state and the event id are arguments):
 * - a key that is exposed, critical, warning or unused and not remembered is `new`;
 * - a remembered key whose status got more severe is `worse` (an exposed key is worse than any other,
 *   so a key already announced as critical is announced again at once when AWS reports it exposed);
 * - a remembered key still bad and last announced `remindEveryMs` ago or more gets a `reminder`;
 * - a remembered key that is now fine, inactive, exempt, gone or unwatched is `resolved` once
 *   (its record is deleted);
 * - anything else is silent. A key that improved but is still bad is remembered at its milder
 *   status without a message, so that getting worse again is announced.
 * A record announced by the same event id is never announced again: Lambda may deliver an event
 * twice, and the first delivery already posted it. Records past their expiry count as absent.
 */
export function planAlerts(input: AlertPlanInput): AlertPlan {
  const now = input.now;
  const expiresAt = new Date(now.getTime() + (input.retentionMs ?? Math.max(30 * DAY_MS, 2 * input.remindEveryMs)));
  // WATCH_USERS may spell a user otherwise than IAM (and the records) do.
  const watchUsers = userNameSet(input.watchUsers ?? []);
  const remembered = new Map<string, AlertRecord>();
  for (const record of input.records) {
    if (record.expiresAt.getTime() > now.getTime()) remembered.set(record.accessKeyId, record);
  }

  const announcements: Announcement[] = [];
  const silentChanges: StateChange[] = [];
  let unchanged = 0;
  const put = (finding: KeyFinding & { status: AlertStatus }, since: Date, previous?: AlertRecord): StateChange => ({
    type: "put",
    record: {
      accessKeyId: finding.accessKeyId,
      userName: finding.userName,
      status: finding.status,
      announcedAt: now,
      since,
      ...(input.eventId !== undefined ? { eventId: input.eventId } : {}),
      expiresAt,
      ...(finding.exposure?.healthEvent || previous?.exposedByEvent ? { exposedByEvent: true as const } : {}),
    },
  });

  for (const finding of input.classification.findings) {
    const previous = remembered.get(finding.accessKeyId);
    remembered.delete(finding.accessKeyId);
    if (isAlertStatus(finding.status)) {
      const bad = finding as KeyFinding & { status: AlertStatus };
      if (!previous) {
        announcements.push({ kind: "new", finding: bad, change: put(bad, now) });
      } else if (input.eventId !== undefined && previous.eventId === input.eventId) {
        unchanged += 1; // this event already announced it: a redelivery
      } else if (isWorse(bad.status, previous.status)) {
        announcements.push({ kind: "worse", finding: bad, previous, change: put(bad, previous.since, previous) });
      } else if (now.getTime() - previous.announcedAt.getTime() >= input.remindEveryMs) {
        announcements.push({ kind: "reminder", finding: bad, previous, change: put(bad, previous.since, previous) });
      } else {
        unchanged += 1;
        const newlyByEvent = bad.exposure?.healthEvent === true && previous.exposedByEvent !== true;
        if (bad.status !== previous.status || newlyByEvent) {
          silentChanges.push({
            type: "put",
            record: { ...previous, status: bad.status, expiresAt, ...(newlyByEvent ? { exposedByEvent: true } : {}) },
          });
        }
      }
    } else if (previous) {
      const reason: ResolutionReason =
        finding.status === "inactive" ? "deactivated" : finding.status === "exempt" ? "exempted" : "ok";
      announcements.push({ kind: "resolved", previous, reason, finding, change: remove(previous) });
    }
  }
  // Whatever is left was not found: the key (or its user) is gone, or the user is no longer watched.
  for (const previous of remembered.values()) {
    // The root key is checked live by every scan, and every scan watches it.
    const root = previous.userName === ROOT_USER_NAME;
    const unread = !root && input.partialScan === true && !(input.scannedUsers?.has(previous.userName) ?? false);
    const reason: ResolutionReason =
      watchUsers.size > 0 && !watchUsers.has(previous.userName) && !root ? "unwatched" : unread ? "cleared" : "deleted";
    announcements.push({ kind: "resolved", previous, reason, change: remove(previous) });
  }

  const ordered = announcements
    .map((announcement, index) => ({ announcement, index }))
    .sort((a, b) => KIND_ORDER[a.announcement.kind] - KIND_ORDER[b.announcement.kind] || compareWithin(a, b))
    .map(({ announcement }) => announcement);
  const counts = { new: 0, worse: 0, reminder: 0, resolved: 0 };
  for (const announcement of ordered) counts[announcement.kind] += 1;
  return { announcements: ordered, silentChanges, unchanged, counts };
}

function remove(record: AlertRecord): StateChange {
  return { type: "delete", accessKeyId: record.accessKeyId };
}

// Findings arrive most severe first (then oldest first), so the input order is kept for new and worse
// keys; reminders go by severity, then the longest overdue first, so that when more are due than a run
// can name, those left over come first next time; resolutions (some without a finding) go by the
// severity they had, then user and key.
function compareWithin(
  a: { announcement: Announcement; index: number },
  b: { announcement: Announcement; index: number },
): number {
  if (a.announcement.kind === "reminder" && b.announcement.kind === "reminder") {
    const x = a.announcement;
    const y = b.announcement;
    return (
      SEVERITY_ORDER.indexOf(x.finding.status) - SEVERITY_ORDER.indexOf(y.finding.status) ||
      (x.previous?.announcedAt.getTime() ?? 0) - (y.previous?.announcedAt.getTime() ?? 0) ||
      a.index - b.index
    );
  }
  if (a.announcement.kind !== "resolved" || b.announcement.kind !== "resolved") return a.index - b.index;
  const x = a.announcement.previous;
  const y = b.announcement.previous;
  return (
    SEVERITY_ORDER.indexOf(x.status) - SEVERITY_ORDER.indexOf(y.status) ||
    x.userName.localeCompare(y.userName) ||
    x.accessKeyId.localeCompare(y.accessKeyId)
  );
}
