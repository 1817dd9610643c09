import { planAlerts, type AlertRecord } from "../../../handler/alerts/alert-transitions";
import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import type { AccessKeyInventory } from "../../../handler/scan/inventory";
import {
  NOT_FOUND,
  announcementsWithOwnerProblems,
  ownerEmails,
  ownerProblems,
  planOwnerDeliveries,
  recordOwnerOutcome,
  renderOwnerMessages,
  splitPendingResolutions,
  withOwnerProblems,
  type OwnerLookup,
} from "../../../handler/slack/owner-messages";
import { renderDigest } from "../../../handler/slack/render-digest";
import { expectWithinSlackLimits } from "../support/slack-digest-assertions";
import { DAY, NOW, activeKey, ago, keyId } from "../support/inventory-builders";

// Slack text carries invisible word joiners that defuse links and mentions; tests read past them.
const visible = (text: string) => text.replaceAll("\u2060", "");

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const REMIND = DAY;
const ALICE = "alice@example.com";
const BOB = "bob@example.com";

const inventory = (owner: string, ...keys: ReturnType<typeof activeKey>[]): AccessKeyInventory => ({
  users: [{ userName: "svc-deploy", accessKeys: keys, tags: { "key-age:owner": owner } }],
});
const classify = (inv: AccessKeyInventory) => classifyKeys(inv, THRESHOLDS, NOW);
const lookups = (entries: OwnerLookup[]) => new Map(entries.map((entry) => [entry.email, entry]));
const record = (n: number, extra: Partial<AlertRecord> = {}): AlertRecord => ({
  accessKeyId: keyId(n),
  userName: "svc-deploy",
  status: "critical",
  announcedAt: ago(DAY / 2),
  since: ago(3 * DAY),
  expiresAt: new Date(NOW.getTime() + 20 * DAY),
  ...extra,
});
const CONTEXT = { accountId: "123456789012", environmentName: "prod", channel: "#key-age", now: NOW };

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

describe("owner lookups in the channel digest", () => {
  it("says which owner Slack does not know, on the key's line, and lists the key all the same", () => {
    const classification = classify(inventory(ALICE, activeKey(1, 95 * DAY, DAY)));
    const problems = ownerProblems(lookups([{ email: ALICE, problem: NOT_FOUND }]));
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

  it("names a failed lookup with its reason", () => {
    const problems = ownerProblems(
      lookups([
        { email: BOB, problem: "missing_scope" },
        { email: ALICE, userId: "U1ALICE" },
      ]),
    );
    expect([...problems]).toEqual([
      [BOB, "owner bob@example.com could not be messaged (missing_scope), so only this channel is told"],
    ]);
  });
});

describe("renderOwnerMessages", () => {
  it("renders one message per owner Slack knows, with the channel's wording and within Slack's limits", () => {
    const classification = classify(
      inventory(`${ALICE} ${BOB}`, activeKey(1, 95 * DAY, DAY), activeKey(2, 85 * DAY, DAY)),
    );
    const plan = planAlerts({ records: [], classification, now: NOW, remindEveryMs: REMIND });
    const deliveries = planOwnerDeliveries({ classification, announcements: plan.announcements });
    const messages = renderOwnerMessages(
      deliveries,
      lookups([
        { email: ALICE, userId: "U1ALICE" },
        { email: BOB, problem: NOT_FOUND },
      ]),
      CONTEXT,
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ email: ALICE, userId: "U1ALICE", accessKeyIds: [keyId(1), keyId(2)] });
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
    const [message] = renderOwnerMessages(deliveries, lookups([{ email: ALICE, userId: "U1ALICE" }]), {
      ...CONTEXT,
      deactivationSchedules: new Map([[keyId(1), schedule]]),
    });
    expect(visible(JSON.stringify(message.message.blocks))).toContain("deactivation 2025-06-08 12:00 UTC");
  });

  it("counts the keys beyond its budget instead of dropping them", () => {
    const keys = Array.from({ length: 5 }, (_, i) => activeKey(i + 1, 95 * DAY, DAY));
    const classification = classify(inventory(ALICE, ...keys));
    const deliveries = planOwnerDeliveries({ classification });
    const [message] = renderOwnerMessages(deliveries, lookups([{ email: ALICE, userId: "U1ALICE" }]), {
      ...CONTEXT,
      maxKeys: 3,
    });
    expect(visible(JSON.stringify(message.message.blocks))).toContain("… and 2 more of your keys, listed in #key-age.");
  });
});

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
