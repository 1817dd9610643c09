import { planAlerts } from "../../../../handler/alerts/alert-transitions";
import {
  ownerEmails,
  planOwnerDeliveries,
  splitPendingResolutions,
} from "../../../../handler/slack/owners/plan-owner-deliveries";
import { DAY, NOW, activeKey, keyId } from "../../support/inventory-builders";
import { ALICE, BOB, REMIND, classify, inventory, record } from "../../support/owner-fixtures";

describe("planOwnerDeliveries", () => {
  it("tells each announced key's owners, and nobody about keys without an owner address", () => {
    const classification = classify(
      inventory(`${ALICE} U012AB3CD`, activeKey(1, 95 * DAY, DAY), activeKey(2, DAY, DAY)),
    );
    const plan = planAlerts({ records: [], classification, now: NOW, remindEveryMs: REMIND });
    const deliveries = planOwnerDeliveries({ classification, announcements: plan.announcements });
    expect(deliveries).toEqual([
      expect.objectContaining({
        accessKeyId: keyId(1),
        emails: [ALICE],
        retry: false,
        notice: expect.objectContaining({ kind: "new" }),
      }),
    ]);
    expect(ownerEmails(deliveries)).toEqual([ALICE]);
  });

  it("without alert state tells every flagged key, as the channel does", () => {
    const classification = classify(inventory(ALICE, activeKey(1, 95 * DAY, DAY)));
    expect(planOwnerDeliveries({ classification })).toEqual([
      expect.objectContaining({ accessKeyId: keyId(1), notice: expect.objectContaining({ kind: "flagged" }) }),
    ]);
  });

  it("resolves to the remembered owners once the key and its tags are gone", () => {
    const classification = classify({ users: [] });
    const records = [record(1, { owners: { emails: [ALICE] } })];
    const plan = planAlerts({ records, classification, now: NOW, remindEveryMs: REMIND });
    expect(planOwnerDeliveries({ classification, announcements: plan.announcements, records })).toEqual([
      expect.objectContaining({ emails: [ALICE], notice: expect.objectContaining({ kind: "resolved" }) }),
    ]);
  });

  it("retries only the owner whose message failed, for a key this run does not announce", () => {
    const classification = classify(inventory(`${ALICE} ${BOB}`, activeKey(1, 95 * DAY, DAY)));
    const records = [record(1, { owners: { emails: [ALICE, BOB], pending: [BOB], pendingKind: "new" } })];
    const plan = planAlerts({ records, classification, now: NOW, remindEveryMs: REMIND });
    expect(plan.announcements).toEqual([]);
    const deliveries = planOwnerDeliveries({ classification, announcements: plan.announcements, records });
    expect(deliveries).toEqual([
      expect.objectContaining({ emails: [BOB], retry: true, notice: expect.objectContaining({ kind: "new" }) }),
    ]);
  });

  it("keeps a failed resolution out of the channel and retries it as a direct message", () => {
    const pending = record(1, { owners: { emails: [ALICE], pending: [ALICE], pendingKind: "resolved" } });
    const split = splitPendingResolutions([pending, record(2)]);
    expect(split.records.map((r) => r.accessKeyId)).toEqual([keyId(2)]);
    const classification = classify({ users: [] });
    expect(
      planOwnerDeliveries({ classification, announcements: [], pendingResolutions: split.pendingResolutions }),
    ).toEqual([
      expect.objectContaining({ emails: [ALICE], retry: true, notice: expect.objectContaining({ kind: "resolved" }) }),
    ]);
  });
});
