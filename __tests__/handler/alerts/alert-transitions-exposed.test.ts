import { planAlerts, type AlertRecord } from "../../../handler/alerts/alert-transitions";
import { fromItem, toItem } from "../../../handler/alerts/alert-state-store";
import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import type { AccessKeyInventory } from "../../../handler/scan/inventory";
import { DAY, NOW, activeKey, ago, keyId } from "../support/inventory-builders";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const QUARANTINE = "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2";

function record(status: AlertRecord["status"], extra: Partial<AlertRecord> = {}): AlertRecord {
  return {
    accessKeyId: keyId(1),
    userName: "alice",
    status,
    announcedAt: ago(60_000),
    since: ago(3 * DAY),
    eventId: "event-earlier",
    expiresAt: new Date(NOW.getTime() + 20 * DAY),
    ...extra,
  };
}

function plan(inventory: AccessKeyInventory, records: AlertRecord[], exposedKeyIds: string[] = []) {
  return planAlerts({
    records,
    classification: classifyKeys(inventory, THRESHOLDS, NOW, { exposedKeyIds }),
    now: NOW,
    remindEveryMs: DAY,
    eventId: "event-now",
  });
}

describe("planAlerts with exposed keys", () => {
  it("announces a critical key at once as worse when AWS quarantines its user, a minute after its last announcement", () => {
    const quarantined: AccessKeyInventory = {
      users: [{ userName: "alice", accessKeys: [activeKey(1, 100 * DAY)], attachedPolicyArns: [QUARANTINE] }],
    };
    const result = plan(quarantined, [record("critical")]);
    expect(result.announcements).toHaveLength(1);
    expect(result.announcements[0]).toMatchObject({ kind: "worse", finding: { status: "exposed" } });
    expect(result.announcements[0].change).toMatchObject({ type: "put", record: { status: "exposed" } });
  });

  it("remembers that an exposure event named the key, so a later run without the event keeps it exposed", () => {
    const young: AccessKeyInventory = { users: [{ userName: "alice", accessKeys: [activeKey(1, 2 * DAY, DAY)] }] };
    const first = plan(young, [], [keyId(1)]);
    expect(first.announcements[0]).toMatchObject({ kind: "new", finding: { status: "exposed" } });
    const change = first.announcements[0].change;
    expect(change).toMatchObject({ type: "put", record: { exposedByEvent: true } });
    // The store keeps the mark.
    const stored = change.type === "put" ? fromItem(toItem(change.record)) : undefined;
    expect(stored).toMatchObject({ status: "exposed", exposedByEvent: true });
  });

  it("marks an already announced exposed key silently when an event names it too", () => {
    const quarantined: AccessKeyInventory = {
      users: [{ userName: "alice", accessKeys: [activeKey(1, 2 * DAY)], attachedPolicyArns: [QUARANTINE] }],
    };
    const result = plan(quarantined, [record("exposed")], [keyId(1)]);
    expect(result.announcements).toEqual([]);
    expect(result.silentChanges).toEqual([
      { type: "put", record: expect.objectContaining({ status: "exposed", exposedByEvent: true }) },
    ]);
  });

  it("resolves an exposed key once it is deactivated", () => {
    const deactivated: AccessKeyInventory = {
      users: [{ userName: "alice", accessKeys: [{ ...activeKey(1, 2 * DAY), state: "Inactive" }] }],
    };
    const result = plan(deactivated, [record("exposed", { exposedByEvent: true })], [keyId(1)]);
    expect(result.announcements[0]).toMatchObject({ kind: "resolved", reason: "deactivated" });
  });
});
