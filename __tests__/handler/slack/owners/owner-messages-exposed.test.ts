import { planAlerts } from "../../../../handler/alerts/alert-transitions";
import { classifyKeys, type Thresholds } from "../../../../handler/scan/classify";
import { planOwnerDeliveries } from "../../../../handler/slack/owners/plan-owner-deliveries";
import { renderOwnerMessages } from "../../../../handler/slack/owners/render-owner-messages";
import { expectWithinSlackLimits } from "../../support/slack-digest-assertions";
import { DAY, NOW, activeKey } from "../../support/inventory-builders";

const visible = (text: string) => text.replaceAll("\u2060", "");
const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const ALICE = "alice@example.com";

describe("the owner's direct message about an exposed key", () => {
  it("says plainly that the key leaked and what to do now", () => {
    const classification = classifyKeys(
      {
        users: [
          {
            userName: "svc-deploy",
            accessKeys: [activeKey(1, 2 * DAY, DAY)],
            tags: { "key-age:owner": ALICE },
            attachedPolicyArns: ["arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3"],
          },
        ],
      },
      THRESHOLDS,
      NOW,
    );
    const plan = planAlerts({ records: [], classification, now: NOW, remindEveryMs: DAY });
    const deliveries = planOwnerDeliveries({ classification, announcements: plan.announcements });
    const [message] = renderOwnerMessages(deliveries, {
      accountId: "123456789012",
      environmentName: "prod",
      channel: "#key-age",
      now: NOW,
    });
    expectWithinSlackLimits(message.message);
    const text = visible(JSON.stringify(message.message.blocks));
    expect(text).toContain("Your IAM access key has leaked · prod · 123456789012");
    expect(text).toContain("*AWS reports that your access key has leaked*");
    expect(text).toContain("rotate it now");
    expect(text).toContain("review CloudTrail for everything this key did");
    expect(text).toContain("check the account for users, keys, roles or resources you did not create");
    expect(text).toContain(
      ":rotating_light: *Exposed* · `svc-deploy` · `AKIA…0001` · AWS quarantine policy AWSCompromisedKeyQuarantineV3 attached",
    );
    expect(message.message.text).toBe(
      "AWS reports your IAM access key in prod · 123456789012 has leaked: rotate it now",
    );
  });
});
