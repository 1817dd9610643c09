import { ITEM_KINDS } from "../alerts/state-keys";

/**
 * What the monitor remembers about enforcing one key: the notice that named its deactivation date,
 * the reminders sent, and whether it deactivated the key. Kept in the alert-state table beside the
 * alert records, under its own item key.
 */
export interface EnforcementRecord {
  /** The key. */
  readonly accessKeyId: string;
  /** The key's user. */
  readonly userName: string;
  /** When Slack accepted the first message naming the current date. @default undefined: no notice yet */
  readonly noticeAt?: Date;
  /** The mode that sent that notice: a dry-run notice does not count for an armed run. @default undefined */
  readonly noticeMode?: "dry-run" | "armed";
  /** The date that notice named. @default undefined */
  readonly deactivateOn?: Date;
  /** When Slack accepted the reminder one day before the date. @default undefined */
  readonly dayBeforeAt?: Date;
  /** When Slack accepted the dry run's "would deactivate" message. @default undefined */
  readonly wouldDeactivateAt?: Date;
  /** When the monitor set the key inactive. @default undefined: it did not */
  readonly deactivatedAt?: Date;
  /** Whether Slack accepted the announcement of that deactivation. @default undefined: not yet */
  readonly deactivationAnnounced?: boolean;
  /** When a brake message last named the key. @default undefined */
  readonly brakeAnnouncedAt?: Date;
  /** How often a person reactivated the key after the monitor deactivated it. */
  readonly reactivations: number;
  /** When the table's TTL may drop the record. */
  readonly expiresAt: Date;
}

/** The sort-key prefix of a key's enforcement record in its account's partition (see state-keys.ts). */
export const ENFORCEMENT_ITEM_PREFIX = ITEM_KINDS.enforcement;
