import { ITEM_KINDS } from "../alerts/state-keys";
import type { EnforcementMode } from "./enforcement-mode";

/**
 * What the monitor remembers about enforcing one key: the notice that named its deactivation date
 * and the conditions it was given under, the reminders sent, the intent and the outcome of a
 * deactivation. Kept in the alert-state table beside the alert records, under its own item key.
 */
export interface EnforcementRecord {
  /** The key. */
  readonly accessKeyId: string;
  /** The key's user. */
  readonly userName: string;
  /** When Slack accepted the first message naming the current date. @default undefined: no notice standing */
  readonly noticeAt?: Date;
  /** The mode that sent that notice: a notice stands only for runs of the same mode. @default undefined */
  readonly noticeMode?: "dry-run" | "armed";
  /** The date that notice named. @default undefined */
  readonly deactivateOn?: Date;
  /** The key's deactivation age when the notice went out: another age breaks the notice. @default undefined */
  readonly noticeAgeMs?: number;
  /** `DEACTIVATION_NOTICE` when the notice went out: another period breaks the notice. @default undefined */
  readonly noticePeriodMs?: number;
  /** Why the last notice stopped standing, told with the fresh one. @default undefined */
  readonly lapseReason?: string;
  /** When Slack accepted the reminder one day before the date. @default undefined */
  readonly dayBeforeAt?: Date;
  /** When Slack accepted the dry run's "would deactivate" message. @default undefined */
  readonly wouldDeactivateAt?: Date;
  /**
   * Written before `UpdateAccessKey` (write ahead): the monitor is about to deactivate the key. With
   * the key inactive it means the monitor did it; with the key active, that it may not have.
   * @default undefined
   */
  readonly intentAt?: Date;
  /** When the monitor set the key inactive, until the key is active again. @default undefined: it did not */
  readonly deactivatedAt?: Date;
  /** When the monitor last set the key inactive, kept after a reactivation: the brake's 24-hour window counts it. @default undefined */
  readonly lastDeactivatedAt?: Date;
  /** Whether Slack accepted the announcement of that deactivation. @default undefined: not yet */
  readonly deactivationAnnounced?: boolean;
  /** When a run saw the key inactive although the monitor had not deactivated it (a person did). @default undefined */
  readonly inactiveSeenAt?: Date;
  /**
   * When a person last switched the key back on (after the monitor or a person switched it off):
   * from then on even an exposed key gets a notice period first. @default undefined
   */
  readonly reactivatedAt?: Date;
  /** When a brake message last named the key. @default undefined */
  readonly brakeAnnouncedAt?: Date;
  /** How often a person reactivated the key after the monitor deactivated it. */
  readonly reactivations: number;
  /** When the table's TTL may drop the record. */
  readonly expiresAt: Date;
}

/**
 * The account's stretch of enforcement: since when its runs have enforced in one mode without a
 * break. A notice given before `since` does not stand: enforcement was off (or in another mode) in
 * between. Runs with `ENFORCEMENT=off` mark it `off`.
 */
export interface EnforcementStretch {
  /** The mode of the runs. */
  readonly mode: EnforcementMode;
  /** The first run of the stretch. */
  readonly since: Date;
  /** The latest run. */
  readonly lastRunAt: Date;
}

/** What the enforcement store holds for an account. */
export interface EnforcementState {
  /** One record per key. */
  readonly records: readonly EnforcementRecord[];
  /** The stretch. @default undefined: no run has enforced yet (with this version) */
  readonly stretch?: EnforcementStretch;
}

/** The sort-key prefix of a key's enforcement record in its account's partition (see state-keys.ts). */
export const ENFORCEMENT_ITEM_PREFIX = ITEM_KINDS.enforcement;

/** The sort key of the account's {@link EnforcementStretch}; `~` never occurs in a key id. */
export const ENFORCEMENT_STRETCH_ITEM_KEY = `${ENFORCEMENT_ITEM_PREFIX}~stretch`;
