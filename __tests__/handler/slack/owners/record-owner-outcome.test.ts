import { planAlerts, type AlertRecord } from "../../../../handler/alerts/alert-transitions";
import { planOwnerDeliveries, splitPendingResolutions } from "../../../../handler/slack/owners/plan-owner-deliveries";
import { recordOwnerOutcome } from "../../../../handler/slack/owners/record-owner-outcome";
import { DAY, NOW, activeKey, keyId } from "../../support/inventory-builders";
import { ALICE, BOB, REMIND, classify, inventory, record } from "../../support/owner-fixtures";

describe("recordOwnerOutcome", () => {
  const classification = classify(inventory(`${ALICE} ${BOB}`, activeKey(1, 95 * DAY, DAY)));

  it("remembers the owners of an announced key and marks the one whose message failed", () => {
    const plan = planAlerts({ records: [], classification, now: NOW, remindEveryMs: REMIND });
    const deliveries = planOwnerDeliveries({ classification, announcements: plan.announcements });
    const changes = recordOwnerOutcome({
      changes: plan.announcements.map((a) => a.change),
      deliveries,
      failed: new Set([BOB]),
      records: [],
    });
    expect(changes).toEqual([
      {
        type: "put",
        record: expect.objectContaining({
          accessKeyId: keyId(1),
          owners: { emails: [ALICE, BOB], pending: [BOB], pendingKind: "new" },
        }),
      },
    ]);
  });

  it("clears the marker once the retried message went out, keeping the rest of the record", () => {
    const records = [record(1, { owners: { emails: [ALICE, BOB], pending: [BOB], pendingKind: "new" } })];
    const plan = planAlerts({ records, classification, now: NOW, remindEveryMs: REMIND });
    const deliveries = planOwnerDeliveries({ classification, announcements: plan.announcements, records });
    const changes = recordOwnerOutcome({ changes: plan.silentChanges, deliveries, failed: new Set(), records });
    expect(changes).toEqual([{ type: "put", record: { ...records[0], owners: { emails: [ALICE, BOB] } } }]);
  });

  it("keeps a resolution whose message failed, and deletes it once the owner was told", () => {
    const gone = classify({ users: [] });
    const records = [record(1, { owners: { emails: [ALICE] } })];
    const plan = planAlerts({ records, classification: gone, now: NOW, remindEveryMs: REMIND });
    const deliveries = planOwnerDeliveries({ classification: gone, announcements: plan.announcements, records });
    const failedOnce = recordOwnerOutcome({
      changes: plan.announcements.map((a) => a.change),
      deliveries,
      failed: new Set([ALICE]),
      records,
    });
    expect(failedOnce).toEqual([
      {
        type: "put",
        record: { ...records[0], owners: { emails: [ALICE], pending: [ALICE], pendingKind: "resolved" } },
      },
    ]);

    const next = [(failedOnce[0] as { record: AlertRecord }).record];
    const split = splitPendingResolutions(next);
    const retry = planOwnerDeliveries({
      classification: gone,
      announcements: [],
      pendingResolutions: split.pendingResolutions,
    });
    expect(recordOwnerOutcome({ changes: [], deliveries: retry, failed: new Set(), records: next })).toEqual([
      { type: "delete", accessKeyId: keyId(1) },
    ]);
  });
});
