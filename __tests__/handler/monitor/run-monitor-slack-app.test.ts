import type { AlertRecord, StateChange } from "../../../handler/alerts/alert-transitions";
import { loadConfig } from "../../../handler/runtime/config/config";
import { createLogger, type LogEntry } from "../../../handler/runtime/logger";
import type { AccessKeyInventory, ScanResult } from "../../../handler/scan/inventory";
import { freshOwners } from "../../../handler/slack/owners/owner-cache";
import { createMemoryOwnerCacheStore } from "../../../handler/slack/owners/owner-cache-store";
import type { OwnerMessage } from "../../../handler/slack/owners/render-owner-messages";
import type { OwnerOutcome } from "../../../handler/slack/owners/tell-owners";
import type { SlackMessage } from "../../../handler/slack/slack-message";
import { SlackDeliveryError } from "../../../handler/slack/deliver-to-slack";
import type { SlackAppSession } from "../../../handler/slack/slack-app";
import { runMonitor, type RunMonitorDeps } from "../../../handler/monitor/run-monitor";
import { DAY, NOW, activeKey, keyId } from "../support/inventory-builders";

// Slack text carries invisible word joiners that defuse links and mentions; tests read past them.
const visible = (text: string) => text.replaceAll("\u2060", "");

const TOKEN = "xoxb-1111-2222-s3cr3t";

/**
 * A Slack app that keeps what it was asked, in memory: members by address, an owner cache in memory.
 * `failOnce` makes the next digest fail; `killOwners` makes the owners' step die like a killed
 * invocation, before any owner is told.
 */
function fakeApp(members: Record<string, string>) {
  const channel: SlackMessage[] = [];
  const direct: (OwnerMessage & { userId: string })[] = [];
  const cache = createMemoryOwnerCacheStore();
  let failChannel: Error | undefined;
  let killOwners: Error | undefined;
  const session: SlackAppSession = {
    channel: "#key-age",
    deliver: async (messages) => {
      if (failChannel) {
        const error = failChannel;
        failChannel = undefined;
        throw error;
      }
      channel.push(...messages);
      return { messagesPosted: messages.length, attempts: messages.length };
    },
    owners: {
      cache,
      cacheTtlMs: 7 * DAY,
      cached: async (emails) => freshOwners(await cache.get(emails), NOW),
      tell: async (messages, cached, onOutcome) => {
        if (killOwners) throw killOwners;
        const outcomes: OwnerOutcome[] = [];
        let lookups = 0;
        for (const message of messages) {
          const entry = cached.get(message.email);
          if (!entry) lookups += 1;
          const userId = entry?.userId ?? (entry?.notFound ? undefined : members[message.email]);
          const outcome: OwnerOutcome = userId
            ? { email: message.email, kind: "sent", userId, looked: !entry }
            : {
                email: message.email,
                kind: "not-found",
                reason: "no Slack user has that email address",
                looked: !entry,
              };
          if (userId) direct.push({ ...message, userId });
          outcomes.push(outcome);
          onOutcome?.(outcome);
        }
        return { outcomes, lookups };
      },
    },
    redact: (text) => text.split(TOKEN).join("xoxb-…"),
    // Only the organization worker picks another channel, before runMonitor sees the session.
    inChannel: () => {
      throw new Error("runMonitor posts to the session's channel and never switches");
    },
  };
  return {
    session,
    channel,
    direct,
    failOnce: (error: Error) => (failChannel = error),
    killOwners: (error: Error | undefined) => (killOwners = error),
  };
}

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

const inventory: AccessKeyInventory = {
  users: [
    {
      userName: "svc-deploy",
      accessKeys: [activeKey(1, 95 * DAY, DAY)],
      tags: { "key-age:owner": "alice@example.com" },
    },
  ],
};

function run(
  app: ReturnType<typeof fakeApp>,
  table: ReturnType<typeof memoryTable>,
  logs: LogEntry[] = [],
  extra: Partial<RunMonitorDeps> & { inventory?: AccessKeyInventory } = {},
) {
  const { inventory: scanned = inventory, ...overrides } = extra;
  const scan: ScanResult = { inventory: scanned, stats: { apiCalls: 1, skippedUsers: [], missingWatchedUsers: [] } };
  return runMonitor({
    config: loadConfig({ SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL: "#key-age", ALERT_STATE_TABLE: "state" }),
    scan: async () => scan,
    accountId: async () => "123456789012",
    deliver: async () => {
      throw new Error("the webhook must not be used with the Slack app");
    },
    slackApp: async () => app.session,
    alertState: table,
    now: () => NOW,
    logger: createLogger({ write: (entry) => logs.push(entry) }),
    ...overrides,
  });
}

describe("runMonitor with the Slack app", () => {
  it("posts to the app's channel, not the webhook, and tells the owner directly", async () => {
    const app = fakeApp({ "alice@example.com": "U0ALICE" });
    const summary = await run(app, memoryTable());
    expect(summary).toMatchObject({
      outcome: "alerted",
      messagesPosted: 1,
      ownerMessages: { sent: 1, failed: 0, notFound: 0, pending: 0, lookups: 1 },
    });
    expect(app.channel).toHaveLength(1);
    expect(app.direct.map((m) => m.userId)).toEqual(["U0ALICE"]);
  });

  it("remembers the member it found, so a later run looks nobody up", async () => {
    const app = fakeApp({ "alice@example.com": "U0ALICE" });
    const table = memoryTable();
    await run(app, table);
    const second: AccessKeyInventory = {
      users: [{ ...inventory.users[0], accessKeys: [activeKey(1, 95 * DAY, DAY), activeKey(2, 95 * DAY, DAY)] }],
    };
    const summary = await run(app, table, [], { inventory: second });
    expect(summary.ownerMessages).toMatchObject({ sent: 1, lookups: 0 });
    expect(app.direct[1].accessKeyIds).toEqual([keyId(2)]);
  });

  it("sends no direct message when the channel failed, and keeps it pending for the retry", async () => {
    const app = fakeApp({ "alice@example.com": "U0ALICE" });
    const table = memoryTable();
    app.failOnce(
      new SlackDeliveryError(`Slack rejected the message (${TOKEN})`, { reason: "fatal", messagesPosted: 0 }),
    );
    const logs: LogEntry[] = [];
    await expect(run(app, table, logs)).rejects.toThrow(SlackDeliveryError);
    expect(app.direct).toEqual([]);
    expect(JSON.stringify(logs)).not.toContain(TOKEN);
    // Nothing was recorded: the retry announces the key in the channel and to the owner again.
    expect(table.items.size).toBe(0);
    await run(app, table);
    expect(app.channel).toHaveLength(1);
    expect(app.direct).toHaveLength(1);
    expect([...table.items.values()][0].owners).toEqual({ emails: ["alice@example.com"] });
  });

  // Issue case 5: the run was killed mid-DM after the alert records were written without pending
  // owners, and the next runs sent nothing.
  it("records every owner pending with the channel's changes, so a run killed before the owners loses none", async () => {
    const app = fakeApp({ "alice@example.com": "U0ALICE" });
    const table = memoryTable();
    app.killOwners(new Error("Task timed out"));
    await expect(run(app, table)).rejects.toThrow("Task timed out");
    expect(app.channel).toHaveLength(1);
    expect([...table.items.values()][0]).toMatchObject({
      accessKeyId: keyId(1),
      owners: { emails: ["alice@example.com"], pending: ["alice@example.com"], pendingKind: "new" },
    });

    app.killOwners(undefined);
    const next = await run(app, table);
    expect(next).toMatchObject({ messagesPosted: 0, ownerMessages: { sent: 1, pending: 0 } });
    expect(app.channel).toHaveLength(1);
    expect(app.direct.map((m) => m.accessKeyIds)).toEqual([[keyId(1)]]);
    expect([...table.items.values()][0].owners).toEqual({ emails: ["alice@example.com"] });
    await run(app, table);
    expect(app.direct).toHaveLength(1);
  });

  it("names an owner Slack does not know: no message, and the channel says so once the cache knows", async () => {
    const app = fakeApp({});
    const table = memoryTable();
    const summary = await run(app, table);
    expect(summary.ownerMessages).toEqual({ sent: 0, failed: 0, notFound: 1, pending: 0, lookups: 1 });
    expect(app.direct).toEqual([]);
    // Not pending: the channel is the fallback for an owner Slack does not know.
    expect([...table.items.values()][0].owners).toEqual({ emails: ["alice@example.com"] });
    const second: AccessKeyInventory = {
      users: [{ ...inventory.users[0], accessKeys: [activeKey(1, 95 * DAY, DAY), activeKey(2, 95 * DAY, DAY)] }],
    };
    const again = await run(app, table, [], { inventory: second });
    expect(again.ownerMessages).toMatchObject({ notFound: 1, lookups: 0 });
    expect(visible(JSON.stringify(app.channel[1]))).toContain("owner alice@example.com not found in Slack");
  });

  it("tells the owner only about keys the channel named; the rest wait for the run that names them", async () => {
    const app = fakeApp({ "alice@example.com": "U0ALICE" });
    const table = memoryTable();
    const twoKeys: AccessKeyInventory = {
      users: [
        {
          userName: "svc-deploy",
          accessKeys: [activeKey(1, 95 * DAY, DAY), activeKey(2, 94 * DAY, DAY)],
          tags: { "key-age:owner": "alice@example.com" },
        },
      ],
    };
    const options = { inventory: twoKeys, renderOptions: { maxMessages: 1, maxKeysPerMessage: 1 } };
    await run(app, table, [], options);
    expect(app.direct).toHaveLength(1);
    expect(app.direct[0].accessKeyIds).toEqual([keyId(1)]);
    await run(app, table, [], options);
    expect(app.direct).toHaveLength(2);
    expect(app.direct[1].accessKeyIds).toEqual([keyId(2)]);
  });
});
