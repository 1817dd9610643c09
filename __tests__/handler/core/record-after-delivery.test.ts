import { planAlerts, type AlertPlan } from "../../../handler/core/alert-transitions";
import { classifyKeys, type Thresholds } from "../../../handler/core/classify";
import { changesToRecord, messagesPostedBefore } from "../../../handler/core/record-after-delivery";
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
  it("records every change, silent ones included, after a complete delivery", () => {
    const alertPlan = plan();
    expect(alertPlan.announcements).toHaveLength(3);
    expect(alertPlan.silentChanges).toHaveLength(1);
    const changes = changesToRecord(alertPlan, [2, 1], { complete: true });
    expect(changes).toEqual([...alertPlan.silentChanges, ...alertPlan.announcements.map((a) => a.change)]);
  });

  it("records only the announcements of the messages Slack accepted after a failure part-way", () => {
    const alertPlan = plan();
    const changes = changesToRecord(alertPlan, [2, 1], { complete: false, messagesPosted: 1 });
    expect(changes).toEqual(alertPlan.announcements.slice(0, 2).map((a) => a.change));
    expect(keyIdsOf(changes)).not.toContain(keyId(4));
  });

  it("records nothing when no message was accepted, or when the accepted one named no key", () => {
    expect(changesToRecord(plan(), [2, 1], { complete: false, messagesPosted: 0 })).toEqual([]);
    expect(changesToRecord(plan(), [0], { complete: false, messagesPosted: 1 })).toEqual([]);
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
