import type { AlertRecord, StateChange } from "../../../handler/alerts/alert-transitions";
import type { TagNoteChange, TagProblemNote } from "../../../handler/alerts/tag-problem-notes";
import { loadConfig } from "../../../handler/runtime/config/config";
import type { AccessKeyInventory, ScanResult } from "../../../handler/scan/inventory";
import type { SlackMessage } from "../../../handler/slack/slack-message";
import { SlackDeliveryError } from "../../../handler/slack/deliver-to-slack";
import { createLogger, type LogEntry } from "../../../handler/runtime/logger";
import { runMonitor, type RunMonitorDeps } from "../../../handler/monitor/run-monitor";
import { DAY, NOW, activeKey, inventoryOf } from "../support/inventory-builders";
import { listedKeyLines } from "../support/slack-digest-assertions";

const WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXX";

/** An in-memory alert-state table shared by consecutive runs, like the DynamoDB table. */
function memoryTable() {
  const items = new Map<string, AlertRecord>();
  return {
    items,
    load: async () => [...items.values()],
    apply: async (changes: readonly StateChange[]) => {
      for (const change of changes) {
        if (change.type === "put") items.set(change.record.accessKeyId, change.record);
        else items.delete(change.accessKeyId);
      }
    },
  };
}

function monitor(table: ReturnType<typeof memoryTable>, env: Record<string, string> = {}) {
  const posted: SlackMessage[][] = [];
  const logs: LogEntry[] = [];
  let failNext: Error | undefined;
  const run = (inventory: AccessKeyInventory, at: Date, overrides: Partial<RunMonitorDeps> = {}) => {
    const scan: ScanResult = { inventory, stats: { apiCalls: 1, skippedUsers: [], missingWatchedUsers: [] } };
    return runMonitor({
      config: loadConfig({ SLACK_WEBHOOK_URL: WEBHOOK, ALERT_STATE_TABLE: "state", ENVIRONMENT_NAME: "prod", ...env }),
      scan: async () => scan,
      accountId: async () => "123456789012",
      webhookUrl: async () => WEBHOOK,
      deliver: async (messages) => {
        if (failNext) {
          const error = failNext;
          failNext = undefined;
          throw error;
        }
        posted.push([...messages]);
        return { messagesPosted: messages.length };
      },
      now: () => at,
      logger: createLogger({ write: (entry) => logs.push(entry) }),
      alertState: table,
      ...overrides,
    });
  };
  return { run, posted, logs, failOnce: (error: Error) => (failNext = error) };
}

const at = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);
const lines = (messages: SlackMessage[] | undefined) => listedKeyLines(messages ?? []);

describe("runMonitor with alert state", () => {
  const oldKey = inventoryOf([activeKey(1, 95 * DAY, DAY), activeKey(2, DAY, DAY)]);

  it("announces once, stays silent while unchanged, reminds after REMIND_EVERY and announces the resolution once", async () => {
    const table = memoryTable();
    const { run, posted } = monitor(table, { REMIND_EVERY: "24h" });

    await expect(run(oldKey, at(0))).resolves.toMatchObject({
      outcome: "alerted",
      alerts: { new: 1, worse: 0, reminder: 0, resolved: 0, unchanged: 0 },
    });
    expect(lines(posted[0])).toEqual([expect.stringMatching(/^:red_circle: \*Critical\* · `user-0001` .* · \*new\*$/)]);

    await expect(run(oldKey, at(1))).resolves.toMatchObject({
      outcome: "unchanged",
      messagesPosted: 0,
      alerts: { unchanged: 1 },
    });
    await expect(run(oldKey, at(23))).resolves.toMatchObject({ outcome: "unchanged" });
    expect(posted).toHaveLength(1);

    await expect(run(oldKey, at(24))).resolves.toMatchObject({ outcome: "alerted", alerts: { reminder: 1 } });
    expect(lines(posted[1])[0]).toMatch(/reminder: open for 1d$/);

    const rotated = inventoryOf([activeKey(3, 0, 0), activeKey(2, DAY, DAY)]);
    await expect(run(rotated, at(25))).resolves.toMatchObject({ outcome: "alerted", alerts: { resolved: 1 } });
    expect(lines(posted[2])).toEqual([
      ":white_check_mark: *Resolved* · `user-0001` · `AKIA…0001` · was critical · key deleted or rotated",
    ]);
    await expect(run(rotated, at(26))).resolves.toMatchObject({ outcome: "nothing-flagged", messagesPosted: 0 });
    expect(posted).toHaveLength(3);
    expect(table.items.size).toBe(0);
  });

  it("records nothing when Slack fails, so the next run sends the alert again", async () => {
    const table = memoryTable();
    const { run, posted, failOnce } = monitor(table);
    failOnce(
      new SlackDeliveryError("Slack did not accept the message", {
        reason: "HTTP 500",
        status: 500,
        messagesPosted: 0,
      }),
    );
    await expect(run(oldKey, at(0))).rejects.toThrow("Slack did not accept");
    expect(table.items.size).toBe(0);
    await expect(run(oldKey, at(0.2))).resolves.toMatchObject({ outcome: "alerted", alerts: { new: 1 } });
    expect(posted).toHaveLength(1);
  });

  it("records what a partly delivered digest did deliver, so only the rest is sent again", async () => {
    const table = memoryTable();
    const { run, posted, failOnce } = monitor(table);
    const many = inventoryOf(Array.from({ length: 150 }, (_, i) => activeKey(i + 1, 95 * DAY, DAY)));
    failOnce(
      new SlackDeliveryError("Slack rejected message 2 of 2", { reason: "no_service", status: 404, messagesPosted: 1 }),
    );
    await expect(run(many, at(0))).rejects.toThrow("message 2 of 2");
    expect(table.items.size).toBe(100); // the first message listed 100 keys
    await expect(run(many, at(0.2))).resolves.toMatchObject({ alerts: { new: 50, unchanged: 100 } });
    expect(lines(posted[0])).toHaveLength(50);
  });

  it("names every one of 1,000 flagged keys within 4 runs, recording only what Slack was shown by name", async () => {
    const table = memoryTable();
    const { run, posted } = monitor(table);
    const many = inventoryOf(Array.from({ length: 1_000 }, (_, i) => activeKey(i + 1, 95 * DAY + i * 60_000, DAY)));
    const seen = new Set<string>();
    for (const [index, expected] of [300, 600, 900, 1_000].entries()) {
      const summary = await run(many, at(index / 6));
      expect(summary).toMatchObject({ outcome: "alerted", listedKeys: expected - index * 300 });
      expect(table.items.size).toBe(expected);
      const shown = lines(posted[index]).map((line) => /`(user-\d+)`/.exec(line)?.[1]);
      for (const user of shown) {
        expect(seen.has(user as string)).toBe(false); // named once, not again without a reason
        seen.add(user as string);
      }
    }
    expect(seen.size).toBe(1_000);
    // The overflow note of the first run said how to see them all at once.
    expect(JSON.stringify(posted[0].at(-1)?.blocks.at(-1))).toContain(
      "… and 700 more keys not listed (700 new). They stay due: the next runs name them, most severe first. " +
        "Every key now: `npx key-age scan --environment prod` with credentials for account `123456789012`.",
    );
    await expect(run(many, at(5 / 6))).resolves.toMatchObject({ outcome: "unchanged", messagesPosted: 0 });
  });

  it("shows resolutions before due reminders, and keeps what it could not show due", async () => {
    const table = memoryTable();
    const { run, posted } = monitor(table);
    const keys = Array.from({ length: 400 }, (_, i) => activeKey(i + 1, 95 * DAY, DAY));
    for (let i = 0; i < 4; i += 1) await run(inventoryOf(keys), at(i / 6));
    expect(table.items.size).toBe(400);
    // A day later 390 keys are due a reminder and 10 were deleted.
    const summary = await run(inventoryOf(keys.slice(0, 390)), at(25));
    expect(summary).toMatchObject({ alerts: { reminder: 390, resolved: 10 }, listedKeys: 300, unlistedKeys: 100 });
    const shown = lines(posted.at(-1));
    expect(shown.filter((line) => line.includes("*Resolved*"))).toHaveLength(10);
    expect(table.items.size).toBe(390); // the 10 resolutions were shown, so their records are gone
    const reminded = [...table.items.values()].filter((record) => record.announcedAt.getTime() === at(25).getTime());
    expect(reminded).toHaveLength(290);
    // The 100 reminders it could not show are still due: the next run shows exactly them.
    await expect(run(inventoryOf(keys.slice(0, 390)), at(25 + 1 / 6))).resolves.toMatchObject({
      alerts: { reminder: 100 },
      listedKeys: 100,
      unlistedKeys: 0,
    });
  });

  it("does not announce twice when Lambda delivers the same event again", async () => {
    const table = memoryTable();
    const { run, posted } = monitor(table);
    const trigger = { eventId: "5e1b-event", heartbeat: false };
    await run(oldKey, at(0), { trigger });
    await expect(run(oldKey, at(30), { trigger })).resolves.toMatchObject({ outcome: "unchanged", messagesPosted: 0 });
    expect(posted).toHaveLength(1);
    await expect(run(oldKey, at(30), { trigger: { eventId: "next-event", heartbeat: false } })).resolves.toMatchObject({
      alerts: { reminder: 1 },
    });
  });

  it("posts the all-clear on a heartbeat run when nothing else is posted, and stays quiet otherwise", async () => {
    const table = memoryTable();
    const { run, posted } = monitor(table);
    const healthy = inventoryOf([activeKey(2, DAY, DAY)]);
    await expect(run(healthy, at(0))).resolves.toMatchObject({ outcome: "nothing-flagged", messagesPosted: 0 });
    await expect(run(healthy, at(1), { trigger: { heartbeat: true } })).resolves.toMatchObject({
      outcome: "heartbeat",
      heartbeat: true,
      messagesPosted: 1,
    });
    expect(posted[0][0].text).toBe("IAM access keys in prod (123456789012): 1 key checked, none need attention");

    // A heartbeat run that announces something posts only the announcement.
    await expect(run(oldKey, at(2), { trigger: { heartbeat: true } })).resolves.toMatchObject({
      outcome: "alerted",
      messagesPosted: 1,
    });
    expect(posted[1][0].text).toMatch(/^IAM access keys need attention/);
  });

  it("does not write state in a dry run", async () => {
    const table = memoryTable();
    const { run, logs } = monitor(table, { DRY_RUN: "true" });
    await expect(run(oldKey, at(0), { webhookUrl: undefined })).resolves.toMatchObject({
      outcome: "dry-run",
      alerts: { new: 1 },
    });
    expect(table.items.size).toBe(0);
    expect(logs[0]).toMatchObject({ message: "dry run: Slack payload not posted" });
  });

  it("fails the run without posting when the state cannot be read", async () => {
    const { run, posted } = monitor({ ...memoryTable(), load: async () => Promise.reject(new Error("AccessDenied")) });
    await expect(run(oldKey, at(0))).rejects.toThrow("AccessDenied");
    expect(posted).toHaveLength(0);
  });
});

describe("runMonitor: tag problems with alert state", () => {
  /** The memory table plus tag-problem notes, as the DynamoDB store keeps them. */
  function tableWithNotes() {
    const table = memoryTable();
    const notes = new Map<string, TagProblemNote>();
    return {
      ...table,
      notes,
      loadTagNotes: async () => [...notes.values()],
      applyTagNotes: async (changes: readonly TagNoteChange[]) => {
        for (const change of changes) {
          if (change.type === "put") notes.set(change.note.userName, change.note);
          else notes.delete(change.userName);
        }
      },
    };
  }
  const typoed = (value: string): AccessKeyInventory => ({
    users: [{ userName: "svc", accessKeys: [activeKey(1, DAY, DAY)], tags: { "key-age:critical-age": value } }],
  });

  it("announces a tag problem of a user whose keys are ok once, and again when the value changes", async () => {
    const table = tableWithNotes();
    const { run, posted } = monitor(table as unknown as ReturnType<typeof memoryTable>, {});
    await expect(run(typoed("30 d"), at(0))).resolves.toMatchObject({ outcome: "alerted", flaggedKeys: 0 });
    expect(JSON.stringify(posted[0])).toContain(
      'Tag problems* (1 user):\\n• `svc`: tag key-age:critical-age=\\"30 d\\" is ignored',
    );
    await run(typoed("30 d"), at(1));
    await run(typoed("30 d"), at(30));
    expect(posted).toHaveLength(1);
    await run(typoed("30 days"), at(31));
    expect(posted).toHaveLength(2);
    expect(JSON.stringify(posted[1])).toContain("30 days");
    // Fixed: the note is dropped without a message.
    await run(typoed("30d"), at(32));
    expect(posted).toHaveLength(2);
    expect(table.notes.size).toBe(0);
  });

  it("does not remember a tag problem Slack did not accept", async () => {
    const table = tableWithNotes();
    const { run, posted, failOnce } = monitor(table as unknown as ReturnType<typeof memoryTable>, {});
    failOnce(
      new SlackDeliveryError("Slack answered 500", { reason: "internal_error", status: 500, messagesPosted: 0 }),
    );
    await expect(run(typoed("30 d"), at(0))).rejects.toThrow();
    expect(table.notes.size).toBe(0);
    await run(typoed("30 d"), at(1));
    expect(posted).toHaveLength(1);
  });
});
