import { isWorse, planAlerts, type AlertRecord, type AlertStatus } from "../../../handler/alerts/alert-transitions";
import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import type { AccessKeyInventory, UserRecord } from "../../../handler/scan/inventory";
import { maskAccessKeyId } from "../../../handler/runtime/mask";
import { changesToRecord } from "../../../handler/alerts/record-after-delivery";
import { renderDigest } from "../../../handler/slack/render-digest";
import { DAY, MINUTE, NOW, keyId } from "../support/inventory-builders";
import { expectWithinSlackLimits, listedKeyLines } from "../support/slack-digest-assertions";

const HOUR = 60 * MINUTE;
const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const LABELS = { warningAgeMs: "80d", criticalAgeMs: "90d", unusedAgeMs: "45d" };
const REMIND_EVERY = 24 * HOUR;
const RUN_EVERY = 10 * MINUTE;
// renderDigest's default budget: 3 messages of 100 keys.
const NAMES_PER_RUN = 300;

const FLAGGED = 1_000;
const DELETED_AT = NOW.getTime() + 30 * MINUTE; // keys 0–49 are deleted: 50 resolutions
const LATECOMERS_AT = NOW.getTime() + 2 * HOUR; // 100 old keys of new users appear at once

/**
 * One account over a day and more, scanned every 10 minutes: 600 critical keys, 300 warning keys
 * that turn critical one every 5 minutes, 100 unused keys; 50 keys deleted after 30 minutes; 100
 * more critical keys appear after 2 hours.
 */
function inventoryAt(now: number): AccessKeyInventory {
  const users: UserRecord[] = [];
  const add = (i: number, ageMs: number, used: boolean): void => {
    users.push({
      userName: `user-${String(i).padStart(4, "0")}`,
      accessKeys: [
        {
          accessKeyId: keyId(i),
          state: "Active",
          createDate: new Date(now - ageMs),
          ...(used ? { lastUsedDate: new Date(now - HOUR), lastUsedService: "s3" } : {}),
        },
      ],
    });
  };
  const elapsed = now - NOW.getTime();
  for (let i = 0; i < FLAGGED; i += 1) {
    if (i < 50 && now >= DELETED_AT) continue;
    if (i < 600) add(i, 95 * DAY + i * MINUTE + elapsed, true);
    else if (i < 900) add(i, 90 * DAY - (i - 600) * 5 * MINUTE - MINUTE + elapsed, true);
    else add(i, 60 * DAY + elapsed, false);
  }
  if (now >= LATECOMERS_AT) for (let i = FLAGGED; i < FLAGGED + 100; i += 1) add(i, 100 * DAY, true);
  return { users };
}

/** What the channel was last told about a key, as the test tracks it from the messages alone. */
interface Told {
  readonly status: AlertStatus | "resolved";
  readonly at: number;
}

describe("every flagged key is named within a bounded number of runs (pure multi-run simulation)", () => {
  it("names 1,000+ keys by name within ceil(due / 300) runs, and never announces a key twice without a reason", () => {
    const table = new Map<string, AlertRecord>();
    const told = new Map<string, Told>();
    // When Slack first owed a key a message (new, worse, reminder or resolution), until it is named.
    const owedSince = new Map<string, number>();
    const named = new Set<string>();
    let maxDelay = 0;
    let overflowRuns = 0;

    const runs = Math.ceil((REMIND_EVERY + 2 * HOUR) / RUN_EVERY);
    for (let run = 0; run <= runs; run += 1) {
      const now = NOW.getTime() + run * RUN_EVERY;
      const classification = classifyKeys(inventoryAt(now), THRESHOLDS, new Date(now));
      const status = new Map(classification.flagged.map((f) => [f.accessKeyId, f.status as AlertStatus]));

      // What Slack is owed now, judged from what it was told, not from the alert state.
      for (const id of new Set([...status.keys(), ...told.keys()])) {
        const current = status.get(id);
        const last = told.get(id);
        const owed = current
          ? !last || last.status === "resolved" || isWorse(current, last.status) || now - last.at >= REMIND_EVERY
          : last !== undefined && last.status !== "resolved";
        if (owed && !owedSince.has(id)) owedSince.set(id, run);
        if (!owed) owedSince.delete(id);
      }

      const plan = planAlerts({
        records: [...table.values()],
        classification,
        now: new Date(now),
        remindEveryMs: REMIND_EVERY,
        eventId: `tick-${run}`,
      });
      const digest = renderDigest({
        classification,
        accountId: "123456789012",
        environmentName: "prod",
        thresholdLabels: LABELS,
        now: new Date(now),
        announcements: plan.announcements,
      });
      digest.messages.forEach(expectWithinSlackLimits);
      if (digest.unlistedKeys > 0) overflowRuns += 1;
      const lines = listedKeyLines(digest.messages);
      const namedNow = digest.namedPerMessage.flat();
      expect(lines).toHaveLength(namedNow.length);
      expect(namedNow.length).toBe(Math.min(NAMES_PER_RUN, plan.announcements.length));

      for (const [index, announcement] of namedNow.entries()) {
        const id =
          announcement.kind === "resolved" ? announcement.previous.accessKeyId : announcement.finding.accessKeyId;
        const user = announcement.kind === "resolved" ? announcement.previous.userName : announcement.finding.userName;
        // Named in Slack: the line shows the user and the masked key.
        expect(lines[index]).toContain(`\`${user}\` · \`${maskAccessKeyId(id)}\``);
        // Never twice without a reason.
        const last = told.get(id);
        const current = status.get(id);
        const reason =
          announcement.kind === "new"
            ? current !== undefined && (!last || last.status === "resolved")
            : announcement.kind === "worse"
              ? current !== undefined &&
                last?.status !== "resolved" &&
                last !== undefined &&
                isWorse(current, last.status)
              : announcement.kind === "reminder"
                ? current !== undefined && last !== undefined && now - last.at >= REMIND_EVERY
                : current === undefined && last !== undefined && last.status !== "resolved";
        expect({ run, id, kind: announcement.kind, reason }).toEqual({
          run,
          id,
          kind: announcement.kind,
          reason: true,
        });
        told.set(id, { status: announcement.kind === "resolved" ? "resolved" : (current as AlertStatus), at: now });
        named.add(id);
        maxDelay = Math.max(maxDelay, run - (owedSince.get(id) ?? run));
        owedSince.delete(id);
      }

      // Slack accepted every message: record what they named, and nothing else.
      for (const change of changesToRecord(plan, digest.namedPerMessage, { complete: true })) {
        if (change.type === "put") table.set(change.record.accessKeyId, change.record);
        else table.delete(change.accessKeyId);
      }
    }

    // Every key was named, the deleted ones were named again as resolved, and nothing is left owed.
    expect(named.size).toBe(FLAGGED + 100);
    for (let i = 0; i < 50; i += 1) expect(told.get(keyId(i))?.status).toBe("resolved");
    expect([...owedSince.keys()]).toEqual([]);
    // The budget was exceeded (so the bound means something), and no key waited longer than the
    // runs needed to name everything owed at once: 1,000 keys at 300 a run take 4 runs.
    expect(overflowRuns).toBeGreaterThanOrEqual(3);
    expect(maxDelay).toBeGreaterThan(0);
    expect(maxDelay).toBeLessThanOrEqual(Math.ceil(FLAGGED / NAMES_PER_RUN) - 1);
  });
});
