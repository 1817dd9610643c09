import { classifyKeys, type KeyFinding, type Thresholds } from "../../../handler/scan/classify";
import type { EnforcementRecord, EnforcementStretch } from "../../../handler/enforcement/enforcement-record";
import type { AccessKeyInventory, UserRecord } from "../../../handler/scan/inventory";
import {
  deactivationEvents,
  deactivationRecord,
  enforcementChanges,
  intentRecord,
  planEnforcement,
  type ActiveEnforcement,
  type EnforcementPlanInput,
} from "../../../handler/enforcement/plan-enforcement";
import { DAY, MINUTE, NOW, activeKey, ago, keyId } from "../support/inventory-builders";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 400 * DAY };
const ARMED: ActiveEnforcement = {
  mode: "armed",
  deactivateAge: { ms: 120 * DAY, label: "120d" },
  notice: { ms: 7 * DAY, label: "7d" },
  maxPerDay: 2,
  exposedKeys: "alert",
};
const DRY: ActiveEnforcement = { ...ARMED, mode: "dry-run" };
// Enforcement has been armed for months, the last run ten minutes ago.
const STRETCH: EnforcementStretch = { mode: "armed", since: ago(100 * DAY), lastRunAt: ago(10 * MINUTE) };
const IN_7_DAYS = new Date(NOW.getTime() + 7 * DAY);

type Options = Partial<Omit<EnforcementPlanInput, "findings">> & { readonly findings?: readonly KeyFinding[] };

function plan(users: UserRecord[], records: EnforcementRecord[] = [], options: Options = {}) {
  const now = options.now ?? NOW;
  const inventory: AccessKeyInventory = { users };
  return planEnforcement({
    findings: options.findings ?? classifyKeys(inventory, THRESHOLDS, now).findings,
    records,
    stretch: STRETCH,
    enforcement: ARMED,
    now,
    remindEveryMs: DAY,
    ...options,
  });
}

const user = (userName: string, keys: UserRecord["accessKeys"], tags?: Record<string, string>): UserRecord => ({
  userName,
  accessKeys: keys,
  ...(tags ? { tags } : {}),
});
const inactive = (n: number, ageMs: number) => ({ ...activeKey(n, ageMs), state: "Inactive" as const });

/** An armed notice given `noticeAgoMs` ago, under the ARMED settings, naming a date a period after it. */
function noticed(n: number, noticeAgoMs: number, extra: Partial<EnforcementRecord> = {}): EnforcementRecord {
  return {
    accessKeyId: keyId(n),
    userName: "alice",
    noticeAt: ago(noticeAgoMs),
    noticeMode: "armed",
    deactivateOn: new Date(NOW.getTime() - noticeAgoMs + 7 * DAY),
    noticeAgeMs: 120 * DAY,
    noticePeriodMs: 7 * DAY,
    reactivations: 0,
    expiresAt: new Date(NOW.getTime() + 100 * DAY),
    ...extra,
  };
}
const kinds = (result: ReturnType<typeof plan>) => result.events.map((event) => event.kind);

describe("planEnforcement: notices", () => {
  test("a key within a notice period of its deactivation age gets a notice naming a date a full period away", () => {
    const result = plan([user("alice", [activeKey(1, 115 * DAY), activeKey(2, 100 * DAY)])]);
    expect(result.events).toEqual([
      expect.objectContaining({ kind: "notice", date: IN_7_DAYS, setting: "DEACTIVATE_AGE=120d" }),
    ]);
    const [change] = enforcementChanges(result.events);
    expect(change).toMatchObject({
      noticeAt: NOW,
      noticeMode: "armed",
      noticeAgeMs: 120 * DAY,
      noticePeriodMs: 7 * DAY,
    });
    expect(result.schedules.get(keyId(2))).toMatchObject({ kind: "date", noticed: false });
  });

  test("a key far past its age without a notice gets a date one notice period away", () => {
    const result = plan([user("alice", [activeKey(1, 400 * DAY)])]);
    expect(result.events).toEqual([expect.objectContaining({ kind: "notice", date: IN_7_DAYS })]);
    expect(result.toDeactivate).toEqual([]);
  });

  test("a standing notice makes the key due at its date; the user's young key is untouched", () => {
    const result = plan([user("alice", [activeKey(1, 130 * DAY), activeKey(2, 3 * DAY)])], [noticed(1, 8 * DAY)]);
    expect(result.toDeactivate.map((key) => key.finding.accessKeyId)).toEqual([keyId(1)]);
    expect(result.events).toEqual([]);
    expect(result.silentChanges).toEqual([]);
  });

  test("before the date nothing is due, and the day before brings one reminder", () => {
    const keys = [user("alice", [activeKey(1, 130 * DAY)])];
    expect(plan(keys, [noticed(1, 3 * DAY)]).events).toEqual([]);
    expect(kinds(plan(keys, [noticed(1, 6.5 * DAY)]))).toEqual(["day-before"]);
    expect(plan(keys, [noticed(1, 6.5 * DAY, { dayBeforeAt: ago(DAY / 4) })]).events).toEqual([]);
  });
});

describe("planEnforcement: a notice stands only while enforcement applied the whole time", () => {
  const old = [user("alice", [activeKey(1, 130 * DAY)])];

  test("a dry-run notice does not count for an armed run: a fresh notice says why", () => {
    const result = plan(old, [noticed(1, 30 * DAY, { noticeMode: "dry-run" })]);
    expect(result.due).toEqual([]);
    expect(result.events).toEqual([
      expect.objectContaining({ kind: "notice", date: IN_7_DAYS, lapse: "the earlier notice was a dry run" }),
    ]);
  });

  test("enforcement off (or in another mode) since the notice: the stretch starts anew and the notice lapses", () => {
    const off: EnforcementStretch = { mode: "off", since: ago(DAY), lastRunAt: ago(DAY) };
    const result = plan(old, [noticed(1, 30 * DAY)], { stretch: off });
    expect(result.stretch).toEqual({ mode: "armed", since: NOW, lastRunAt: NOW });
    expect(result.due).toEqual([]);
    expect(result.events).toEqual([
      expect.objectContaining({
        kind: "notice",
        date: IN_7_DAYS,
        lapse: expect.stringContaining("enforcement was off"),
      }),
    ]);
    // The same mode goes on: the stretch keeps its start.
    expect(plan(old, [noticed(1, 8 * DAY)]).stretch).toEqual({ ...STRETCH, lastRunAt: NOW });
    // The first run that enforces at all starts the stretch; its own notices stand.
    expect(plan(old, [], { stretch: undefined }).stretch.since).toEqual(NOW);
  });

  test("a changed deactivation age or notice period starts over with a full notice period", () => {
    const age = plan(old, [noticed(1, 30 * DAY)], {
      enforcement: { ...ARMED, deactivateAge: { ms: 125 * DAY, label: "125d" } },
    });
    expect(age.due).toEqual([]);
    expect(age.events).toEqual([
      expect.objectContaining({
        kind: "notice",
        date: IN_7_DAYS,
        lapse: "the deactivation age changed from 120d to 125d",
      }),
    ]);
    const period = plan(old, [noticed(1, 30 * DAY)], {
      enforcement: { ...ARMED, notice: { ms: 14 * DAY, label: "14d" } },
    });
    expect(period.events).toEqual([
      expect.objectContaining({
        kind: "notice",
        date: new Date(NOW.getTime() + 14 * DAY),
        lapse: "the notice period changed from 7d to 14d",
      }),
    ]);
    // A later age not yet near: the notice is cleared at once, so it cannot stand again if the age comes back.
    const later = plan(old, [noticed(1, 30 * DAY)], {
      enforcement: { ...ARMED, deactivateAge: { ms: 300 * DAY, label: "300d" } },
    });
    expect(later.events).toEqual([]);
    expect(later.silentChanges).toEqual([expect.not.objectContaining({ noticeAt: expect.anything() })]);
    expect(later.silentChanges[0].lapseReason).toContain("the deactivation age changed");
  });

  test("an exemption clears the notice at once; once it lapses, a fresh notice names a new date", () => {
    const exempt = plan(
      [user("alice", [activeKey(1, 130 * DAY)], { "key-age:exempt-until": "2025-06-21" })],
      [noticed(1, 8 * DAY)],
    );
    expect(exempt.due).toEqual([]);
    expect(exempt.events).toEqual([]);
    const [cleared] = exempt.silentChanges;
    expect(cleared).toMatchObject({ lapseReason: "the key was exempt (tag key-age:exempt-until=2025-06-21)" });
    expect(cleared.noticeAt).toBeUndefined();
    // Twenty days later the exemption has lapsed: the key is due again, but only after a fresh notice.
    const later = new Date(NOW.getTime() + 20 * DAY);
    const after = plan(old, [cleared], { now: later });
    expect(after.due).toEqual([]);
    expect(after.events).toEqual([
      expect.objectContaining({
        kind: "notice",
        date: new Date(later.getTime() + 7 * DAY),
        lapse: "the key was exempt (tag key-age:exempt-until=2025-06-21)",
      }),
    ]);
  });

  test("an opt-out tag clears the notice; removing it brings a fresh notice", () => {
    const never = plan(
      [user("alice", [activeKey(1, 130 * DAY)], { "key-age:deactivate": "never" })],
      [noticed(1, 8 * DAY)],
    );
    expect(never.schedules.get(keyId(1))).toEqual({ kind: "never", reason: "tag key-age:deactivate=never" });
    expect(never.silentChanges).toEqual([expect.objectContaining({ lapseReason: "tag key-age:deactivate=never" })]);
    const removed = plan(old, never.silentChanges.slice());
    expect(removed.events).toEqual([expect.objectContaining({ kind: "notice", date: IN_7_DAYS })]);
    expect(removed.due).toEqual([]);
  });

  test("a key a person switched off clears the notice; switched back on, it gets a fresh, announced date", () => {
    const off = plan([user("alice", [inactive(1, 130 * DAY)])], [noticed(1, 8 * DAY)]);
    expect(off.events).toEqual([]);
    expect(off.silentChanges).toEqual([expect.objectContaining({ inactiveSeenAt: NOW })]);
    expect(off.silentChanges[0].noticeAt).toBeUndefined();
    // Nothing more to write while it stays off.
    expect(plan([user("alice", [inactive(1, 130 * DAY)])], off.silentChanges.slice()).silentChanges).toEqual([]);

    const back = new Date(NOW.getTime() + DAY);
    const on = plan(old, off.silentChanges.slice(), { now: back });
    expect(on.due).toEqual([]);
    expect(on.events).toEqual([
      expect.objectContaining({
        kind: "reactivated",
        by: "person",
        offAt: NOW,
        date: new Date(back.getTime() + 7 * DAY),
      }),
    ]);
    const [change] = enforcementChanges(on.events);
    expect(change).toMatchObject({ noticeAt: back, reactivatedAt: back, reactivations: 0 });
    expect(change.inactiveSeenAt).toBeUndefined();
    // Ten minutes later: quiet, and not due.
    const next = plan(old, [change], { now: new Date(back.getTime() + 10 * MINUTE) });
    expect(next.events).toEqual([]);
    expect(next.due).toEqual([]);
  });

  test("opt-outs, exemptions, inactive keys and the root user are never scheduled", () => {
    const result = plan([
      user("never", [activeKey(1, 300 * DAY)], { "key-age:deactivate": "never" }),
      user("exempt", [activeKey(2, 300 * DAY)], { "key-age:exempt-until": "2099-01-01" }),
      user("idle", [inactive(3, 300 * DAY)]),
      user("<root_account>", [activeKey(4, 300 * DAY)]),
    ]);
    expect(result.events).toEqual([]);
    expect(result.schedules.get(keyId(1))).toEqual({ kind: "never", reason: "tag key-age:deactivate=never" });
    expect([2, 3, 4].map((n) => result.schedules.get(keyId(n)))).toEqual([undefined, undefined, undefined]);
  });

  test("a later key-age:deactivate-age is honoured, an earlier one is ignored and reported", () => {
    const later = plan([user("alice", [activeKey(1, 130 * DAY)], { "key-age:deactivate-age": "200d" })]);
    expect(later.events).toEqual([]);
    expect(later.schedules.get(keyId(1))).toMatchObject({ setting: "tag key-age:deactivate-age=200d" });
    const earlier = plan([user("alice", [activeKey(1, 100 * DAY)], { "key-age:deactivate-age": "95d" })]);
    expect(earlier.schedules.get(keyId(1))).toMatchObject({
      setting: "DEACTIVATE_AGE=120d",
      problem: expect.stringContaining("is ignored"),
    });
  });
});

describe("planEnforcement: people win", () => {
  const old = [user("alice", [activeKey(1, 130 * DAY)])];
  const deactivated = noticed(1, 20 * DAY, {
    deactivatedAt: ago(2 * DAY),
    lastDeactivatedAt: ago(2 * DAY),
    deactivationAnnounced: true,
  });

  test("a key the monitor deactivated and a person reactivated gets a fresh notice period; the second time the monitor stops", () => {
    const result = plan(old, [deactivated]);
    expect(result.toDeactivate).toEqual([]);
    expect(result.events).toEqual([
      expect.objectContaining({ kind: "reactivated", by: "monitor", offAt: ago(2 * DAY), date: IN_7_DAYS }),
    ]);
    const [change] = enforcementChanges(result.events);
    expect(change).toMatchObject({
      reactivations: 1,
      noticeAt: NOW,
      reactivatedAt: NOW,
      lastDeactivatedAt: ago(2 * DAY),
    });
    expect(change.deactivatedAt).toBeUndefined();
    const next = plan(old, [change], { now: new Date(NOW.getTime() + 3 * DAY) });
    expect(next.events).toEqual([]);
    expect(next.due).toEqual([]);
    const twice = plan(old, [{ ...deactivated, reactivations: 1 }]);
    expect(twice.events).toEqual([expect.objectContaining({ kind: "reactivated" })]);
    expect(twice.events[0]).not.toHaveProperty("date");
    expect(twice.schedules.get(keyId(1))).toMatchObject({ kind: "never" });
  });

  test("a deactivation whose announcement never reached Slack is announced by the next run", () => {
    const record = { ...deactivated, deactivationAnnounced: false };
    const result = plan([user("alice", [inactive(1, 130 * DAY)])], [record]);
    expect(kinds(result)).toEqual(["deactivated"]);
    expect(enforcementChanges(result.events)).toEqual([expect.objectContaining({ deactivationAnnounced: true })]);
    expect(plan([user("alice", [inactive(1, 130 * DAY)])], [deactivated]).events).toEqual([]);
  });

  test("an intent without its confirmation: inactive, the monitor did it (announced); active, a fresh notice period", () => {
    const intent = noticed(1, 8 * DAY, { intentAt: ago(DAY) });
    const off = plan([user("alice", [inactive(1, 130 * DAY)])], [intent]);
    expect(off.events).toEqual([expect.objectContaining({ kind: "deactivated", deactivatedAt: ago(DAY) })]);
    expect(enforcementChanges(off.events)[0]).toMatchObject({
      deactivatedAt: ago(DAY),
      lastDeactivatedAt: ago(DAY),
      deactivationAnnounced: true,
    });
    const on = plan(old, [intent]);
    expect(on.due).toEqual([]);
    expect(on.events).toEqual([expect.objectContaining({ kind: "reactivated", by: "unconfirmed", date: IN_7_DAYS })]);
    expect(enforcementChanges(on.events)[0]).toMatchObject({ reactivations: 0, noticeAt: NOW });
  });
});

describe("planEnforcement: the rolling brake", () => {
  const users = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => user(`user-${from + i}`, [activeKey(from + i, 130 * DAY)]));
  const records = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({ ...noticed(from + i, 8 * DAY), userName: `user-${from + i}` }));
  const earlier = (n: number, at: Date): EnforcementRecord => ({
    accessKeyId: keyId(n),
    userName: `gone-${n}`,
    lastDeactivatedAt: at,
    reactivations: 1,
    expiresAt: IN_7_DAYS,
  });

  test("more keys due than the limit: none is deactivated, every one is named, none with a date of release", () => {
    const result = plan(users(1, 3), records(1, 3));
    expect(result.braked).toBe(true);
    expect(result.toDeactivate).toEqual([]);
    expect(result.events[0]).toEqual({ kind: "brake", held: 3, inWindow: 0, limit: 2 });
    expect(kinds(result)).toEqual(["brake", "held", "held", "held"]);
    expect(enforcementChanges(result.events).map((change) => change.brakeAnnouncedAt)).toEqual([NOW, NOW, NOW]);
    // Exactly the limit goes through.
    expect(plan(users(1, 2), records(1, 2)).toDeactivate).toHaveLength(2);
    // Named again only after the reminder interval.
    const recent = records(1, 3).map((record) => ({ ...record, brakeAnnouncedAt: ago(DAY / 2) }));
    expect(plan(users(1, 3), recent).events).toEqual([]);
  });

  test("deactivations of the last 24 hours count, even of keys reactivated since; the window says when it allows", () => {
    const window = [earlier(91, ago(19 * 60 * MINUTE)), earlier(92, ago(2 * 60 * MINUTE))];
    const result = plan(users(1, 1), [...records(1, 1), ...window]);
    expect(result).toMatchObject({ braked: true, inWindow: 2, toDeactivate: [] });
    expect(result.events[0]).toEqual({
      kind: "brake",
      held: 1,
      inWindow: 2,
      limit: 2,
      allowsAt: new Date(NOW.getTime() + 5 * 60 * MINUTE),
    });
    // Older than 24 hours: outside the window.
    const aged = [earlier(91, ago(25 * 60 * MINUTE)), earlier(92, ago(2 * 60 * MINUTE))];
    expect(plan(users(1, 1), [...records(1, 1), ...aged]).toDeactivate).toHaveLength(1);
    // An intent counts too: its outcome is unknown.
    const intent = { ...earlier(93, ago(DAY)), lastDeactivatedAt: undefined, intentAt: ago(MINUTE) };
    expect(plan(users(1, 1), [...records(1, 1), intent, earlier(92, ago(MINUTE))]).braked).toBe(true);
  });

  test("a dry run brakes where an armed run would, counting its own 'would deactivate'", () => {
    const dry = { enforcement: DRY, stretch: { ...STRETCH, mode: "dry-run" as const } };
    const dryRecords = records(1, 2).map((record) => ({ ...record, noticeMode: "dry-run" as const }));
    const first = plan(users(1, 2), dryRecords, dry);
    expect(kinds(first)).toEqual(["would-deactivate", "would-deactivate"]);
    const announced = enforcementChanges(first.events);
    // The same keys stay due (nothing changed in IAM): they count once.
    const again = plan(users(1, 2), announced, dry);
    expect(again.braked).toBe(false);
    expect(again.events).toEqual([]);
    // Another key falling due within the day would pass the limit.
    const third = plan(users(1, 3), [...announced, { ...records(3, 3)[0], noticeMode: "dry-run" }], dry);
    expect(third.braked).toBe(true);
  });

  test("a scan that left users unchecked deactivates nothing, while notices still go out", () => {
    const keys = [user("alice", [activeKey(1, 130 * DAY), activeKey(3, 115 * DAY)])];
    const incomplete = plan(keys, [noticed(1, 8 * DAY)], { scanIncomplete: true });
    expect(incomplete).toMatchObject({ heldForIncompleteScan: true, toDeactivate: [] });
    expect(incomplete.due).toHaveLength(1);
    expect(incomplete.events).toEqual([
      expect.objectContaining({ kind: "notice", finding: expect.objectContaining({ accessKeyId: keyId(3) }) }),
    ]);
    const dry = plan(keys, [noticed(1, 8 * DAY, { noticeMode: "dry-run" })], {
      scanIncomplete: true,
      enforcement: DRY,
      stretch: { ...STRETCH, mode: "dry-run" },
    });
    expect(kinds(dry)).toEqual(["notice"]);
    expect(dry.due).toHaveLength(1);
  });
});

describe("planEnforcement: exposed keys", () => {
  const exposedFinding = (extra: Partial<KeyFinding> = {}): KeyFinding => ({
    userName: "leaky",
    accessKeyId: keyId(7),
    state: "Active",
    status: "exposed",
    createDate: ago(10 * DAY),
    ageMs: 10 * DAY,
    ...extra,
  });
  const deactivate = { ...ARMED, exposedKeys: "deactivate" as const };

  test("with EXPOSED_KEYS=deactivate an exposed key is due now, without a notice period", () => {
    const result = plan([], [], { findings: [exposedFinding()], enforcement: deactivate });
    expect(result.toDeactivate).toEqual([
      expect.objectContaining({ date: NOW, setting: "EXPOSED_KEYS=deactivate (the key is exposed)" }),
    ]);
    expect(result.events).toEqual([]);
  });

  test("with alert (the default) it follows its age; an opt-out still wins; the brake still counts it", () => {
    expect(plan([], [], { findings: [exposedFinding()] }).toDeactivate).toEqual([]);
    const never = plan([], [], { findings: [exposedFinding({ deactivateNever: true })], enforcement: deactivate });
    expect(never.toDeactivate).toEqual([]);
    const window = [1, 2].map((n) => ({
      accessKeyId: keyId(n),
      userName: "x",
      lastDeactivatedAt: ago(MINUTE),
      reactivations: 0,
      expiresAt: NOW,
    }));
    const braked = plan([], window, { findings: [exposedFinding()], enforcement: deactivate });
    expect(braked).toMatchObject({ braked: true, toDeactivate: [] });
    expect(kinds(braked)).toEqual(["brake", "held"]);
  });

  test("an exposed key a person switched back on follows its age, with a notice period, from then on", () => {
    const record: EnforcementRecord = {
      accessKeyId: keyId(7),
      userName: "leaky",
      deactivatedAt: ago(DAY),
      lastDeactivatedAt: ago(DAY),
      deactivationAnnounced: true,
      reactivations: 0,
      expiresAt: IN_7_DAYS,
    };
    const result = plan([], [record], { findings: [exposedFinding()], enforcement: deactivate });
    expect(result.toDeactivate).toEqual([]);
    // Ten days old: its date is the deactivation age, and it is named now.
    expect(result.events).toEqual([
      expect.objectContaining({ kind: "reactivated", date: new Date(ago(10 * DAY).getTime() + 120 * DAY) }),
    ]);
    const next = plan([], enforcementChanges(result.events), {
      findings: [exposedFinding()],
      enforcement: deactivate,
      now: new Date(NOW.getTime() + DAY),
    });
    expect(next.toDeactivate).toEqual([]);
  });
});

describe("deactivationEvents and the write-ahead records", () => {
  test("the intent before, the deactivation after; an announcement for each, the failed record named", () => {
    const result = plan(
      [user("alice", [activeKey(1, 130 * DAY)]), user("bob", [activeKey(2, 130 * DAY)])],
      [noticed(1, 8 * DAY), { ...noticed(2, 8 * DAY), userName: "bob" }],
    );
    const [first] = result.toDeactivate;
    expect(intentRecord(first, NOW)).toMatchObject({ intentAt: NOW, noticeAt: ago(8 * DAY) });
    expect(deactivationRecord({ ...first, record: intentRecord(first, NOW) }, NOW)).toMatchObject({
      deactivatedAt: NOW,
      lastDeactivatedAt: NOW,
      deactivationAnnounced: false,
    });
    expect(deactivationRecord(first, NOW).intentAt).toBeUndefined();
    const events = deactivationEvents(
      result.toDeactivate,
      [
        { accessKeyId: keyId(1), result: "deactivated", recordFailed: "AccessDeniedException: no" },
        { accessKeyId: keyId(2), result: "left-alone", reason: "the key was deleted or rotated since the scan" },
      ],
      NOW,
    );
    expect(events).toEqual([
      expect.objectContaining({ kind: "deactivated", recordFailed: "AccessDeniedException: no" }),
      expect.objectContaining({ kind: "left-alone" }),
    ]);
    expect(enforcementChanges(events)).toEqual([
      expect.objectContaining({ accessKeyId: keyId(1), deactivatedAt: NOW, deactivationAnnounced: true }),
    ]);
  });
});
