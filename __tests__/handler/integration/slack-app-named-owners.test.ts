import type { AlertRecord, StateChange } from "../../../handler/alerts/alert-transitions";
import { runMonitor } from "../../../handler/monitor/run-monitor";
import { loadConfig } from "../../../handler/runtime/config/config";
import { createLogger } from "../../../handler/runtime/logger";
import type { AccessKeyInventory, ScanResult } from "../../../handler/scan/inventory";
import { createSlackAppConnector } from "../../../handler/slack/slack-app";
import { startFakeSlackWebApi, type FakeSlackWebApi } from "../../../scripts/lib/fake-slack-web-api";
import { DAY, NOW, activeKey } from "../support/inventory-builders";

// Issue case 6: every owner was looked up although the digest could name only some of the keys.
// runMonitor in process with the real Slack app client against the fake Web API (Slack's tiers),
// with a digest budget of 5 keys, so 12 owners take three runs.
jest.setTimeout(60_000);

const OWNERS = 12;
const email = (n: number) => `owner-${n}@example.com`;
let slack: FakeSlackWebApi;

beforeAll(async () => {
  slack = await startFakeSlackWebApi({
    users: Object.fromEntries(Array.from({ length: OWNERS }, (_, n) => [email(n), `U0OWNER${n}`])),
  });
});
afterAll(() => slack?.close());

const inventory: AccessKeyInventory = {
  users: Array.from({ length: OWNERS }, (_, n) => ({
    userName: `svc-${String(n).padStart(2, "0")}`,
    // Older keys first in the digest: owner 0's key is the oldest.
    accessKeys: [activeKey(n + 1, (200 - n) * DAY, DAY)],
    tags: { "key-age:owner": email(n) },
  })),
};

it("looks up and tells only the owners of the keys the digest names; the rest wait for their run", async () => {
  const config = loadConfig({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_CHANNEL: "#key-age",
    SLACK_API_URL: slack.apiUrl,
    ALERT_STATE_TABLE: "state",
  });
  const connect = createSlackAppConnector(
    config.slackApp as NonNullable<typeof config.slackApp>,
    async () => slack.token,
  );
  const items = new Map<string, AlertRecord>();
  const scan: ScanResult = { inventory, stats: { apiCalls: 1, skippedUsers: [], missingWatchedUsers: [] } };
  const run = () => {
    slack.reset();
    return runMonitor({
      config,
      scan: async () => scan,
      accountId: async () => "123456789012",
      deliver: async () => {
        throw new Error("no webhook");
      },
      slackApp: () => connect(() => 60_000),
      alertState: {
        load: async () => [...items.values()],
        apply: async (changes: readonly StateChange[]) => {
          for (const change of changes) {
            if (change.type === "put") items.set(change.record.accessKeyId, change.record);
            else items.delete(change.accessKeyId);
          }
        },
      },
      now: () => NOW,
      logger: createLogger({ write: () => undefined }),
      renderOptions: { maxMessages: 1, maxKeysPerMessage: 5 },
    });
  };
  const lookedUp = () => slack.calls.filter((c) => c.method === "users.lookupByEmail").map((c) => c.params.email);
  const toldTo = () => slack.messages.flatMap((m) => (m.directTo ? [m.directTo] : []));

  const first = await run();
  expect(first.ownerMessages).toMatchObject({ sent: 5, lookups: 5, notFound: 0, pending: 0 });
  expect(lookedUp()).toEqual([0, 1, 2, 3, 4].map(email));
  expect(toldTo().sort()).toEqual([0, 1, 2, 3, 4].map((n) => `U0OWNER${n}`).sort());

  await run();
  expect(lookedUp()).toEqual([5, 6, 7, 8, 9].map(email));
  await run();
  expect(lookedUp()).toEqual([10, 11].map(email));
  expect(slack.rateLimited.get("users.lookupByEmail") ?? 0).toBe(0);
});
