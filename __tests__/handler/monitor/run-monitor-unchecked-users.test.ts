import type { AlertRecord, StateChange } from "../../../handler/alerts/alert-transitions";
import { loadConfig } from "../../../handler/runtime/config/config";
import type { ScanResult, UserRecord } from "../../../handler/scan/inventory";
import type { SlackMessage } from "../../../handler/slack/slack-message";
import { createLogger, type LogEntry } from "../../../handler/runtime/logger";
import { runMonitor } from "../../../handler/monitor/run-monitor";
import { DAY, NOW, activeKey } from "../support/inventory-builders";

// A scan that stopped on its time budget: what it found is posted, the unchecked users are named in
// their own message, their alerts are left alone, the next run checks them first, and the run fails.
const WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXX";

const user = (name: string, n: number, ageDays: number): UserRecord => ({
  userName: name,
  accessKeys: [activeKey(n, ageDays * DAY, DAY)],
});

function harness(env: Record<string, string> = {}) {
  const items = new Map<string, AlertRecord>();
  let remembered: readonly string[] = [];
  const posted: SlackMessage[][] = [];
  const logs: LogEntry[] = [];
  const checkFirstSeen: (readonly string[])[] = [];
  const run = (scan: ScanResult, at: Date, trigger = { heartbeat: false }) =>
    runMonitor({
      config: loadConfig({ SLACK_WEBHOOK_URL: WEBHOOK, ALERT_STATE_TABLE: "state", ENVIRONMENT_NAME: "prod", ...env }),
      scan: async ({ checkFirst }) => {
        checkFirstSeen.push(checkFirst);
        return scan;
      },
      accountId: async () => "123456789012",
      webhookUrl: async () => WEBHOOK,
      deliver: async (messages) => {
        posted.push([...messages]);
        return { messagesPosted: messages.length };
      },
      now: () => at,
      logger: createLogger({ write: (entry) => logs.push(entry) }),
      trigger,
      alertState: {
        load: async () => [...items.values()],
        apply: async (changes: readonly StateChange[]) => {
          for (const change of changes) {
            if (change.type === "put") items.set(change.record.accessKeyId, change.record);
            else items.delete(change.accessKeyId);
          }
        },
      },
      uncheckedUsers: {
        load: async () => remembered,
        save: async (users) => {
          remembered = users;
        },
      },
    });
  return { run, items, posted, logs, checkFirstSeen, remembered: () => remembered };
}

const stats = (uncheckedUsers?: string[]) => ({
  apiCalls: 3,
  skippedUsers: [],
  missingWatchedUsers: [],
  throttledRequests: 40,
  retries: 42,
  ...(uncheckedUsers ? { uncheckedUsers } : {}),
});

describe("runMonitor when the scan stopped on its time budget", () => {
  it("posts the findings and the unchecked users, keeps their alerts, remembers them and fails the run", async () => {
    const h = harness();
    // First run, complete: alice and bob both hold a critical key.
    await h.run({ inventory: { users: [user("alice", 1, 95), user("bob", 2, 95)] }, stats: stats() }, NOW);
    expect(h.items.size).toBe(2);

    // Second run: only carol (new critical key) was checked; alice and bob ran out of time.
    const later = new Date(NOW.getTime() + 25 * 3_600_000);
    const incomplete = { inventory: { users: [user("carol", 3, 95)] }, stats: stats(["bob", "alice"]) };
    await expect(h.run(incomplete, later)).rejects.toThrow(
      "The scan ran out of time before checking 2 users (alice, bob); what it found was posted, and the next run checks these users first",
    );
    const [digest, unchecked] = h.posted[1] ?? [];
    expect(JSON.stringify(digest)).toContain("carol");
    // Neither resolved as deleted nor reminded: their keys are unknown this run.
    expect(JSON.stringify(digest)).not.toMatch(/alice|bob|Resolved/);
    expect(unchecked?.text).toBe(
      "IAM access keys in prod · 123456789012: the scan ran out of time, 2 users not checked",
    );
    expect(JSON.stringify(unchecked)).toContain("`alice`, `bob`");
    expect([...h.items.values()].map((record) => record.userName).sort()).toEqual(["alice", "bob", "carol"]);
    expect(h.remembered()).toEqual(["bob", "alice"]);

    // The run's line carries the figures and the metrics the alarm watches.
    const line = h.logs.find((entry) => entry.message === "key-age scan stopped on its time budget");
    expect(line).toMatchObject({
      level: "warn",
      uncheckedUsers: 2,
      uncheckedNamed: "alice, bob",
      throttledRequests: 40,
      retries: 42,
      UncheckedUsers: 2,
      ThrottledRequests: 40,
      Retries: 42,
    });
    expect(h.logs.at(-1)).toMatchObject({ level: "error", errorName: "ScanIncompleteError" });

    // Third run: the scan is asked to check them first; once complete, the list is cleared.
    const done = {
      inventory: { users: [user("alice", 1, 95), user("bob", 2, 95), user("carol", 3, 95)] },
      stats: stats(),
    };
    await expect(h.run(done, new Date(later.getTime() + 600_000))).resolves.toMatchObject({ uncheckedUsers: 0 });
    expect(h.checkFirstSeen).toEqual([[], [], ["bob", "alice"]]);
    expect(h.remembered()).toEqual([]);
  });

  it("never posts the heartbeat's all-clear while users are unchecked", async () => {
    const h = harness();
    const healthy = { inventory: { users: [user("dave", 4, 1)] }, stats: stats(["erin"]) };
    await expect(h.run(healthy, NOW, { heartbeat: true })).rejects.toThrow("checking 1 user (erin)");
    expect(h.posted).toHaveLength(1);
    expect(h.posted[0]).toHaveLength(1);
    expect(JSON.stringify(h.posted[0])).not.toMatch(/all clear|none need attention/);
    expect(JSON.stringify(h.posted[0])).toContain("1 user not checked");
  });
});
