import type { KeyFinding } from "../scan/classify";
import { deactivationSchedule, MAX_REACTIVATIONS, type DeactivationSchedule } from "./deactivation-schedule";
import type { EnforcementRecord, EnforcementStretch } from "./enforcement-record";
import type { ActiveEnforcement, DueKey, EnforcementEvent, EnforcementPlan } from "./enforcement-events";
import { clearedOfNotice, recordOf, without, withNotice, withoutNotice } from "./enforcement-changes";
import { continueStretch } from "./notice-standing";
import { brakeEvents, deactivationsInWindow, rollingBrake } from "./rolling-brake";
import { USER_TAG_KEYS } from "../scan/user-tags";

export type {
  ActiveEnforcement,
  DeactivationOutcome,
  DueKey,
  EnforcementEvent,
  EnforcementPlan,
  EnforcementSummary,
} from "./enforcement-events";
export { deactivationEvents, deactivationRecord, enforcementChanges, intentRecord } from "./enforcement-changes";

/** Inputs of {@link planEnforcement}. */
export interface EnforcementPlanInput {
  /** Every classified key of the run. */
  readonly findings: readonly KeyFinding[];
  /** The enforcement records of the alert state. */
  readonly records: readonly EnforcementRecord[];
  /** The account's stretch as the last run left it. @default undefined: none yet */
  readonly stretch?: EnforcementStretch;
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

const DAY_MS = 86_400_000;

/** What the per-key steps add to the plan. */
interface Collected {
  readonly events: EnforcementEvent[];
  readonly silentChanges: EnforcementRecord[];
  readonly due: DueKey[];
  readonly schedules: Map<string, DeactivationSchedule>;
}

/** What every per-key step needs. */
interface KeyContext {
  readonly enforcement: ActiveEnforcement;
  readonly now: Date;
  readonly since: Date;
  readonly out: Collected;
}

/**
 * Decides, per key and never per user, what enforcement does this run (pure: the clock and the
 * state are arguments). A notice stands only while enforcement applied to the key the whole time;
 * any break starts over with a fresh notice and a full notice period:
 * - a key whose deactivation age is less than a notice period away gets a notice naming its date
 *   (at least a notice period after the notice reaches Slack), and says why an earlier one lapsed;
 * - a notice lapses when the key is exempt, opted out, switched off by hand or no longer enforced
 *   (cleared at once, see `silentChanges`), when enforcement was off or in another mode since
 *   (the stretch), or when the deactivation age or the notice period changed;
 * - one day before the date a reminder; at the date the key is due;
 * - the rolling brake: when the due keys and the keys deactivated in the last 24 hours are more
 *   than `maxPerDay`, none is deactivated and every held key is named;
 * - a scan that left users unchecked deactivates nothing: the brake cannot count what it did not see;
 * - armed, the due keys are handed to the edge; a dry run announces "would deactivate" once;
 * - a key switched back on by a person (after the monitor or a person switched it off) is announced
 *   with a fresh notice period; after {@link MAX_REACTIVATIONS} of the monitor's deactivations
 *   undone the monitor stops enforcing it;
 * - a deactivation whose announcement never reached Slack is announced again.
 * Opted-out (`key-age:deactivate=never`), exempt, inactive and root keys get no notice.
 */
export function planEnforcement(input: EnforcementPlanInput): EnforcementPlan {
  const { enforcement, now } = input;
  const records = new Map(input.records.map((record) => [record.accessKeyId, record]));
  const stretch = continueStretch(input.stretch, enforcement.mode, now);
  const out: Collected = { events: [], silentChanges: [], due: [], schedules: new Map() };
  const context: KeyContext = { enforcement, now, since: stretch.since, out };
  for (const finding of input.findings) {
    const record = records.get(finding.accessKeyId);
    if (record && (record.deactivatedAt !== undefined || record.intentAt !== undefined)) {
      afterMonitorDeactivation(finding, record, context);
    } else if (finding.state !== "Active") {
      // Switched off, not by the monitor: whatever notice there was lapses.
      if (record?.noticeAt !== undefined) {
        out.silentChanges.push({
          ...withoutNotice(recordOf(finding, record, now), "the key was switched off by hand"),
          inactiveSeenAt: now,
        });
      }
    } else if (record?.inactiveSeenAt !== undefined) {
      afterHandDeactivation(finding, record, context);
    } else {
      activeKey(finding, record, context);
    }
  }

  // Oldest date first, then by user: the order keys are started in, should a run stop part-way.
  out.due.sort(
    (a, b) =>
      a.date.getTime() - b.date.getTime() ||
      a.finding.userName.localeCompare(b.finding.userName) ||
      a.finding.accessKeyId.localeCompare(b.finding.accessKeyId),
  );
  const window = deactivationsInWindow(input.records, enforcement.mode, now);
  const decision = rollingBrake(out.due, window, enforcement.maxPerDay);
  const heldForIncompleteScan = input.scanIncomplete === true && out.due.length > 0;
  const events = [...out.events, ...brakeEvents(out.due, decision, enforcement.maxPerDay, now, input.remindEveryMs)];
  if (!decision.braked && enforcement.mode === "dry-run" && !heldForIncompleteScan) {
    for (const key of out.due) {
      if (key.record?.wouldDeactivateAt !== undefined) continue;
      events.push({
        kind: "would-deactivate",
        finding: key.finding,
        date: key.date,
        setting: key.setting,
        change: { ...recordOf(key.finding, key.record, now), wouldDeactivateAt: now },
      });
    }
  }
  return {
    events,
    silentChanges: out.silentChanges,
    stretch,
    due: out.due,
    braked: decision.braked,
    inWindow: decision.inWindow,
    toDeactivate: !decision.braked && !heldForIncompleteScan && enforcement.mode === "armed" ? out.due : [],
    heldForIncompleteScan,
    schedules: out.schedules,
  };
}

/**
 * A key the monitor deactivated, or meant to (an intent without a confirmation). Inactive: it is
 * announced if it never was. Active: a person switched it back on (or the call never went through),
 * so it gets a fresh notice period, announced; the monitor never overrules a person without one.
 */
function afterMonitorDeactivation(finding: KeyFinding, record: EnforcementRecord, context: KeyContext): void {
  const { enforcement, now, out } = context;
  const offAt = record.deactivatedAt ?? record.intentAt ?? now;
  if (finding.state !== "Active") {
    if (record.deactivatedAt === undefined || record.deactivationAnnounced !== true) {
      out.events.push({
        kind: "deactivated",
        finding,
        setting: "an earlier run",
        deactivatedAt: offAt,
        change: {
          ...without(recordOf(finding, record, now), ["intentAt"]),
          deactivatedAt: offAt,
          lastDeactivatedAt: record.lastDeactivatedAt ?? offAt,
          deactivationAnnounced: true,
        },
      });
    }
    return;
  }
  const by = record.deactivatedAt !== undefined ? "monitor" : "unconfirmed";
  const reactivations = record.reactivations + (by === "monitor" ? 1 : 0);
  const fresh = { ...clearedOfNotice(recordOf(finding, record, now)), reactivations, reactivatedAt: now };
  const schedule = deactivationSchedule(finding, enforcement, fresh, now, context.since);
  if (schedule) out.schedules.set(finding.accessKeyId, schedule);
  const goesOn = reactivations < MAX_REACTIVATIONS && schedule?.kind === "date";
  out.events.push({
    kind: "reactivated",
    finding,
    by,
    offAt,
    ...(goesOn ? { date: schedule.date, setting: schedule.setting } : {}),
    change: goesOn ? withNotice(fresh, schedule, enforcement.mode, enforcement.notice.ms, now) : fresh,
  });
}

/**
 * A key a person switched off after its notice, and switched back on: a fresh notice period,
 * announced with the new date (when enforcement still applies and the date is near).
 */
function afterHandDeactivation(finding: KeyFinding, record: EnforcementRecord, context: KeyContext): void {
  const { enforcement, now, out } = context;
  const fresh = { ...clearedOfNotice(recordOf(finding, record, now)), reactivatedAt: now };
  const schedule = deactivationSchedule(finding, enforcement, fresh, now, context.since);
  if (schedule) out.schedules.set(finding.accessKeyId, schedule);
  if (schedule?.kind !== "date" || schedule.ageDue.getTime() > now.getTime() + enforcement.notice.ms) {
    out.silentChanges.push(fresh);
    return;
  }
  out.events.push({
    kind: "reactivated",
    finding,
    by: "person",
    offAt: record.inactiveSeenAt ?? now,
    date: schedule.date,
    setting: schedule.setting,
    change: withNotice(fresh, schedule, enforcement.mode, enforcement.notice.ms, now),
  });
}

/** An active key the monitor never switched off: notice, reminder, due, or a lapsed notice cleared. */
function activeKey(finding: KeyFinding, record: EnforcementRecord | undefined, context: KeyContext): void {
  const { enforcement, now, out } = context;
  const schedule = deactivationSchedule(finding, enforcement, record, now, context.since);
  if (schedule) out.schedules.set(finding.accessKeyId, schedule);
  if (schedule?.kind !== "date") {
    if (record?.noticeAt !== undefined) {
      out.silentChanges.push(withoutNotice(recordOf(finding, record, now), notEnforcedReason(finding, schedule)));
    }
    return;
  }
  const { date, setting } = schedule;
  if (!schedule.noticed) {
    // The notice goes out once the deactivation age is less than a notice period away.
    if (schedule.ageDue.getTime() <= now.getTime() + enforcement.notice.ms) {
      out.events.push({
        kind: "notice",
        finding,
        date,
        setting,
        ...(schedule.lapse ? { lapse: schedule.lapse } : {}),
        change: withNotice(recordOf(finding, record, now), schedule, enforcement.mode, enforcement.notice.ms, now),
      });
    } else if (record?.noticeAt !== undefined) {
      out.silentChanges.push(withoutNotice(recordOf(finding, record, now), schedule.lapse ?? "the date moved"));
    }
    return;
  }
  if (now.getTime() >= date.getTime()) {
    out.due.push({ finding, date, setting, ...(record ? { record } : {}) });
    return;
  }
  const dayBefore = date.getTime() - DAY_MS;
  const noticedWithinTheDay = (record?.noticeAt?.getTime() ?? 0) >= dayBefore;
  if (now.getTime() >= dayBefore && record?.dayBeforeAt === undefined && !noticedWithinTheDay) {
    out.events.push({
      kind: "day-before",
      finding,
      date,
      setting,
      change: { ...recordOf(finding, record, now), dayBeforeAt: now },
    });
  }
}

function notEnforcedReason(finding: KeyFinding, schedule: DeactivationSchedule | undefined): string {
  if (schedule?.kind === "never") return schedule.reason;
  if (finding.status === "exempt") {
    return `the key was exempt (tag ${USER_TAG_KEYS.exemptUntil}${finding.exemptUntil ? `=${finding.exemptUntil}` : ""})`;
  }
  return "enforcement no longer applied to the key";
}
