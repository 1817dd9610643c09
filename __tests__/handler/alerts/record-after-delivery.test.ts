import { planAlerts, type AlertPlan } from "../../../handler/alerts/alert-transitions";
import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import { changesNotIn, changesToRecord, messagesPostedBefore } from "../../../handler/alerts/record-after-delivery";
import { DAY, NOW, activeKey, inventoryOf, keyId } from "../support/inventory-builders";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };

/** Three new critical keys, plus a silent change: a remembered critical key that is now only a warning. */
function plan(): AlertPlan {
  const keys = [activeKey(1, 95 * DAY, DAY), activeKey(2, 96 * DAY, DAY), activeKey(3, 97 * DAY, DAY)];
  const improved = { ...activeKey(4, 85 * DAY, DAY) };
  const inventory = inventoryOf([...keys, improved]);
  return planAlerts({
    records: [
      {
        accessKeyId: keyId(4),
        userName: "user-0004",
        status: "critical",
        announcedAt: NOW,
        since: NOW,
        expiresAt: new Date(NOW.getTime() + 30 * DAY),
      },
    ],
    classification: classifyKeys(inventory, THRESHOLDS, NOW),
    now: NOW,
    remindEveryMs: DAY,
  });
}

const keyIdsOf = (changes: ReturnType<typeof changesToRecord>) =>
  changes.map((change) => (change.type === "put" ? change.record.accessKeyId : change.accessKeyId));

describe("changesToRecord", () => {
  it("records every named announcement, and the silent changes, after a complete delivery", () => {
    const alertPlan = plan();
    const [a, b, c] = alertPlan.announcements;
    expect(alertPlan.announcements).toHaveLength(3);
    expect(alertPlan.silentChanges).toHaveLength(1);
    const changes = changesToRecord(alertPlan, [[a, b], [c]], { complete: true });
    expect(changes).toEqual([...alertPlan.silentChanges, ...alertPlan.announcements.map((x) => x.change)]);
  });

  it("records only the announcements of the messages Slack accepted after a failure part-way", () => {
    const alertPlan = plan();
    const [a, b, c] = alertPlan.announcements;
    const changes = changesToRecord(alertPlan, [[a, b], [c]], { complete: false, messagesPosted: 1 });
    expect(changes).toEqual([a.change, b.change]);
    expect(keyIdsOf(changes)).not.toContain(keyId(4));
  });

  it("records nothing when no message was accepted, or when the accepted one named no key", () => {
    const [a, b, c] = plan().announcements;
    expect(changesToRecord(plan(), [[a, b], [c]], { complete: false, messagesPosted: 0 })).toEqual([]);
    expect(changesToRecord(plan(), [[]], { complete: false, messagesPosted: 1 })).toEqual([]);
  });

  it("leaves what a message only counted due: no put for a new key it did not name", () => {
    const alertPlan = plan();
    const [a] = alertPlan.announcements;
    // Slack took the whole digest, but it named only the first key; the others were in its "… and 2 more".
    const changes = changesToRecord(alertPlan, [[a]], { complete: true });
    expect(changes).toEqual([...alertPlan.silentChanges, a.change]);
    // An announcement of another plan is not this plan's to record.
    expect(changesToRecord(alertPlan, [plan().announcements], { complete: true })).toEqual(alertPlan.silentChanges);
  });

  it("leaves an unshown resolution's record in place and an unshown reminder due", () => {
    const record = (n: number, announcedAgoMs: number) => ({
      accessKeyId: keyId(n),
      userName: `user-${n}`,
      status: "critical" as const,
      announcedAt: new Date(NOW.getTime() - announcedAgoMs),
      since: new Date(NOW.getTime() - 3 * DAY),
      expiresAt: new Date(NOW.getTime() + 30 * DAY),
    });
    const alertPlan = planAlerts({
      records: [record(1, 2 * DAY), record(9, DAY)],
      classification: classifyKeys(inventoryOf([activeKey(1, 95 * DAY, DAY)]), THRESHOLDS, NOW),
      now: NOW,
      remindEveryMs: DAY,
    });
    expect(alertPlan.announcements.map((a) => a.kind)).toEqual(["resolved", "reminder"]);
    const [resolved, reminder] = alertPlan.announcements;
    expect(changesToRecord(alertPlan, [[resolved]], { complete: true })).toEqual([
      { type: "delete", accessKeyId: keyId(9) },
    ]);
    expect(changesToRecord(alertPlan, [[reminder]], { complete: true })).toEqual([reminder.change]);
  });
});

describe("messagesPostedBefore", () => {
  it("reads a delivery error's count of accepted messages", () => {
    expect(messagesPostedBefore(Object.assign(new Error("no_service"), { messagesPosted: 2 }))).toBe(2);
  });

  it("is 0 for errors without a usable count", () => {
    expect(messagesPostedBefore(new Error("boom"))).toBe(0);
    expect(messagesPostedBefore(Object.assign(new Error("x"), { messagesPosted: "2" }))).toBe(0);
    expect(messagesPostedBefore(Object.assign(new Error("x"), { messagesPosted: -1 }))).toBe(0);
    expect(messagesPostedBefore(null)).toBe(0);
    expect(messagesPostedBefore("text")).toBe(0);
  });
});

describe("changesNotIn", () => {
  test("keeps only the changes a later step added or replaced", () => {
    const a = { type: "delete" as const, accessKeyId: keyId(1) };
    const b = { type: "delete" as const, accessKeyId: keyId(2) };
    const replaced = { type: "delete" as const, accessKeyId: keyId(2) };
    expect(changesNotIn([a, replaced], [a, b])).toEqual([replaced]);
    expect(changesNotIn([a], [a])).toEqual([]);
  });
});
