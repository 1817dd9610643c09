import type { KeyFinding } from "../scan/classify";
import type { EnforcementConfig } from "../runtime/config";
import { deactivationSchedule, MAX_REACTIVATIONS, type DeactivationSchedule } from "./deactivation-schedule";
import type { EnforcementRecord } from "./enforcement-record";
import type { EnforcementFigures } from "../runtime/run-metrics";

/** Enforcement settings of a run that enforces (dry run or armed). */
export type ActiveEnforcement = EnforcementConfig & { readonly mode: "dry-run" | "armed" };

/** A key whose deactivation date has come. */
export interface DueKey {
  /** The key as classified now. */
  readonly finding: KeyFinding;
  /** The date the notice named (now or earlier). */
  readonly date: Date;
  /** The setting that made it due, as written. */
  readonly setting: string;
  /** What was remembered before this run. @default undefined */
  readonly record?: EnforcementRecord;
}

/** One thing to tell Slack about enforcement, with the record to store once Slack accepted it. */
export type EnforcementEvent =
  | {
      /** The first message naming the key's date (or a later date than the one named before). */
      readonly kind: "notice" | "day-before" | "would-deactivate";
      readonly finding: KeyFinding;
      readonly date: Date;
      readonly setting: string;
      readonly change: EnforcementRecord;
    }
  | {
      /** A person reactivated a key the monitor deactivated. `date` is the new date, absent when enforcement stops. */
      readonly kind: "reactivated";
      readonly finding: KeyFinding;
      readonly deactivatedAt: Date;
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
      readonly change: EnforcementRecord;
    }
  | {
      /** The re-check before acting found the key changed (rotated, deleted, deactivated): nothing was done. */
      readonly kind: "left-alone";
      readonly finding: KeyFinding;
      readonly reason: string;
    }
  | {
      /** More keys were due than `MAX_DEACTIVATIONS_PER_RUN`: none was deactivated. */
      readonly kind: "brake";
      /** Every due key, those to list first; `changes` stamps the first {@link MAX_BRAKE_KEYS_LISTED}. */
      readonly due: readonly DueKey[];
      readonly maxPerRun: number;
      readonly changes: readonly EnforcementRecord[];
    };

/** Inputs of {@link planEnforcement}. */
export interface EnforcementPlanInput {
  /** Every classified key of the run. */
  readonly findings: readonly KeyFinding[];
  /** The enforcement records of the alert state. */
  readonly records: readonly EnforcementRecord[];
  /** The settings. */
  readonly enforcement: ActiveEnforcement;
  /** The run's time. */
  readonly now: Date;
  /** How often an engaged brake names its keys again. */
  readonly remindEveryMs: number;
  /**
   * True when the scan left users unchecked: the brake cannot count keys it did not see, so such a
   * run deactivates nothing (notices and reminders still go out). @default false
   */
  readonly scanIncomplete?: boolean;
}

/** What enforcement does this run, before any IAM call. */
export interface EnforcementPlan {
  /** Messages to post (notices, reminders, reactivations, unannounced deactivations, the brake). */
  readonly events: readonly EnforcementEvent[];
  /** Every key whose date has come, brake or not. */
  readonly due: readonly DueKey[];
  /** True when more keys are due than allowed: none is deactivated. */
  readonly braked: boolean;
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
  /** Entries of the enforcement message Slack accepted this run (0 when the payload is only logged). */
  readonly eventsAnnounced: number;
  /** Due keys the re-check left alone. */
  readonly leftAlone: number;
}

/** What the re-check and the IAM call did with one due key. */
export type DeactivationOutcome =
  | { readonly accessKeyId: string; readonly result: "deactivated" }
  | { readonly accessKeyId: string; readonly result: "left-alone"; readonly reason: string };

/** Due keys an engaged brake lists by name in one message; the rest are counted and listed by later runs. */
export const MAX_BRAKE_KEYS_LISTED = 30;

const DAY_MS = 86_400_000;
// Long enough that a deactivated key reactivated months later is still recognised.
const RECORD_RETENTION_MS = 400 * DAY_MS;

/**
 * Decides, per key and never per user, what enforcement does this run (pure: the clock and the
 * state are arguments):
 * - a key whose deactivation age is less than a notice period away gets a notice naming its date
 *   (the date is at least a notice period after the notice reaches Slack);
 * - one day before the date it gets a reminder; at the date it is due;
 * - when more keys are due than `maxPerRun` none is deactivated and the brake names them (up to
 *   {@link MAX_BRAKE_KEYS_LISTED} a message, those not named yet first);
 * - when the scan left users unchecked none is deactivated: the brake cannot count what it did not see;
 * - armed, the due keys are handed to the edge; a dry run announces "would deactivate" once;
 * - a key the monitor deactivated that is active again was reactivated by a person: announced
 *   once, with a fresh notice period; after {@link MAX_REACTIVATIONS} the monitor stops enforcing it;
 * - a deactivation whose announcement never reached Slack is announced again.
 * Opted-out (`key-age:deactivate=never`), exempt, inactive and root keys get no notice.
 */
export function planEnforcement(input: EnforcementPlanInput): EnforcementPlan {
  const { enforcement, now } = input;
  const records = new Map(input.records.map((record) => [record.accessKeyId, record]));
  const expiresAt = new Date(now.getTime() + RECORD_RETENTION_MS);
  const events: EnforcementEvent[] = [];
  const due: DueKey[] = [];
  const schedules = new Map<string, DeactivationSchedule>();
  const base = (finding: KeyFinding, record: EnforcementRecord | undefined): EnforcementRecord => ({
    ...(record ?? { reactivations: 0 }),
    accessKeyId: finding.accessKeyId,
    userName: finding.userName,
    expiresAt,
  });

  for (const finding of input.findings) {
    const record = records.get(finding.accessKeyId);
    if (record?.deactivatedAt !== undefined && finding.state === "Inactive") {
      if (record.deactivationAnnounced !== true) {
        events.push({
          kind: "deactivated",
          finding,
          setting: "an earlier run",
          deactivatedAt: record.deactivatedAt,
          change: { ...base(finding, record), deactivationAnnounced: true },
        });
      }
      continue;
    }
    if (record?.deactivatedAt !== undefined && finding.state === "Active") {
      const reactivations = record.reactivations + 1;
      const cleared: EnforcementRecord = {
        accessKeyId: finding.accessKeyId,
        userName: finding.userName,
        reactivations,
        expiresAt,
      };
      const schedule = deactivationSchedule(finding, enforcement, cleared, now);
      const stops = reactivations >= MAX_REACTIVATIONS || schedule?.kind !== "date";
      events.push({
        kind: "reactivated",
        finding,
        deactivatedAt: record.deactivatedAt,
        ...(!stops && schedule?.kind === "date" ? { date: schedule.date, setting: schedule.setting } : {}),
        change:
          !stops && schedule?.kind === "date"
            ? { ...cleared, noticeAt: now, noticeMode: enforcement.mode, deactivateOn: schedule.date }
            : cleared,
      });
      const after = deactivationSchedule(finding, enforcement, cleared, now);
      if (after) schedules.set(finding.accessKeyId, after);
      continue;
    }

    const schedule = deactivationSchedule(finding, enforcement, record, now);
    if (!schedule) continue;
    schedules.set(finding.accessKeyId, schedule);
    if (schedule.kind !== "date") continue;
    const { date, setting } = schedule;
    if (!schedule.noticed) {
      // The notice goes out once the deactivation age is less than a notice period away.
      if (schedule.ageDue.getTime() <= now.getTime() + enforcement.notice.ms) {
        events.push({
          kind: "notice",
          finding,
          date,
          setting,
          change: {
            ...base(finding, record),
            noticeAt: now,
            noticeMode: enforcement.mode,
            deactivateOn: date,
            dayBeforeAt: undefined,
            wouldDeactivateAt: undefined,
          },
        });
      }
      continue;
    }
    if (record?.deactivateOn !== undefined && date.getTime() > record.deactivateOn.getTime()) {
      // A later age (setting or tag) moved the date: say so, keeping the original notice time.
      events.push({
        kind: "notice",
        finding,
        date,
        setting,
        change: { ...base(finding, record), deactivateOn: date, dayBeforeAt: undefined, wouldDeactivateAt: undefined },
      });
      continue;
    }
    if (now.getTime() >= date.getTime()) {
      due.push({ finding, date, setting, ...(record ? { record } : {}) });
      continue;
    }
    const dayBefore = date.getTime() - DAY_MS;
    const noticedWithinTheDay = (record?.noticeAt?.getTime() ?? 0) >= dayBefore;
    if (now.getTime() >= dayBefore && record?.dayBeforeAt === undefined && !noticedWithinTheDay) {
      events.push({
        kind: "day-before",
        finding,
        date,
        setting,
        change: { ...base(finding, record), dayBeforeAt: now },
      });
    }
  }

  const braked = due.length > enforcement.maxPerRun;
  const heldForIncompleteScan = input.scanIncomplete === true && due.length > 0;
  if (braked) {
    const stale = due.some(
      (key) =>
        key.record?.brakeAnnouncedAt === undefined ||
        now.getTime() - key.record.brakeAnnouncedAt.getTime() >= input.remindEveryMs,
    );
    if (stale) {
      // Only the keys the message lists are stamped; the ones named longest ago (or never) go first.
      const order = [...due].sort(
        (a, b) => (a.record?.brakeAnnouncedAt?.getTime() ?? 0) - (b.record?.brakeAnnouncedAt?.getTime() ?? 0),
      );
      events.push({
        kind: "brake",
        due: order,
        maxPerRun: enforcement.maxPerRun,
        changes: order
          .slice(0, MAX_BRAKE_KEYS_LISTED)
          .map((key) => ({ ...base(key.finding, key.record), brakeAnnouncedAt: now })),
      });
    }
  } else if (enforcement.mode === "dry-run" && !heldForIncompleteScan) {
    for (const key of due) {
      if (key.record?.wouldDeactivateAt !== undefined) continue;
      events.push({
        kind: "would-deactivate",
        finding: key.finding,
        date: key.date,
        setting: key.setting,
        change: { ...base(key.finding, key.record), wouldDeactivateAt: now },
      });
    }
  }
  return {
    events,
    due,
    braked,
    toDeactivate: !braked && !heldForIncompleteScan && enforcement.mode === "armed" ? due : [],
    heldForIncompleteScan,
    schedules,
  };
}

/**
 * Turns the edge's outcomes for the keys of {@link EnforcementPlan.toDeactivate} into events. Each
 * deactivation was already stored (see {@link deactivationRecord}); its event carries the record to
 * store once Slack accepted the announcement.
 */
export function deactivationEvents(
  plan: EnforcementPlan,
  outcomes: readonly DeactivationOutcome[],
  now: Date,
): { readonly events: readonly EnforcementEvent[] } {
  const byKey = new Map(outcomes.map((outcome) => [outcome.accessKeyId, outcome]));
  const events: EnforcementEvent[] = [];
  for (const key of plan.toDeactivate) {
    const outcome = byKey.get(key.finding.accessKeyId);
    if (!outcome) continue;
    if (outcome.result === "left-alone") {
      events.push({ kind: "left-alone", finding: key.finding, reason: outcome.reason });
      continue;
    }
    events.push({
      kind: "deactivated",
      finding: key.finding,
      setting: key.setting,
      deactivatedAt: now,
      change: { ...deactivationRecord(key, now), deactivationAnnounced: true },
    });
  }
  return { events };
}

/**
 * The record of a key the monitor just deactivated, not yet announced: stored right after its
 * `UpdateAccessKey` succeeded, so that a run ending before Slack is told still leaves the key known
 * as deactivated (the next run announces it and recognises a reactivation).
 */
export function deactivationRecord(key: DueKey, now: Date): EnforcementRecord {
  return {
    ...(key.record ?? { reactivations: 0 }),
    accessKeyId: key.finding.accessKeyId,
    userName: key.finding.userName,
    deactivatedAt: now,
    deactivationAnnounced: false,
    expiresAt: new Date(now.getTime() + RECORD_RETENTION_MS),
  };
}

/** The records to store once Slack accepted the message carrying `events`. */
export function enforcementChanges(events: readonly EnforcementEvent[]): EnforcementRecord[] {
  return events.flatMap((event) =>
    event.kind === "brake" ? [...event.changes] : event.kind === "left-alone" ? [] : [event.change],
  );
}
