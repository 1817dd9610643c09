import type { DueKey, EnforcementEvent } from "./enforcement-events";
import type { EnforcementRecord } from "./enforcement-record";
import { recordOf } from "./enforcement-changes";

/** The brake's window: at most the limit of keys are deactivated in any 24 hours. */
export const BRAKE_WINDOW_MS = 86_400_000;

/**
 * When each key the window counts was deactivated, by key id (pure): the recorded deactivations and
 * intents of the last 24 hours, kept after a reactivation. A dry run counts its own "would
 * deactivate" messages instead, so that it brakes where an armed run would.
 */
export function deactivationsInWindow(
  records: readonly EnforcementRecord[],
  mode: "dry-run" | "armed",
  now: Date,
): Map<string, Date> {
  const counted = new Map<string, Date>();
  for (const record of records) {
    const times =
      mode === "armed" ? [record.lastDeactivatedAt, record.deactivatedAt, record.intentAt] : [record.wouldDeactivateAt];
    const latest = Math.max(...times.map((time) => time?.getTime() ?? Number.NEGATIVE_INFINITY));
    if (latest > now.getTime() - BRAKE_WINDOW_MS && latest <= now.getTime()) {
      counted.set(record.accessKeyId, new Date(latest));
    }
  }
  return counted;
}

/** Whether the brake holds this run's due keys. */
export interface BrakeDecision {
  /** True when deactivating every due key would pass the limit within 24 hours: none is deactivated. */
  readonly braked: boolean;
  /** Other keys deactivated in the last 24 hours. */
  readonly inWindow: number;
  /** When enough of those leave the window for the due keys to pass. @default undefined: never (more are due than the limit) */
  readonly allowsAt?: Date;
}

/**
 * The rolling brake (pure). All or nothing: when the keys due now and the other keys deactivated in
 * the last 24 hours are together more than `limit`, none of the due keys is deactivated, since so
 * many at once points to a clock, configuration or tag mistake. They go through once enough earlier
 * deactivations have left the window, or when a person raises the limit.
 */
export function rollingBrake(due: readonly DueKey[], window: ReadonlyMap<string, Date>, limit: number): BrakeDecision {
  const dueIds = new Set(due.map((key) => key.finding.accessKeyId));
  const others = [...window]
    .filter(([id]) => !dueIds.has(id))
    .map(([, at]) => at.getTime())
    .sort((a, b) => a - b);
  const excess = others.length + due.length - limit;
  if (due.length === 0 || excess <= 0) return { braked: false, inWindow: others.length };
  if (due.length > limit) return { braked: true, inWindow: others.length };
  return { braked: true, inWindow: others.length, allowsAt: new Date(others[excess - 1] + BRAKE_WINDOW_MS) };
}

/**
 * The brake's message entries (pure): the brake itself and one entry per held key, named again only
 * when a held key was never named, or was named `remindEveryMs` ago or longer. Each held entry
 * stamps its key, so only the keys a message named are recorded as named.
 */
export function brakeEvents(
  due: readonly DueKey[],
  decision: BrakeDecision,
  limit: number,
  now: Date,
  remindEveryMs: number,
): EnforcementEvent[] {
  const stale = due.some(
    (key) =>
      key.record?.brakeAnnouncedAt === undefined ||
      now.getTime() - key.record.brakeAnnouncedAt.getTime() >= remindEveryMs,
  );
  if (!decision.braked || !stale) return [];
  const held = [...due].sort(
    (a, b) => a.date.getTime() - b.date.getTime() || a.finding.userName.localeCompare(b.finding.userName),
  );
  return [
    {
      kind: "brake",
      held: held.length,
      inWindow: decision.inWindow,
      limit,
      ...(decision.allowsAt ? { allowsAt: decision.allowsAt } : {}),
    },
    ...held.map(
      (key): EnforcementEvent => ({
        kind: "held",
        key,
        change: { ...recordOf(key.finding, key.record, now), brakeAnnouncedAt: now },
      }),
    ),
  ];
}
