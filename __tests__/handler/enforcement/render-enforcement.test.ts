import type { KeyFinding } from "../../../handler/scan/classify";
import type { EnforcementEvent } from "../../../handler/enforcement/plan-enforcement";
import { renderEnforcement, restoreCommand } from "../../../handler/enforcement/render-enforcement";
import { expectWithinSlackLimits } from "../support/slack-digest-assertions";
import type { SlackMessage } from "../../../handler/slack/slack-message";
import { DAY, NOW, ago, keyId } from "../support/inventory-builders";

const finding = (n: number, userName = `user-${n}`): KeyFinding => ({
  userName,
  accessKeyId: keyId(n),
  state: "Active",
  status: "critical",
  createDate: ago(130 * DAY),
  ageMs: 130 * DAY,
  owners: ["<@U012AB3CD>"],
});
const record = (n: number) => ({ accessKeyId: keyId(n), userName: `user-${n}`, reactivations: 0, expiresAt: NOW });
const render = (events: EnforcementEvent[], mode: "dry-run" | "armed" = "armed") => {
  const messages = renderEnforcement({ events, mode, accountId: "123456789012", environmentName: "prod", now: NOW });
  for (const { message } of messages) expectWithinSlackLimits(message);
  return messages;
};
const sectionsOf = (message: SlackMessage) =>
  message.blocks.flatMap((block) => (block.type === "section" ? [block.text.text] : []));
const texts = (events: EnforcementEvent[], mode: "dry-run" | "armed" = "armed") => {
  const messages = render(events, mode);
  return {
    named: messages.flatMap((part) => part.named),
    text: messages.flatMap((part) => sectionsOf(part.message)).join("\n"),
  };
};

describe("renderEnforcement", () => {
  test("names each key with its date, mentions its owners, and says 'would' in a dry run", () => {
    const notice: EnforcementEvent = {
      kind: "notice",
      finding: finding(1),
      date: new Date(NOW.getTime() + 7 * DAY),
      setting: "DEACTIVATE_AGE=120d",
      change: record(1),
    };
    expect(texts([notice]).text).toBe(
      ":calendar: *To be deactivated on 2025-06-08 12:00 UTC* · `user-1` · `AKIA…0001` · age 130d · DEACTIVATE_AGE=120d · <@U012AB3CD>",
    );
    expect(texts([notice], "dry-run").text).toContain("*Would be deactivated on 2025-06-08 12:00 UTC*");
  });

  test("a deactivation carries the command that restores it, without the full key id", () => {
    const { text } = texts([
      {
        kind: "deactivated",
        finding: finding(1),
        setting: "DEACTIVATE_AGE=120d",
        deactivatedAt: NOW,
        change: record(1),
      },
    ]);
    expect(text).toContain(restoreCommand("user-1", keyId(1)));
    expect(text).not.toContain(keyId(1));
    expect(restoreCommand("o'brien", keyId(1))).toContain("--user-name 'o'\\''brien'");
  });

  test("a fresh notice says why the earlier one lapsed; a failed record is said beside the deactivation", () => {
    const { text } = texts([
      {
        kind: "notice",
        finding: finding(1),
        date: NOW,
        setting: "DEACTIVATE_AGE=120d",
        lapse: "the key was exempt (tag key-age:exempt-until=2025-06-21)",
        change: record(1),
      },
      {
        kind: "deactivated",
        finding: finding(2),
        setting: "DEACTIVATE_AGE=120d",
        deactivatedAt: NOW,
        recordFailed: "AccessDeniedException: no",
        change: record(2),
      },
    ]);
    expect(text).toContain("· a new notice: the key was exempt (tag key-age:exempt-until=2025-06-21)");
    expect(text).toContain(restoreCommand("user-2", keyId(2)));
    expect(text).toContain("could not record this deactivation (AccessDeniedException: no)");
  });

  test("a person's reactivation names the new date; an unconfirmed deactivation is not blamed on a person", () => {
    const { text } = texts([
      {
        kind: "reactivated",
        finding: finding(1),
        by: "person",
        offAt: NOW,
        date: new Date(NOW.getTime() + 7 * DAY),
        setting: "DEACTIVATE_AGE=120d",
        change: record(1),
      },
    ]);
    expect(text).toContain(
      "*Reactivated by a person* · `user-1` · `AKIA…0001` · switched off by hand (seen 2025-06-01 12:00 UTC), active again " +
        "at 2025-06-01 12:00 UTC · new date 2025-06-08 12:00 UTC: not deactivated again before it (a fresh notice period)",
    );
    const unconfirmed = texts([
      { kind: "reactivated", finding: finding(1), by: "unconfirmed", offAt: NOW, change: record(1) },
    ]).text;
    expect(unconfirmed).toContain(
      "*Active after an unconfirmed deactivation* · `user-1` · `AKIA…0001` · the monitor meant to deactivate it at " +
        "2025-06-01 12:00 UTC but cannot confirm it did",
    );
    expect(unconfirmed).toContain("no deactivation date: enforcement does not apply to it now");
  });

  test("the brake names every held key, each line whole, across as many messages as Slack's limits need", () => {
    // 35 keys of 64-character user names: one section cannot hold them all.
    const held: EnforcementEvent[] = Array.from({ length: 35 }, (_, i) => ({
      kind: "held",
      key: {
        finding: finding(i + 1, `${"u".repeat(60)}${String(i + 1).padStart(4, "0")}`),
        date: NOW,
        setting: "DEACTIVATE_AGE=120d",
      },
      change: record(i + 1),
    }));
    const brake: EnforcementEvent = { kind: "brake", held: 35, inWindow: 2, limit: 5, allowsAt: NOW };
    const { text, named } = texts([
      { kind: "left-alone", finding: finding(99), reason: "the key was deleted or rotated since the scan" },
      ...held,
      brake,
    ]);
    expect(
      text.startsWith(":octagonal_sign: *Enforcement brake engaged: 35 keys due*, 2 deactivated in the last 24 hours"),
    ).toBe(true);
    expect(text).toContain("MAX_DEACTIVATIONS_PER_DAY=5 in any 24 hours, so none was deactivated");
    expect(text).toContain("held until the 24-hour window allows them, at 2025-06-01 12:00 UTC at the earliest");
    const lines = text.split("\n").filter((line) => line.startsWith("• "));
    expect(lines).toHaveLength(35);
    for (const line of lines)
      expect(line).toMatch(/^• `u{60}\d{4}` · `AKIA…\d{4}` · age 130d · due .* · DEACTIVATE_AGE=120d$/);
    expect(named).toHaveLength(37);
  });

  test("more entries than one message holds: every one is named, in numbered messages", () => {
    const events: EnforcementEvent[] = Array.from({ length: 1500 }, (_, i) => ({
      kind: i % 2 === 0 ? "notice" : "left-alone",
      finding: finding(i + 1, `${"n".repeat(60)}${String(i + 1).padStart(4, "0")}`),
      date: NOW,
      setting: "DEACTIVATE_AGE=120d",
      reason: "the key was deleted or rotated since the scan",
      change: record(i + 1),
    })) as EnforcementEvent[];
    const messages = render(events);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.flatMap((part) => part.named)).toHaveLength(1500);
    const header = (message: SlackMessage) => (message.blocks[0].type === "header" ? message.blocks[0].text.text : "");
    expect(header(messages[0].message)).toBe(`IAM key enforcement (1/${messages.length}) · prod · 123456789012`);
    const named = new Set(messages.flatMap((part) => part.named));
    expect(events.every((event) => named.has(event))).toBe(true);
  });

  test("nothing to say renders nothing", () => {
    expect(renderEnforcement({ events: [], mode: "armed", accountId: "1", now: NOW })).toEqual([]);
  });
});

describe("renderEnforcement with KEY_USAGE=on", () => {
  test("a key that is or will be deactivated shows its usage line, made inert; others show none", () => {
    const usageLines = new Map([
      [keyId(1), "1,234 calls in the last 30 days: s3 1,234 · from 203.0.113.7 · with <!channel> *Terraform*"],
      [keyId(2), "No calls in the last 30 days (CloudTrail management events, 2 regions)."],
    ]);
    const events: EnforcementEvent[] = [
      {
        kind: "notice",
        finding: finding(1),
        date: new Date(NOW.getTime() + 7 * DAY),
        setting: "DEACTIVATE_AGE=120d",
        change: record(1),
      },
      { kind: "left-alone", finding: finding(2), reason: "the key is inactive now" },
    ];
    const [part] = renderEnforcement({
      events,
      mode: "armed",
      accountId: "123456789012",
      now: NOW,
      usageLines,
    });
    // inertText breaks what Slack would link (an IP) with invisible word joiners.
    const text = sectionsOf(part.message)
      .join("\n")
      .replace(/\u2060/g, "");
    expect(text).toContain(
      "\n      Used: 1,234 calls in the last 30 days: s3 1,234 · from 203.0.113.7 · with &lt;!channel&gt;",
    );
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("*Terraform*");
    // A key left alone is not going anywhere: no usage under it.
    expect(text).not.toContain("No calls");
  });
});
