import { planAlerts, type AlertPlanInput, type AlertRecord } from "../../../handler/alerts/alert-transitions";
import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import type { AccessKeyInventory } from "../../../handler/scan/inventory";
import { DAY, NOW, activeKey, ago, keyId } from "../support/inventory-builders";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const HOUR = 3_600_000;
const REMIND = 24 * HOUR;

function plan(inventory: AccessKeyInventory, records: AlertRecord[], extra: Partial<AlertPlanInput> = {}) {
  return planAlerts({
    records,
    classification: classifyKeys(inventory, THRESHOLDS, NOW),
    now: NOW,
    remindEveryMs: REMIND,
    eventId: "event-now",
    ...extra,
  });
}

function record(
  n: number,
  status: AlertRecord["status"],
  announcedAgoMs: number,
  extra: Partial<AlertRecord> = {},
): AlertRecord {
  return {
    accessKeyId: keyId(n),
    userName: "alice",
    status,
    announcedAt: ago(announcedAgoMs),
    since: ago(announcedAgoMs + 3 * DAY),
    eventId: "event-earlier",
    expiresAt: new Date(NOW.getTime() + 20 * DAY),
    ...extra,
  };
}

const alice = (...keys: ReturnType<typeof activeKey>[]): AccessKeyInventory => ({
  users: [{ userName: "alice", accessKeys: keys }],
});
const kinds = (result: ReturnType<typeof plan>) =>
  result.announcements.map(
    (a) => `${a.kind}:${a.kind === "resolved" ? a.previous.accessKeyId.slice(-2) : a.finding.accessKeyId.slice(-2)}`,
  );

describe("planAlerts", () => {
  it("announces a key that becomes bad for the first time and remembers it once delivered", () => {
    const result = plan(alice(activeKey(1, 85 * DAY, DAY), activeKey(2, DAY, DAY)), []);
    expect(kinds(result)).toEqual(["new:01"]);
    expect(result.announcements[0].change).toEqual({
      type: "put",
      record: {
        accessKeyId: keyId(1),
        userName: "alice",
        status: "warning",
        announcedAt: NOW,
        since: NOW,
        eventId: "event-now",
        expiresAt: new Date(NOW.getTime() + 30 * DAY),
      },
    });
    expect(result.counts).toEqual({ new: 1, worse: 0, reminder: 0, resolved: 0 });
    expect(result.silentChanges).toEqual([]);
  });

  it("stays silent about an unchanged key between reminders", () => {
    const result = plan(alice(activeKey(1, 85 * DAY, DAY)), [record(1, "warning", 23 * HOUR)]);
    expect(result.announcements).toEqual([]);
    expect(result.silentChanges).toEqual([]);
    expect(result.unchanged).toBe(1);
  });

  it("announces a key whose status got worse, keeping when it first went bad", () => {
    const previous = record(1, "warning", HOUR);
    const result = plan(alice(activeKey(1, 95 * DAY, DAY)), [previous]);
    expect(kinds(result)).toEqual(["worse:01"]);
    expect(result.announcements[0]).toMatchObject({
      previous,
      change: { record: { status: "critical", since: previous.since, announcedAt: NOW } },
    });
  });

  it("treats unused → warning as worse and warning → unused as better", () => {
    expect(kinds(plan(alice(activeKey(1, 85 * DAY, DAY)), [record(1, "unused", HOUR)]))).toEqual(["worse:01"]);
    const better = plan(alice(activeKey(1, 60 * DAY)), [record(1, "warning", HOUR)]);
    expect(better.announcements).toEqual([]);
    expect(better.unchanged).toBe(1);
    // Remembered at the milder status without a message, so that getting worse again is announced.
    expect(better.silentChanges).toEqual([
      {
        type: "put",
        record: { ...record(1, "warning", HOUR), status: "unused", expiresAt: new Date(NOW.getTime() + 30 * DAY) },
      },
    ]);
  });

  it("reminds about a key still bad once REMIND_EVERY has passed since the last announcement", () => {
    const previous = record(1, "critical", REMIND);
    const result = plan(alice(activeKey(1, 95 * DAY, DAY)), [previous]);
    expect(kinds(result)).toEqual(["reminder:01"]);
    expect(result.announcements[0].change).toMatchObject({ record: { announcedAt: NOW, since: previous.since } });
    expect(plan(alice(activeKey(1, 95 * DAY, DAY)), [record(1, "critical", REMIND - 1)]).announcements).toEqual([]);
  });

  it.each([
    ["deleted or rotated", alice(activeKey(2, DAY, DAY)), "deleted"],
    ["deactivated", alice({ ...activeKey(1, 95 * DAY), state: "Inactive" }), "deactivated"],
    ["within its limits again", alice(activeKey(1, 10 * DAY, DAY)), "ok"],
    [
      "exempted",
      {
        users: [
          { userName: "alice", tags: { "key-age:exempt-until": "2025-07-01" }, accessKeys: [activeKey(1, 95 * DAY)] },
        ],
      },
      "exempted",
    ],
  ] as const)("announces an announced key that was %s as resolved, once", (_name, inventory, reason) => {
    const result = plan(inventory as AccessKeyInventory, [record(1, "critical", HOUR)]);
    expect(result.announcements).toEqual([
      expect.objectContaining({ kind: "resolved", reason, change: { type: "delete", accessKeyId: keyId(1) } }),
    ]);
    // Once the delete is applied there is no record: the next run says nothing.
    expect(plan(inventory as AccessKeyInventory, []).announcements).toEqual([]);
  });

  it("says an unwatched user's key is resolved because it is no longer watched", () => {
    const result = plan({ users: [] }, [record(1, "critical", HOUR)], { watchUsers: ["bob"] });
    expect(result.announcements).toEqual([expect.objectContaining({ kind: "resolved", reason: "unwatched" })]);
  });

  it("matches WATCH_USERS regardless of case: a watched user spelled otherwise is not 'unwatched'", () => {
    const result = plan({ users: [] }, [record(1, "critical", HOUR)], { watchUsers: ["ALICE"] });
    expect(result.announcements).toEqual([expect.objectContaining({ kind: "resolved", reason: "deleted" })]);
  });

  it("does not announce again what a redelivery of the same event already announced", () => {
    const first = plan(alice(activeKey(1, 95 * DAY, DAY)), []);
    const delivered = first.announcements
      .map((a) => (a.change.type === "put" ? a.change.record : undefined))
      .filter((r) => r !== undefined);
    const redelivery = plan(alice(activeKey(1, 95 * DAY, DAY)), delivered as AlertRecord[], {
      now: new Date(NOW.getTime() + REMIND), // even with a reminder due
    });
    expect(redelivery.announcements).toEqual([]);
    expect(redelivery.unchanged).toBe(1);
  });

  it("announces again after a failed delivery: nothing was recorded, so the retry sends it", () => {
    const failed = plan(alice(activeKey(1, 95 * DAY, DAY)), []);
    const retry = plan(alice(activeKey(1, 95 * DAY, DAY)), []);
    expect(kinds(failed)).toEqual(["new:01"]);
    expect(kinds(retry)).toEqual(["new:01"]);
  });

  it("treats a record past its expiry as absent", () => {
    const expired = record(1, "critical", HOUR, { expiresAt: ago(1) });
    expect(kinds(plan(alice(activeKey(1, 95 * DAY, DAY)), [expired]))).toEqual(["new:01"]);
    expect(plan({ users: [] }, [expired]).announcements).toEqual([]);
  });

  it("keeps records long enough to outlive a long REMIND_EVERY", () => {
    const result = plan(alice(activeKey(1, 95 * DAY, DAY)), [], { remindEveryMs: 28 * DAY });
    expect(result.announcements[0].change).toMatchObject({ record: { expiresAt: new Date(NOW.getTime() + 56 * DAY) } });
  });

  it("orders new and worse first (most severe first), then resolutions, then reminders", () => {
    const result = plan(
      alice(
        activeKey(1, 85 * DAY, DAY),
        activeKey(2, 95 * DAY, DAY),
        activeKey(3, 96 * DAY, DAY),
        activeKey(4, 60 * DAY),
      ),
      [
        record(3, "critical", REMIND),
        record(4, "warning", HOUR),
        record(5, "unused", HOUR),
        record(6, "critical", HOUR),
      ],
    );
    expect(kinds(result)).toEqual(["new:02", "new:01", "resolved:06", "resolved:05", "reminder:03"]);
    expect(result.counts).toEqual({ new: 2, worse: 0, reminder: 1, resolved: 2 });
    expect(result.unchanged).toBe(1);
  });
});

describe("planAlerts when more is due than a run can name", () => {
  it("orders reminders by severity, then the longest overdue first, so the ones left over lead next time", () => {
    const result = plan(alice(activeKey(1, 95 * DAY, DAY), activeKey(2, 96 * DAY, DAY), activeKey(3, 60 * DAY)), [
      record(1, "critical", REMIND + HOUR),
      record(2, "critical", REMIND + 5 * HOUR),
      record(3, "unused", REMIND + 9 * HOUR),
    ]);
    expect(kinds(result)).toEqual(["reminder:02", "reminder:01", "reminder:03"]);
  });
});

describe("planAlerts after a partial (credential-report) scan", () => {
  it("resolves a remembered key of a user the scan did not read as cleared, and of a user it read as deleted", () => {
    const result = planAlerts({
      records: [record(1, "critical", HOUR, { userName: "fine" }), record(2, "warning", HOUR, { userName: "read" })],
      classification: classifyKeys({ users: [{ userName: "read", accessKeys: [] }] }, THRESHOLDS, NOW),
      now: NOW,
      remindEveryMs: REMIND,
      scannedUsers: new Set(["read"]),
      partialScan: true,
    });
    expect(result.announcements.map((a) => (a.kind === "resolved" ? [a.previous.userName, a.reason] : []))).toEqual([
      ["fine", "cleared"],
      ["read", "deleted"],
    ]);
  });
});
