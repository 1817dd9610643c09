import { formatDuration } from "../runtime/duration";
import type { EnforcementMode } from "./enforcement-mode";
import type { EnforcementRecord, EnforcementStretch } from "./enforcement-record";

/** What a notice must have stood under, for the current run. */
export interface NoticeConditions {
  /** The run's mode: a notice stands only for runs of the mode that gave it. */
  readonly mode: EnforcementMode;
  /** The start of the account's enforcement stretch. @default undefined: unknown (the CLI's forecast) */
  readonly since?: Date;
  /** The key's deactivation age now. */
  readonly ageMs: number;
  /** `DEACTIVATION_NOTICE` now. */
  readonly noticeMs: number;
}

/** Whether a key's recorded notice still stands; when not, why (undefined when there never was one). */
export type NoticeStanding =
  | { readonly stands: true; readonly noticeAt: Date; readonly date: Date }
  | { readonly stands: false; readonly reason?: string };

/**
 * Whether the notice recorded for a key still stands (pure): it does only while enforcement applied
 * to the key the whole time. The breaks a run sees on the key itself (an exemption, an opt-out, the
 * key inactive) clear the notice when seen (see plan-enforcement.ts); the ones seen here are a run of
 * another mode or enforcement off since the notice (the stretch began after it), and a changed
 * deactivation age or notice period.
 */
export function noticeStanding(record: EnforcementRecord | undefined, conditions: NoticeConditions): NoticeStanding {
  if (record?.noticeAt === undefined || record.deactivateOn === undefined) {
    return { stands: false, ...(record?.lapseReason ? { reason: record.lapseReason } : {}) };
  }
  if (record.inactiveSeenAt !== undefined) return { stands: false, reason: "the key was switched off by hand" };
  if (record.noticeMode !== conditions.mode) {
    return {
      stands: false,
      reason: record.noticeMode === "dry-run" ? "the earlier notice was a dry run" : "the earlier notice was armed",
    };
  }
  if (conditions.since !== undefined && record.noticeAt.getTime() < conditions.since.getTime()) {
    return { stands: false, reason: "enforcement was off or in another mode since the earlier notice" };
  }
  if (record.noticeAgeMs !== conditions.ageMs) {
    return {
      stands: false,
      reason:
        record.noticeAgeMs === undefined
          ? "the earlier notice did not record its deactivation age"
          : `the deactivation age changed from ${formatDuration(record.noticeAgeMs)} to ${formatDuration(conditions.ageMs)}`,
    };
  }
  if (record.noticePeriodMs !== conditions.noticeMs) {
    return {
      stands: false,
      reason:
        record.noticePeriodMs === undefined
          ? "the earlier notice did not record its notice period"
          : `the notice period changed from ${formatDuration(record.noticePeriodMs)} to ${formatDuration(conditions.noticeMs)}`,
    };
  }
  return { stands: true, noticeAt: record.noticeAt, date: record.deactivateOn };
}

/**
 * The account's stretch after this run (pure): it goes on while every run enforces in the same mode,
 * and starts anew with a run of another mode, or after runs with enforcement off.
 */
export function continueStretch(
  stored: EnforcementStretch | undefined,
  mode: EnforcementMode,
  now: Date,
): EnforcementStretch {
  const goesOn = stored !== undefined && stored.mode === mode && stored.since.getTime() <= now.getTime();
  return { mode, since: goesOn ? stored.since : now, lastRunAt: now };
}
