import type { KeyFinding } from "../../../handler/scan/classify";
import type { DueKey, EnforcementEvent } from "../../../handler/enforcement/plan-enforcement";
import { renderEnforcement, restoreCommand } from "../../../handler/enforcement/render-enforcement";
import { expectWithinSlackLimits } from "../support/slack-digest-assertions";
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
const texts = (events: EnforcementEvent[], mode: "dry-run" | "armed" = "armed") => {
  const { message, named } = renderEnforcement({
    events,
    mode,
    accountId: "123456789012",
    environmentName: "prod",
    now: NOW,
  });
  if (message) expectWithinSlackLimits(message);
  return {
    named,
    text: message?.blocks.flatMap((block) => (block.type === "section" ? [block.text.text] : [])).join("\n") ?? "",
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

  test("the brake leads and lists every due key up to a bound, then counts the rest", () => {
    const due: DueKey[] = Array.from({ length: 45 }, (_, i) => ({
      finding: finding(i + 1),
      date: NOW,
      setting: "DEACTIVATE_AGE=120d",
    }));
    const brake: EnforcementEvent = { kind: "brake", due, maxPerRun: 5, changes: [] };
    const { text, named } = texts([
      { kind: "left-alone", finding: finding(99), reason: "the key was deleted or rotated since the scan" },
      brake,
    ]);
    expect(
      text.startsWith(
        ":octagonal_sign: *Enforcement brake engaged: 45 keys due*, more than MAX_DEACTIVATIONS_PER_RUN=5",
      ),
    ).toBe(true);
    expect(text).toContain("• … and 15 more");
    expect(named.map((event) => event.kind)).toEqual(["brake", "left-alone"]);
  });

  test("more entries than one message holds: the rest are counted and not reported as named", () => {
    const events: EnforcementEvent[] = Array.from({ length: 45 }, (_, i) => ({
      kind: "notice",
      finding: finding(i + 1),
      date: NOW,
      setting: "DEACTIVATE_AGE=120d",
      change: record(i + 1),
    }));
    const { text, named } = texts(events);
    expect(named).toHaveLength(40);
    expect(text).toContain("… and 5 more enforcement entries, named in the next run.");
  });

  test("nothing to say renders nothing", () => {
    expect(renderEnforcement({ events: [], mode: "armed", accountId: "1", now: NOW })).toEqual({ named: [] });
  });
});
