import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import type { EnforcementRecord } from "../../../handler/enforcement/enforcement-record";
import type { AccessKeyInventory, UserRecord } from "../../../handler/scan/inventory";
import {
  deactivationEvents,
  deactivationRecord,
  enforcementChanges,
  MAX_BRAKE_KEYS_LISTED,
  planEnforcement,
  type ActiveEnforcement,
} from "../../../handler/enforcement/plan-enforcement";
import { DAY, NOW, activeKey, ago, keyId } from "../support/inventory-builders";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 400 * DAY };
const ARMED: ActiveEnforcement = {
  mode: "armed",
  deactivateAge: { ms: 120 * DAY, label: "120d" },
  notice: { ms: 7 * DAY, label: "7d" },
  maxPerRun: 2,
};

function plan(users: UserRecord[], records: EnforcementRecord[] = [], enforcement = ARMED, now = NOW) {
  const inventory: AccessKeyInventory = { users };
  return planEnforcement({
    findings: classifyKeys(inventory, THRESHOLDS, now).findings,
    records,
    enforcement,
    now,
    remindEveryMs: DAY,
  });
}

const user = (userName: string, keys: UserRecord["accessKeys"], tags?: Record<string, string>): UserRecord => ({
  userName,
  accessKeys: keys,
  ...(tags ? { tags } : {}),
});

function noticed(n: number, noticeAgoMs: number, extra: Partial<EnforcementRecord> = {}): EnforcementRecord {
  return {
    accessKeyId: keyId(n),
    userName: "alice",
    noticeAt: ago(noticeAgoMs),
    noticeMode: "armed",
    deactivateOn: new Date(NOW.getTime() - noticeAgoMs + 7 * DAY),
    reactivations: 0,
    expiresAt: new Date(NOW.getTime() + 100 * DAY),
    ...extra,
  };
}

describe("planEnforcement", () => {
  test("a key within a notice period of its deactivation age gets a notice naming a date a full period away", () => {
    const result = plan([user("alice", [activeKey(1, 115 * DAY), activeKey(2, 100 * DAY)])]);
    expect(result.events).toEqual([
      expect.objectContaining({
        kind: "notice",
        date: new Date(NOW.getTime() + 7 * DAY),
        setting: "DEACTIVATE_AGE=120d",
      }),
    ]);
    expect(result.events[0]).toMatchObject({ finding: { accessKeyId: keyId(1) } });
    expect(result.due).toEqual([]);
    // Key 2 has a forecast date but no notice yet.
    expect(result.schedules.get(keyId(2))).toMatchObject({ kind: "date", noticed: false });
  });

  test("a key far past its age without a notice gets a date one notice period away", () => {
    const result = plan([user("alice", [activeKey(1, 400 * DAY)])]);
    expect(result.events).toEqual([
      expect.objectContaining({ kind: "notice", date: new Date(NOW.getTime() + 7 * DAY) }),
    ]);
    expect(result.toDeactivate).toEqual([]);
  });

  test("only the key past the limit whose notice is old enough is due; the user's young key is untouched", () => {
    const result = plan([user("alice", [activeKey(1, 130 * DAY), activeKey(2, 3 * DAY)])], [noticed(1, 8 * DAY)]);
    expect(result.toDeactivate.map((key) => key.finding.accessKeyId)).toEqual([keyId(1)]);
    expect(result.events).toEqual([]);
  });

  test("a notice younger than the notice period does not make the key due, and the day before brings a reminder", () => {
    const early = plan([user("alice", [activeKey(1, 130 * DAY)])], [noticed(1, 3 * DAY)]);
    expect(early.due).toEqual([]);
    expect(early.events).toEqual([]);
    const dayBefore = plan([user("alice", [activeKey(1, 130 * DAY)])], [noticed(1, 6.5 * DAY)]);
    expect(dayBefore.events).toEqual([expect.objectContaining({ kind: "day-before" })]);
    const again = plan(
      [user("alice", [activeKey(1, 130 * DAY)])],
      [noticed(1, 6.5 * DAY, { dayBeforeAt: ago(DAY / 4) })],
    );
    expect(again.events).toEqual([]);
  });

  test("a dry-run notice does not count for an armed run", () => {
    const result = plan([user("alice", [activeKey(1, 130 * DAY)])], [noticed(1, 30 * DAY, { noticeMode: "dry-run" })]);
    expect(result.due).toEqual([]);
    expect(result.events).toEqual([expect.objectContaining({ kind: "notice" })]);
  });

  test("a dry run deactivates nothing and says 'would deactivate' once", () => {
    const dry = { ...ARMED, mode: "dry-run" } as const;
    const result = plan([user("alice", [activeKey(1, 130 * DAY)])], [noticed(1, 8 * DAY)], dry);
    expect(result.toDeactivate).toEqual([]);
    expect(result.due).toHaveLength(1);
    expect(result.events).toEqual([expect.objectContaining({ kind: "would-deactivate" })]);
    const later = plan(
      [user("alice", [activeKey(1, 130 * DAY)])],
      [noticed(1, 8 * DAY, { wouldDeactivateAt: ago(DAY) })],
      dry,
    );
    expect(later.events).toEqual([]);
    expect(later.due).toHaveLength(1);
  });

  test("the brake: more keys due than allowed deactivates none and names them all", () => {
    const users = [1, 2, 3].map((n) => user(`user-${n}`, [activeKey(n, 130 * DAY)]));
    const records = [1, 2, 3].map((n) => ({ ...noticed(n, 8 * DAY), userName: `user-${n}` }));
    const result = plan(users, records);
    expect(result.braked).toBe(true);
    expect(result.toDeactivate).toEqual([]);
    expect(result.events).toEqual([expect.objectContaining({ kind: "brake", maxPerRun: 2 })]);
    const brake = result.events[0];
    expect(brake.kind === "brake" && brake.due.map((key) => key.finding.userName)).toEqual([
      "user-1",
      "user-2",
      "user-3",
    ]);
    // Exactly the limit is not braked.
    expect(plan(users.slice(0, 2), records.slice(0, 2)).toDeactivate).toHaveLength(2);
    // Named again only after the reminder interval.
    const recent = records.map((record) => ({ ...record, brakeAnnouncedAt: ago(DAY / 2) }));
    expect(plan(users, recent).events).toEqual([]);
  });

  test("opt-outs, exemptions, inactive keys and the root user are never scheduled", () => {
    const result = plan([
      user("never", [activeKey(1, 300 * DAY)], { "key-age:deactivate": "never" }),
      user("exempt", [activeKey(2, 300 * DAY)], { "key-age:exempt-until": "2099-01-01" }),
      user("idle", [{ ...activeKey(3, 300 * DAY), state: "Inactive" }]),
      user("<root_account>", [activeKey(4, 300 * DAY)]),
    ]);
    expect(result.events).toEqual([]);
    expect(result.schedules.get(keyId(1))).toEqual({ kind: "never", reason: "tag key-age:deactivate=never" });
    expect([keyId(2), keyId(3), keyId(4)].map((id) => result.schedules.get(id))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
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

  test("a reactivated key is announced once, with a fresh notice period; the second time the monitor stops", () => {
    const deactivated = noticed(1, 20 * DAY, { deactivatedAt: ago(2 * DAY), deactivationAnnounced: true });
    const result = plan([user("alice", [activeKey(1, 130 * DAY)])], [deactivated]);
    expect(result.toDeactivate).toEqual([]);
    expect(result.events).toEqual([
      expect.objectContaining({ kind: "reactivated", date: new Date(NOW.getTime() + 7 * DAY) }),
    ]);
    const [change] = enforcementChanges(result.events);
    expect(change).toMatchObject({ reactivations: 1, noticeAt: NOW });
    expect(change).not.toHaveProperty("deactivatedAt");
    // The next run inside the fresh notice period does nothing.
    const next = plan([user("alice", [activeKey(1, 130 * DAY)])], [change], ARMED, new Date(NOW.getTime() + 3 * DAY));
    expect(next.events).toEqual([]);
    expect(next.due).toEqual([]);
    // Reactivated a second time: announced, and never enforced again.
    const twice = plan([user("alice", [activeKey(1, 130 * DAY)])], [{ ...deactivated, reactivations: 1 }]);
    expect(twice.events).toEqual([expect.objectContaining({ kind: "reactivated" })]);
    expect(twice.events[0]).not.toHaveProperty("date");
    expect(twice.schedules.get(keyId(1))).toMatchObject({ kind: "never" });
  });

  test("a deactivation whose announcement never reached Slack is announced by the next run", () => {
    const record = noticed(1, 20 * DAY, { deactivatedAt: ago(DAY), deactivationAnnounced: false });
    const result = plan([user("alice", [{ ...activeKey(1, 130 * DAY), state: "Inactive" }])], [record]);
    expect(result.events).toEqual([expect.objectContaining({ kind: "deactivated" })]);
    expect(enforcementChanges(result.events)).toEqual([expect.objectContaining({ deactivationAnnounced: true })]);
  });

  test("a scan that left users unchecked deactivates nothing, while notices still go out", () => {
    const users = [user("alice", [activeKey(1, 130 * DAY), activeKey(3, 115 * DAY)])];
    const records = [noticed(1, 8 * DAY)];
    const input = {
      findings: classifyKeys({ users }, THRESHOLDS, NOW).findings,
      records,
      enforcement: ARMED,
      now: NOW,
      remindEveryMs: DAY,
    };
    const incomplete = planEnforcement({ ...input, scanIncomplete: true });
    expect(incomplete.due).toHaveLength(1);
    expect(incomplete.toDeactivate).toEqual([]);
    expect(incomplete.heldForIncompleteScan).toBe(true);
    expect(incomplete.events).toEqual([
      expect.objectContaining({ kind: "notice", finding: expect.objectContaining({ accessKeyId: keyId(3) }) }),
    ]);
    const dry = planEnforcement({ ...input, enforcement: { ...ARMED, mode: "dry-run" }, scanIncomplete: true });
    expect(dry.events.map((event) => event.kind)).toEqual(["notice"]);
    expect(planEnforcement(input).toDeactivate).toHaveLength(1);
  });

  test("the brake stamps only the keys its message lists, those never listed first", () => {
    const count = MAX_BRAKE_KEYS_LISTED + 5;
    const users = Array.from({ length: count }, (_, i) => user(`u${i + 1}`, [activeKey(i + 1, 130 * DAY)]));
    const records = users.map((u, i) => ({
      ...noticed(i + 1, 8 * DAY),
      userName: u.userName,
      // The first ones were listed by an earlier brake message, past the reminder interval.
      ...(i < 5 ? { brakeAnnouncedAt: ago(2 * DAY) } : {}),
    }));
    const result = plan(users, records);
    const brake = result.events[0];
    if (brake?.kind !== "brake") throw new Error("expected the brake");
    expect(brake.due).toHaveLength(count);
    expect(brake.changes).toHaveLength(MAX_BRAKE_KEYS_LISTED);
    expect(brake.changes.map((change) => change.userName)).toEqual(
      brake.due.slice(0, MAX_BRAKE_KEYS_LISTED).map((key) => key.finding.userName),
    );
    expect(brake.changes.map((change) => change.userName)).not.toContain("u1");
  });
});

describe("deactivationEvents", () => {
  test("records a deactivation before it is announced, and reports a key left alone", () => {
    const result = plan(
      [user("alice", [activeKey(1, 130 * DAY)]), user("bob", [activeKey(2, 130 * DAY)])],
      [noticed(1, 8 * DAY), { ...noticed(2, 8 * DAY), userName: "bob" }],
    );
    const { events } = deactivationEvents(
      result,
      [
        { accessKeyId: keyId(1), result: "deactivated" },
        { accessKeyId: keyId(2), result: "left-alone", reason: "the key was deleted or rotated since the scan" },
      ],
      NOW,
    );
    expect(deactivationRecord(result.toDeactivate[0], NOW)).toMatchObject({
      accessKeyId: keyId(1),
      deactivatedAt: NOW,
      deactivationAnnounced: false,
    });
    expect(events.map((event) => event.kind)).toEqual(["deactivated", "left-alone"]);
    expect(enforcementChanges(events)).toEqual([
      expect.objectContaining({ accessKeyId: keyId(1), deactivationAnnounced: true }),
    ]);
  });
});
