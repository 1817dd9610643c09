import { planAlerts, type AlertRecord } from "../../../handler/alerts/alert-transitions";
import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import type { AccessKeyInventory } from "../../../handler/scan/inventory";
import { renderDigest, renderHeartbeat, type DigestInput } from "../../../handler/slack/render-digest";
import { DAY, NOW, activeKey, ago, inventoryOf, keyId } from "../support/inventory-builders";
import { expectWithinSlackLimits, listedKeyLines } from "../support/slack-digest-assertions";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const LABELS = { warningAgeMs: "80d", criticalAgeMs: "90d", unusedAgeMs: "45d" };

function input(
  inventory: AccessKeyInventory,
  records: AlertRecord[] = [],
  extra: Partial<DigestInput> = {},
): DigestInput {
  const classification = classifyKeys(inventory, THRESHOLDS, NOW);
  const { announcements } = planAlerts({ records, classification, now: NOW, remindEveryMs: DAY });
  return {
    classification,
    accountId: "123456789012",
    environmentName: "prod",
    thresholdLabels: LABELS,
    now: NOW,
    announcements,
    ...extra,
  };
}

const remembered = (n: number, status: AlertRecord["status"], userName = "alice"): AlertRecord => ({
  accessKeyId: keyId(n),
  userName,
  status,
  announcedAt: ago(DAY),
  since: ago(5 * DAY),
  expiresAt: new Date(NOW.getTime() + DAY),
});

describe("renderDigest with announcements", () => {
  it("lists new, worse, reminder and resolved keys, each with its reason", () => {
    const inventory: AccessKeyInventory = {
      users: [
        {
          userName: "alice",
          accessKeys: [activeKey(1, 95 * DAY, DAY), activeKey(2, 96 * DAY, DAY), activeKey(3, 97 * DAY, DAY)],
        },
      ],
    };
    const digestInput = input(inventory, [
      remembered(2, "warning"),
      remembered(3, "critical"),
      remembered(4, "unused"),
    ]);
    const digest = renderDigest(digestInput);
    expect(digest.messages).toHaveLength(1);
    digest.messages.forEach(expectWithinSlackLimits);
    expect(listedKeyLines(digest.messages)).toEqual([
      ":red_circle: *Critical* · `alice` · `AKIA…0002` · age 96d · last used 1d ago (s3) · *worse*, was warning",
      ":red_circle: *Critical* · `alice` · `AKIA…0001` · age 95d · last used 1d ago (s3) · *new*",
      ":white_check_mark: *Resolved* · `alice` · `AKIA…0004` · was unused · key deleted or rotated",
      ":red_circle: *Critical* · `alice` · `AKIA…0003` · age 97d · last used 1d ago (s3) · reminder: open for 5d",
    ]);
    expect(digest.messages[0].text).toBe(
      "IAM access keys need attention in prod (123456789012): 1 worse, 1 new, 1 resolved, 1 reminder, 3 critical, 0 warning, 0 unused",
    );
    expect(digest.namedPerMessage).toEqual([digestInput.announcements]);
  });

  it("renders nothing when there is nothing to announce, even with flagged keys", () => {
    const inventory = inventoryOf([activeKey(1, 95 * DAY, DAY)]);
    const { classification } = input(inventory);
    const quiet = renderDigest({ ...input(inventory), announcements: [], missingWatchedUsers: ["ghost"] });
    expect(classification.flagged).toHaveLength(1);
    expect(quiet).toEqual({ messages: [], listedKeys: 0, unlistedKeys: 0, namedPerMessage: [] });
  });

  it("says 'resolved' rather than 'need attention' when only resolutions are announced", () => {
    const exempted: AccessKeyInventory = {
      users: [
        {
          userName: "alice",
          tags: { "key-age:exempt-until": "2025-12-31" },
          accessKeys: [activeKey(1, 95 * DAY, DAY)],
        },
      ],
    };
    const [message] = renderDigest(input(exempted, [remembered(1, "critical")])).messages;
    expect(message.blocks[0]).toMatchObject({ text: { text: "IAM access key alerts resolved · prod · 123456789012" } });
    expect(message.text).toMatch(/^IAM access key alerts resolved in prod/);
    expect(listedKeyLines([message])).toEqual([
      ":white_check_mark: *Resolved* · `alice` · `AKIA…0001` · was critical · exempt until 2025-12-31",
    ]);
    expect(JSON.stringify(message.blocks)).toContain("*Exempt:* 1");
  });

  it("mentions owners on alerts (and in the notification text), not on resolutions, and points out bad tags", () => {
    const inventory: AccessKeyInventory = {
      users: [
        {
          userName: "svc",
          tags: { "key-age:owner": "U012AB3CD S0PLATFORM", "key-age:exempt-until": "soon" },
          accessKeys: [activeKey(1, 95 * DAY, DAY)],
        },
        { userName: "old", tags: { "key-age:owner": "U0OTHER" }, accessKeys: [activeKey(2, 10 * DAY, DAY)] },
      ],
    };
    const [message] = renderDigest(input(inventory, [remembered(2, "warning", "old")])).messages;
    const lines = listedKeyLines([message]);
    expect(lines[0]).toBe(
      ":red_circle: *Critical* · `svc` · `AKIA…0001` · age 95d · last used 1d ago (s3) · *new* · <@U012AB3CD> <!subteam^S0PLATFORM>" +
        ' · :warning: tag key-age:exempt-until="soon" is not a date (YYYY-MM-DD), so the key is not exempt',
    );
    expect(lines[1]).not.toContain("<@U0OTHER>");
    expect(message.text.endsWith(" <@U012AB3CD> <!subteam^S0PLATFORM>")).toBe(true);
  });

  it("shows per-user limits and works in the original style", () => {
    const inventory: AccessKeyInventory = {
      users: [
        {
          userName: "svc",
          tags: { "key-age:warning-age": "30d", "key-age:critical-age": "60d" },
          accessKeys: [activeKey(1, 61 * DAY, DAY)],
        },
      ],
    };
    expect(listedKeyLines(renderDigest(input(inventory)).messages)[0]).toMatch(
      /· \*new\* · user limits: warning at 30d, critical at 60d$/,
    );
    const original = renderDigest(input(inventory, [], { style: "original" }));
    expect(listedKeyLines(original.messages)[0]).toBe(
      "svc's key AKIA…0001 is out of control. We must rotate the key! · user limits: warning at 30d, critical at 60d",
    );
    const resolved = renderDigest(input({ users: [] }, [remembered(1, "critical", "svc")], { style: "original" }));
    expect(listedKeyLines(resolved.messages)).toEqual([
      "svc's key AKIA…0001 is no longer a problem: key deleted or rotated.",
    ]);
  });

  it("keeps a flood of announcements within Slack's limits and summarizes the rest by kind", () => {
    const inventory = inventoryOf(Array.from({ length: 400 }, (_, i) => activeKey(i, 95 * DAY, DAY)));
    const records = Array.from({ length: 100 }, (_, i) => remembered(10_000 + i, "warning"));
    const digest = renderDigest(input(inventory, records));
    digest.messages.forEach(expectWithinSlackLimits);
    expect(digest.listedKeys + digest.unlistedKeys).toBe(500);
    expect(digest.namedPerMessage.flat()).toHaveLength(digest.listedKeys);
    const note = digest.messages.at(-1)?.blocks.at(-1);
    expect(note).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text:
          "… and 200 more keys not listed (100 new, 100 resolved). They stay due: the next runs name them, most severe first. " +
          "Every key now: `npx key-age scan --environment prod` with credentials for account `123456789012`.",
      },
    });
    // Only what has its own line counts as named: the first 300 announcements, in order.
    expect(digest.namedPerMessage.map((named) => named.length)).toEqual([100, 100, 100]);
    expect(digest.namedPerMessage.flat()).toEqual(input(inventory, records).announcements?.slice(0, 300));
  });
});

describe("renderDigest without announcements (stateless)", () => {
  it("still lists every flagged key, now with owners and tag notes", () => {
    const inventory: AccessKeyInventory = {
      users: [{ userName: "svc", tags: { "key-age:owner": "nobody" }, accessKeys: [activeKey(1, 95 * DAY, DAY)] }],
    };
    const { announcements: _unused, ...stateless } = input(inventory);
    const lines = listedKeyLines(renderDigest(stateless).messages);
    expect(lines).toEqual([
      ':red_circle: *Critical* · `svc` · `AKIA…0001` · age 95d · last used 1d ago (s3) · :warning: tag key-age:owner="nobody": "nobody" is not a Slack member ID (U…, W…), user-group ID (S…) or email address',
    ]);
  });
});

describe("renderHeartbeat", () => {
  it("posts a short all-clear when no key needs attention", () => {
    const classification = classifyKeys(
      inventoryOf([activeKey(1, DAY, DAY), activeKey(2, 2 * DAY, DAY)]),
      THRESHOLDS,
      NOW,
    );
    const message = renderHeartbeat({ classification, accountId: "123456789012", environmentName: "prod", now: NOW });
    expectWithinSlackLimits(message);
    expect(message.text).toBe("IAM access keys in prod (123456789012): 2 keys checked, none need attention");
    expect(message.blocks[0]).toMatchObject({ text: { text: "IAM access keys · all clear · prod · 123456789012" } });
    expect(message.blocks[1]).toMatchObject({
      text: { text: ":white_check_mark: 2 keys of 2 users checked, none need attention." },
    });
  });

  it("does not claim all clear while announced keys are still flagged", () => {
    const classification = classifyKeys(
      inventoryOf([activeKey(1, 95 * DAY, DAY), activeKey(2, DAY, DAY)]),
      THRESHOLDS,
      NOW,
    );
    const message = renderHeartbeat({ classification, accountId: "123456789012", now: NOW });
    expectWithinSlackLimits(message);
    expect(message.text).toBe("IAM access keys in 123456789012: 2 keys checked, 1 still need attention");
    expect(JSON.stringify(message.blocks)).toContain(
      "1 still needs attention (1 critical, 0 warning, 0 unused), already announced",
    );
  });
});
