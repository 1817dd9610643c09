import { planAlerts } from "../../../../handler/alerts/alert-transitions";
import { planOwnerDeliveries } from "../../../../handler/slack/owners/plan-owner-deliveries";
import { renderOwnerMessages } from "../../../../handler/slack/owners/render-owner-messages";
import { DAY, NOW, activeKey, keyId } from "../../support/inventory-builders";
import { ALICE, BOB, CONTEXT, REMIND, classify, inventory, visible } from "../../support/owner-fixtures";
import { expectWithinSlackLimits } from "../../support/slack-digest-assertions";

describe("renderOwnerMessages", () => {
  it("renders one message per owner, with the channel's wording and within Slack's limits", () => {
    const classification = classify(
      inventory(`${ALICE} ${BOB}`, activeKey(1, 95 * DAY, DAY), activeKey(2, 85 * DAY, DAY)),
    );
    const plan = planAlerts({ records: [], classification, now: NOW, remindEveryMs: REMIND });
    const deliveries = planOwnerDeliveries({ classification, announcements: plan.announcements });
    const messages = renderOwnerMessages(deliveries, CONTEXT);
    expect(messages.map((m) => m.email)).toEqual([ALICE, BOB]);
    expect(messages[0]).toMatchObject({ email: ALICE, accessKeyIds: [keyId(1), keyId(2)] });
    expectWithinSlackLimits(messages[0].message);
    const text = visible(JSON.stringify(messages[0].message.blocks));
    expect(text).toContain("Your IAM access keys need attention · prod · 123456789012");
    expect(text).toContain("*Critical* · `svc-deploy`");
    expect(text).toContain("*Warning* · `svc-deploy`");
    expect(text).toContain("The team's digest is in #key-age");
    // The owner's own address on each line would say nothing to them.
    expect(text).not.toContain("owner alice@example.com");
    expect(messages[0].message.text).toBe("2 of your IAM access keys in prod · 123456789012: new");
  });

  it("shows the owner the key's deactivation date, as the channel does", () => {
    const classification = classify(inventory(ALICE, activeKey(1, 95 * DAY, DAY)));
    const plan = planAlerts({ records: [], classification, now: NOW, remindEveryMs: REMIND });
    const deliveries = planOwnerDeliveries({ classification, announcements: plan.announcements });
    const schedule = {
      kind: "date" as const,
      date: new Date("2025-06-08T12:00:00Z"),
      ageDue: new Date("2025-06-01T12:00:00Z"),
      setting: "DEACTIVATE_AGE=95d",
      ageMs: 95 * DAY,
      noticed: true,
    };
    const [message] = renderOwnerMessages(deliveries, {
      ...CONTEXT,
      deactivationSchedules: new Map([[keyId(1), schedule]]),
    });
    expect(visible(JSON.stringify(message.message.blocks))).toContain("deactivation 2025-06-08 12:00 UTC");
  });

  it("counts the keys beyond its budget instead of dropping them", () => {
    const keys = Array.from({ length: 5 }, (_, i) => activeKey(i + 1, 95 * DAY, DAY));
    const classification = classify(inventory(ALICE, ...keys));
    const deliveries = planOwnerDeliveries({ classification });
    const [message] = renderOwnerMessages(deliveries, {
      ...CONTEXT,
      maxKeys: 3,
    });
    expect(visible(JSON.stringify(message.message.blocks))).toContain("… and 2 more of your keys, listed in #key-age.");
  });
});

describe("renderOwnerMessages with KEY_USAGE=on", () => {
  it("shows each key's usage line under it, made inert, and none for a key without one", () => {
    const classification = classify(inventory(ALICE, activeKey(1, 95 * DAY, DAY), activeKey(2, 85 * DAY, DAY)));
    const plan = planAlerts({ records: [], classification, now: NOW, remindEveryMs: REMIND });
    const deliveries = planOwnerDeliveries({ classification, announcements: plan.announcements });
    const line =
      "12 calls in the last 30 days, last 2025-05-31 10:00 UTC: sts 12 · from 198.51.100.2 · with @here aws-cli";
    const [message] = renderOwnerMessages(deliveries, { ...CONTEXT, usageLines: new Map([[keyId(1), line]]) });
    const blocks = JSON.stringify(message.message.blocks);
    expect(visible(blocks)).toContain("Used: 12 calls in the last 30 days, last 2025-05-31 10:00 UTC: sts 12");
    expect(blocks).not.toContain("@here");
    expect(visible(blocks).match(/Used:/g)).toHaveLength(1);
    expectWithinSlackLimits(message.message);
  });
});
