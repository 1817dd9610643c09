import type { KeyFinding } from "../scan/classify";
import type { DeactivationSchedule } from "./deactivation-schedule";
import type { DeactivationOutcome, DueKey, EnforcementEvent } from "./enforcement-events";
import type { EnforcementRecord } from "./enforcement-record";

const DAY_MS = 86_400_000;
/** Long enough that a deactivated key reactivated months later is still recognised. */
export const RECORD_RETENTION_MS = 400 * DAY_MS;

type Field = Exclude<keyof EnforcementRecord, "accessKeyId" | "userName" | "reactivations" | "expiresAt">;

/** Everything a notice and what followed from it left on a record. */
const NOTICE_FIELDS: readonly Field[] = [
  "noticeAt",
  "noticeMode",
  "deactivateOn",
  "noticeAgeMs",
  "noticePeriodMs",
  "lapseReason",
  "dayBeforeAt",
  "wouldDeactivateAt",
  "brakeAnnouncedAt",
  "inactiveSeenAt",
  "intentAt",
  "deactivatedAt",
  "deactivationAnnounced",
];

/** `record` without `fields`. */
export function without(record: EnforcementRecord, fields: readonly Field[]): EnforcementRecord {
  const copy: Record<string, unknown> = { ...record };
  for (const field of fields) delete copy[field];
  return copy as unknown as EnforcementRecord;
}

/** The key's record as of now (or a new one), with a fresh expiry. */
export function recordOf(finding: KeyFinding, record: EnforcementRecord | undefined, now: Date): EnforcementRecord {
  return {
    ...(record ?? { reactivations: 0 }),
    accessKeyId: finding.accessKeyId,
    userName: finding.userName,
    expiresAt: new Date(now.getTime() + RECORD_RETENTION_MS),
  };
}

/** `record` with a fresh notice naming the schedule's date, and nothing left of an earlier one. */
export function withNotice(
  record: EnforcementRecord,
  schedule: Extract<DeactivationSchedule, { kind: "date" }>,
  mode: "dry-run" | "armed",
  noticeMs: number,
  now: Date,
): EnforcementRecord {
  return {
    ...without(record, NOTICE_FIELDS),
    noticeAt: now,
    noticeMode: mode,
    deactivateOn: schedule.date,
    noticeAgeMs: schedule.ageMs,
    noticePeriodMs: noticeMs,
  };
}

/** `record` with nothing left of a notice or a deactivation (a key a person switched back on). */
export function clearedOfNotice(record: EnforcementRecord): EnforcementRecord {
  return without(record, NOTICE_FIELDS);
}

/** `record` with its notice cleared, saying why: a later run cannot reuse it. */
export function withoutNotice(record: EnforcementRecord, reason: string): EnforcementRecord {
  return { ...without(record, NOTICE_FIELDS), lapseReason: reason };
}

/** The record written before `UpdateAccessKey` (write ahead): the monitor is about to deactivate the key. */
export function intentRecord(key: DueKey, now: Date): EnforcementRecord {
  return { ...recordOf(key.finding, key.record, now), intentAt: now };
}

/**
 * The record of a key the monitor just deactivated, not yet announced: stored right after its
 * `UpdateAccessKey` succeeded, so that a run ending before Slack is told still leaves the key known
 * as deactivated (the next run announces it and recognises a reactivation).
 */
export function deactivationRecord(key: DueKey, now: Date): EnforcementRecord {
  return {
    ...without(recordOf(key.finding, key.record, now), ["intentAt"]),
    deactivatedAt: now,
    lastDeactivatedAt: now,
    deactivationAnnounced: false,
  };
}

/** The records to store once Slack accepted the messages carrying `events`. */
export function enforcementChanges(events: readonly EnforcementEvent[]): EnforcementRecord[] {
  return events.flatMap((event) => ("change" in event ? [event.change] : []));
}

/**
 * Turns the edge's outcomes for the keys handed to it into events (pure). Each deactivation was
 * already stored (see {@link deactivationRecord}) unless its write failed; its event carries the
 * record to store once Slack accepted the announcement.
 */
export function deactivationEvents(
  toDeactivate: readonly DueKey[],
  outcomes: readonly DeactivationOutcome[],
  now: Date,
): EnforcementEvent[] {
  const byKey = new Map(outcomes.map((outcome) => [outcome.accessKeyId, outcome]));
  return toDeactivate.flatMap((key): EnforcementEvent[] => {
    const outcome = byKey.get(key.finding.accessKeyId);
    if (!outcome) return [];
    if (outcome.result === "left-alone") return [{ kind: "left-alone", finding: key.finding, reason: outcome.reason }];
    return [
      {
        kind: "deactivated",
        finding: key.finding,
        setting: key.setting,
        deactivatedAt: now,
        ...(outcome.recordFailed ? { recordFailed: outcome.recordFailed } : {}),
        change: { ...deactivationRecord(key, now), deactivationAnnounced: true },
      },
    ];
  });
}
