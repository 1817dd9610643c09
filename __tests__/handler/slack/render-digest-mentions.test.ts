import { planAlerts, type Announcement, type AlertRecord } from "../../../handler/alerts/alert-transitions";
import { classifyKeys, type KeyFinding, type Thresholds } from "../../../handler/scan/classify";
import type { MessageStyle } from "../../../handler/runtime/config/config";
import type { AccessKeyInventory } from "../../../handler/scan/inventory";
import { renderDigest, renderHeartbeat, type DigestInput } from "../../../handler/slack/render-digest";
import { ROTATE_ACCESS_KEYS_DOCS_URL } from "../../../handler/slack/remediation";
import type { SlackMessage } from "../../../handler/slack/slack-message";
import { DAY, NOW, ago } from "../support/inventory-builders";
import { expectWithinSlackLimits } from "../support/slack-digest-assertions";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };

/** Text that Slack would turn into a broadcast, a mention, a channel link or a link if passed through. */
const HOSTILE = [
  "<!channel>",
  "<!here|here>",
  "<!everyone>",
  "<!subteam^S0EVIL|@ops>",
  "<@U0EVIL>",
  "@channel",
  "@here",
  "@everyone",
  "#general",
  "<https://evil.example/login|Click me>",
  "https://evil.example/x",
  "evil.example",
  "mail@evil.example",
  "a & b",
  "`closed` @here",
] as const;

/** The one mention a message may carry: a validated `key-age:owner`. */
const OWNER = "U012AB3CD";
const OWNER_MENTION = `<@${OWNER}>`;

/** Every hostile value as a user name, a key id, a last-use service and in every `key-age:*` tag. */
function hostileInventory(): AccessKeyInventory {
  return {
    users: HOSTILE.map((value, i) => ({
      userName: value,
      tags: {
        "key-age:owner": `${OWNER} ${value}`,
        "key-age:exempt-until": value,
        "key-age:warning-age": value,
      },
      accessKeys: [
        {
          accessKeyId: `${value}${String(i).padStart(10, "0")}${value}`,
          state: "Active",
          createDate: ago((95 + i) * DAY),
          lastUsedDate: ago(DAY),
          lastUsedService: value,
        },
      ],
    })),
  };
}

function digestInput(style: MessageStyle, announcements?: readonly Announcement[]): DigestInput {
  return {
    classification: classifyKeys(hostileInventory(), THRESHOLDS, NOW),
    accountId: "<!channel> 123456789012",
    environmentName: "@here prod <!everyone> https://evil.example",
    missingWatchedUsers: [...HOSTILE],
    skippedUsers: [...HOSTILE],
    thresholdLabels: { warningAgeMs: "<!here>", criticalAgeMs: "@channel", unusedAgeMs: "evil.example" },
    style,
    now: NOW,
    ...(announcements ? { announcements } : {}),
  };
}

/** Announcements of every kind, each about a hostile user, key and tag values. */
function hostileAnnouncements(): Announcement[] {
  const classification = classifyKeys(hostileInventory(), THRESHOLDS, NOW);
  const record = (finding: KeyFinding, status: AlertRecord["status"], announcedAgoMs: number): AlertRecord => ({
    accessKeyId: finding.accessKeyId,
    userName: finding.userName,
    status,
    announcedAt: ago(announcedAgoMs),
    since: ago(announcedAgoMs + DAY),
    expiresAt: new Date(NOW.getTime() + 10 * DAY),
  });
  const [first, second, ...rest] = classification.findings;
  const gone = HOSTILE.map((value, i) => ({ ...record(first, "warning", DAY), accessKeyId: `gone-${i}-${value}` }));
  const goneUsers = gone.map((entry, i) => ({ ...entry, userName: HOSTILE[i] }));
  const plan = planAlerts({
    records: [record(first, "warning", DAY), record(second, "critical", 2 * DAY), ...goneUsers],
    classification: { ...classification, findings: [first, second, ...rest.slice(0, 5)] },
    now: NOW,
    remindEveryMs: DAY,
  });
  expect(new Set(plan.announcements.map((a) => a.kind))).toEqual(new Set(["new", "worse", "reminder", "resolved"]));
  // An exemption and per-user limits cannot carry such text through the tag parser; render them anyway.
  const exempted: Announcement = {
    kind: "resolved",
    reason: "exempted",
    previous: record(first, "critical", DAY),
    finding: { ...first, status: "exempt", exemptUntil: HOSTILE.join(" ") },
    change: { type: "delete", accessKeyId: first.accessKeyId },
  };
  const limited: Announcement = {
    kind: "new",
    finding: { ...second, status: "critical", customLimits: { warningAge: "<!here>", criticalAge: "@channel" } },
    change: { type: "delete", accessKeyId: second.accessKeyId },
  };
  return [...plan.announcements, exempted, limited];
}

/** Every text Slack renders or notifies with: fallback, header, sections and context elements. */
function texts(messages: readonly SlackMessage[]): string[] {
  return messages.flatMap((message) => [
    message.text,
    ...message.blocks.flatMap((block) => {
      if (block.type === "header" || block.type === "section") return [block.text.text];
      if (block.type === "context") return block.elements.map((element) => element.text);
      return [];
    }),
  ]);
}

// The one link the digest means to carry: AWS's rotation guide beside the remediation lines.
const DOCS_LINK = `<${ROTATE_ACCESS_KEYS_DOCS_URL}|How to rotate access keys (AWS)>`;

/** Asserts that nothing but the owner's mention (and the docs link) can become markup, and that the text is still there. */
function expectOnlyOwnerMentions(messages: readonly SlackMessage[]): void {
  expect(messages.length).toBeGreaterThan(0);
  messages.forEach(expectWithinSlackLimits);
  const all = texts(messages);
  for (const text of all) {
    const rest = text.split(OWNER_MENTION).join("").split(DOCS_LINK).join("");
    expect(rest).not.toMatch(/[<>]/); // no <!channel>, <!here>, <!subteam^…>, <@U…>, <#C…> or <url|label>
    expect(rest).not.toMatch(/&(?!(amp|lt|gt);)/);
    expect(rest).not.toMatch(/(^|[^\p{L}\p{N}_])[@#][\p{L}\p{N}_]/u); // @channel, @here, #general
    expect(rest).not.toContain("://");
    for (const line of rest.split("\n")) expect((line.match(/`/g) ?? []).length % 2).toBe(0);
    // Outside code spans Slack links bare domains and addresses: those must be broken up as well.
    expect(rest.replace(/`[^`\n]*`/g, "")).not.toMatch(/evil\.example/);
  }
  // Defused, not dropped: the hostile text is still shown.
  const joined = all.join("\n");
  expect(joined).toContain("&lt;!channel&gt;");
  expect(joined).toContain("@\u2060here");
}

describe("renderDigest never lets free text become a mention, a broadcast or a link", () => {
  it.each(["digest", "original"] as const)("stateless, %s style", (style) => {
    const input = digestInput(style);
    const digest = renderDigest(input);
    expectOnlyOwnerMentions(digest.messages);
    expect(digest.listedKeys).toBe(HOSTILE.length);
    expect(JSON.stringify(digest.messages)).toContain(OWNER_MENTION);
  });

  it.each(["digest", "original"] as const)("with every kind of announcement, %s style", (style) => {
    const announcements = hostileAnnouncements();
    const digest = renderDigest(digestInput(style, announcements));
    expectOnlyOwnerMentions(digest.messages);
    expect(digest.namedPerMessage.flat()).toEqual(announcements);
  });

  it.each(["digest", "original"] as const)("in the overflow note and its CLI command, %s style", (style) => {
    const digest = renderDigest(digestInput(style), { maxMessages: 1, maxKeysPerMessage: 2 });
    expectOnlyOwnerMentions(digest.messages);
    expect(digest.unlistedKeys).toBe(HOSTILE.length - 2);
    expect(JSON.stringify(digest.messages)).toContain("npx key-age scan --environment");
  });

  it("in the heartbeat", () => {
    const { classification, accountId, environmentName, missingWatchedUsers } = digestInput("digest");
    const heartbeat = renderHeartbeat({
      classification: { ...classification, flagged: [] },
      accountId,
      ...(environmentName ? { environmentName } : {}),
      ...(missingWatchedUsers ? { missingWatchedUsers } : {}),
      now: NOW,
    });
    const all = texts([heartbeat]);
    expect(all.join("\n")).not.toContain(OWNER_MENTION);
    for (const text of all) {
      expect(text).not.toMatch(/[<>]/);
      expect(text).not.toMatch(/(^|[^\p{L}\p{N}_])[@#][\p{L}\p{N}_]/u);
      expect(text).not.toContain("://");
    }
  });
});
