import type { KeyFinding } from "../scan/classify";
import type { EnforcementConfig } from "../runtime/config/config";
import type { EnforcementFigures } from "../runtime/run-metrics";
import type { DeactivationSchedule } from "./deactivation-schedule";
import type { EnforcementRecord, EnforcementStretch } from "./enforcement-record";

/** Enforcement settings of a run that enforces (dry run or armed). */
export type ActiveEnforcement = EnforcementConfig & { readonly mode: "dry-run" | "armed" };

/** A key whose deactivation date has come. */
export interface DueKey {
  /** The key as classified now. */
  readonly finding: KeyFinding;
  /** The date the notice named (now or earlier); now for an exposed key. */
  readonly date: Date;
  /** The setting that made it due, as written. */
  readonly setting: string;
  /** What was remembered before this run. @default undefined */
  readonly record?: EnforcementRecord;
}

/** Who switched a key back on, as far as the monitor can tell. */
export type ReactivatedBy =
  /** A person, after the monitor deactivated the key. */
  | "monitor"
  /** A person, after a person (not the monitor) switched the key off. */
  | "person"
  /** The monitor recorded its intent to deactivate, but cannot tell whether the call went through. */
  | "unconfirmed";

/** One thing to tell Slack about enforcement, with the record to store once Slack accepted it. */
export type EnforcementEvent =
  | {
      /** The first message naming the key's date; `lapse` says why an earlier notice no longer counts. */
      readonly kind: "notice";
      readonly finding: KeyFinding;
      readonly date: Date;
      readonly setting: string;
      readonly lapse?: string;
      readonly change: EnforcementRecord;
    }
  | {
      /** The reminder one day before, or the dry run's "would deactivate now". */
      readonly kind: "day-before" | "would-deactivate";
      readonly finding: KeyFinding;
      readonly date: Date;
      readonly setting: string;
      readonly change: EnforcementRecord;
    }
  | {
      /** A person switched the key back on. `date` is its fresh date, absent when enforcement stops. */
      readonly kind: "reactivated";
      readonly finding: KeyFinding;
      readonly by: ReactivatedBy;
      /** When it was switched off (or the intent recorded, or the key seen inactive). */
      readonly offAt: Date;
      readonly date?: Date;
      readonly setting?: string;
      readonly change: EnforcementRecord;
    }
  | {
      /** The monitor deactivated the key (this run, or earlier without the announcement reaching Slack). */
      readonly kind: "deactivated";
      readonly finding: KeyFinding;
      readonly setting: string;
      readonly deactivatedAt: Date;
      /** Set when the state write after `UpdateAccessKey` failed: the message still goes out. @default undefined */
      readonly recordFailed?: string;
      readonly change: EnforcementRecord;
    }
  | {
      /** The key was not deactivated after all: the re-check, IAM, the state or the clock said no. */
      readonly kind: "left-alone";
      readonly finding: KeyFinding;
      readonly reason: string;
    }
  | {
      /** The brake holds every due key; one `held` event per key follows. */
      readonly kind: "brake";
      readonly held: number;
      /** Keys deactivated (in a dry run: that would have been) in the last 24 hours. */
      readonly inWindow: number;
      readonly limit: number;
      /** When the window lets the held keys through. @default undefined: never, more are held than the limit */
      readonly allowsAt?: Date;
    }
  | {
      /** One key the brake holds. */
      readonly kind: "held";
      readonly key: DueKey;
      readonly change: EnforcementRecord;
    };

/** What enforcement does this run, before any IAM call. */
export interface EnforcementPlan {
  /** Messages to post (notices, reminders, reactivations, unannounced deactivations, the brake). */
  readonly events: readonly EnforcementEvent[];
  /**
   * Records to write before anything is deactivated, whatever Slack says: notices that lapsed (an
   * exemption, an opt-out, the key switched off by hand), so a later run cannot reuse them.
   */
  readonly silentChanges: readonly EnforcementRecord[];
  /** The account's stretch after this run, written with the silent changes. */
  readonly stretch: EnforcementStretch;
  /** Every key whose date has come, brake or not. */
  readonly due: readonly DueKey[];
  /** True when the rolling brake holds the due keys: none is deactivated. */
  readonly braked: boolean;
  /** Keys deactivated in the last 24 hours (in a dry run: that would have been). */
  readonly inWindow: number;
  /** The keys to deactivate now: the due keys of an armed run without the brake and with a complete scan. */
  readonly toDeactivate: readonly DueKey[];
  /** True when keys were due but the scan left users unchecked: none is deactivated this run. */
  readonly heldForIncompleteScan: boolean;
  /** The schedule of every key enforcement applies to, by key id (for the digest and the CLI). */
  readonly schedules: ReadonlyMap<string, DeactivationSchedule>;
}

/** What a run's enforcement did, for the summary and the metrics. */
export interface EnforcementSummary extends EnforcementFigures {
  /** `dry-run` or `armed`. */
  readonly mode: ActiveEnforcement["mode"];
  /** Keys whose date has come. */
  readonly due: number;
  /** Entries of the enforcement messages Slack accepted this run (0 when the payload is only logged). */
  readonly eventsAnnounced: number;
  /** Enforcement messages Slack accepted. */
  readonly messagesPosted: number;
  /** Due keys left alone (the re-check, IAM, a failed state write, the time left). */
  readonly leftAlone: number;
  /** Deactivations whose record could not be written (announced all the same). */
  readonly unrecorded: number;
}

/** What the re-check and the IAM call did with one due key. */
export type DeactivationOutcome =
  | { readonly accessKeyId: string; readonly result: "deactivated"; readonly recordFailed?: string }
  | { readonly accessKeyId: string; readonly result: "left-alone"; readonly reason: string };
