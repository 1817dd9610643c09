import type { AlertRecord, StateChange } from "../../../handler/alerts/alert-transitions";
import { loadConfig } from "../../../handler/runtime/config";
import { createLogger, type LogEntry } from "../../../handler/runtime/logger";
import type { AccessKeyInventory, ScanResult } from "../../../handler/scan/inventory";
import type { OwnerLookup, OwnerMessage } from "../../../handler/slack/owner-messages";
import type { SlackMessage } from "../../../handler/slack/slack-message";
import { SlackDeliveryError } from "../../../handler/slack/deliver-to-slack";
import type { SlackAppSession } from "../../../handler/slack/slack-app";
import { runMonitor, type RunMonitorDeps } from "../../../handler/monitor/run-monitor";
import { DAY, NOW, activeKey, keyId } from "../support/inventory-builders";

// Slack text carries invisible word joiners that defuse links and mentions; tests read past them.
const visible = (text: string) => text.replaceAll("\u2060", "");

const TOKEN = "xoxb-1111-2222-s3cr3t";

/** A Slack app that keeps what it was asked, in memory; `failChannel` makes the next digest fail. */
function fakeApp(members: Record<string, string>) {
  const channel: SlackMessage[] = [];
  const direct: OwnerMessage[] = [];
  let failChannel: Error | undefined;
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
    lookupOwners: async (emails) =>
      new Map<string, OwnerLookup>(
        emails.map((email) => [
          email,
          members[email]
            ? { email, userId: members[email] }
            : { email, problem: "no Slack user has that email address" },
        ]),
      ),
    sendOwnerMessages: async (messages) => {
      direct.push(...messages);
      return { sent: messages.map((m) => m.email), failed: [] };
    },
    redact: (text) => text.split(TOKEN).join("xoxb-…"),
    // Only the organization worker picks another channel, before runMonitor sees the session.
    inChannel: () => {
      throw new Error("runMonitor posts to the session's channel and never switches");
    },
  };
  return { session, channel, direct, failOnce: (error: Error) => (failChannel = error) };
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
      ownerMessages: { sent: 1, failed: 0, notFound: 0 },
    });
    expect(app.channel).toHaveLength(1);
    expect(app.direct.map((m) => m.userId)).toEqual(["U0ALICE"]);
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

  it("records what the channel accepted before the owners are told, so a failure there cannot lose it", async () => {
    const app = fakeApp({ "alice@example.com": "U0ALICE" });
    const table = memoryTable();
    const failing: SlackAppSession = {
      ...app.session,
      sendOwnerMessages: async () => {
        throw new Error("the invocation timed out");
      },
    };
    await expect(run(app, table, [], { slackApp: async () => failing })).rejects.toThrow("timed out");
    expect(app.channel).toHaveLength(1);
    expect([...table.items.keys()]).toEqual([keyId(1)]);
  });

  it("names an owner Slack does not know in the channel, and messages nobody", async () => {
    const app = fakeApp({});
    const summary = await run(app, memoryTable());
    expect(summary.ownerMessages).toEqual({ sent: 0, failed: 0, notFound: 1 });
    expect(visible(JSON.stringify(app.channel))).toContain("owner alice@example.com not found in Slack");
    expect(app.direct).toEqual([]);
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
