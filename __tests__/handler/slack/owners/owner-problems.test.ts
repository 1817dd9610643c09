import { planAlerts } from "../../../../handler/alerts/alert-transitions";
import {
  announcementsWithOwnerProblems,
  ownerProblems,
  withOwnerProblems,
} from "../../../../handler/slack/owners/owner-problems";
import { renderDigest } from "../../../../handler/slack/render-digest";
import { DAY, NOW, activeKey, keyId } from "../../support/inventory-builders";
import { ALICE, BOB, REMIND, classify, inventory, visible } from "../../support/owner-fixtures";

describe("owners unknown to Slack in the channel digest", () => {
  it("says which owner Slack does not know, on the key's line, and lists the key all the same", () => {
    const classification = classify(inventory(ALICE, activeKey(1, 95 * DAY, DAY)));
    const problems = ownerProblems([ALICE]);
    const plan = planAlerts({ records: [], classification, now: NOW, remindEveryMs: REMIND });
    const digest = renderDigest({
      classification: withOwnerProblems(classification, problems),
      announcements: announcementsWithOwnerProblems(plan.announcements, problems),
      accountId: "123456789012",
      thresholdLabels: { warningAgeMs: "80d", criticalAgeMs: "90d", unusedAgeMs: "45d" },
      now: NOW,
    });
    const text = visible(JSON.stringify(digest.messages));
    expect(text).toContain("owner alice@example.com not found in Slack, so only this channel is told");
    expect(text).toContain(`\`${keyId(1).slice(0, 4)}…${keyId(1).slice(-4)}\``);
  });

  it("words each address an earlier run found unknown to Slack", () => {
    expect([...ownerProblems([BOB])]).toEqual([
      [BOB, "owner bob@example.com not found in Slack, so only this channel is told"],
    ]);
  });
});
