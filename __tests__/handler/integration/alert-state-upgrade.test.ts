import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { startMotoProxy, type MotoProxy } from "../../../scripts/lib/moto-proxy";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { motoClientConfig, seedUsers } from "./support/seed-iam";
import { createLegacyStateTable, createStateTable } from "./support/state-table";

// Upgrading a single-account deployment: the stack creates the new, partitioned table beside the old
// one, and the function's first run carries the old table's items into its account's partition, so
// nothing already announced is announced again; later runs never read the old table.
jest.setTimeout(120_000);

const OLD = "iam-key-age-monitor-test-alert-state";
const NEW = "iam-key-age-monitor-test-account-state";
const DAY = 86_400_000;

let moto: MotoServer;
let proxy: MotoProxy;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let env: Record<string, string>;
let keyIds: string[];

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    startMotoServer({ accessKeyAgeMinutesByUserPrefix: { "stale-": 100 * 24 * 60 } }),
    startFakeSlack(),
  ]);
  const keys = await seedUsers(moto, ["stale-alice", "stale-bob", "stale-carol"]);
  keyIds = [...keys.values()].map((list) => list[0]?.AccessKeyId ?? "");
  await createLegacyStateTable(moto, OLD);
  await createStateTable(moto, NEW);
  // What the previous version left: each key announced an hour ago, as its store wrote them.
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(motoClientConfig(moto)));
  const announcedAt = new Date(Date.now() - 3_600_000).toISOString();
  for (const [userName, [key]] of keys) {
    await documents.send(
      new PutCommand({
        TableName: OLD,
        Item: {
          accessKeyId: key?.AccessKeyId,
          userName,
          status: "critical",
          announcedAt,
          since: announcedAt,
          eventId: "event-before-the-upgrade",
          expiresAt: Math.floor((Date.now() + 30 * DAY) / 1000),
        },
      }),
    );
  }
  documents.destroy();
  proxy = await startMotoProxy(moto.endpoint);
  env = {
    ...moto.awsEnv,
    AWS_ENDPOINT_URL: proxy.endpoint,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ENVIRONMENT_NAME: "test",
    ALERT_STATE_TABLE: NEW,
    LEGACY_ALERT_STATE_TABLE: OLD,
  };
});

afterAll(async () => {
  await Promise.all([proxy?.close(), slack?.close()]);
  await moto?.stop();
  bundle?.cleanup();
});

it("carries the old table's items over on the first run: nothing is announced again", async () => {
  const first = await runContainer(bundle.bundlePath, env);
  expect(expectSuccess(first.outcomes[0])).toMatchObject({
    outcome: "unchanged",
    alerts: { new: 0, worse: 0, reminder: 0, resolved: 0, unchanged: 3 },
  });
  expect(slack.posts).toHaveLength(0);
  expect(proxy.counts.get("Scan")).toBe(1);

  const dynamodb = new DynamoDBClient(motoClientConfig(moto));
  const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: NEW }));
  dynamodb.destroy();
  expect(Items.map((item) => `${item.accountId?.S} ${item.itemKey?.S}`).sort()).toEqual(
    [...keyIds.map((id) => `123456789012 key#${id}`), "123456789012 migrated"].sort(),
  );
  expect(Items.find((item) => item.itemKey?.S === "migrated")).toMatchObject({ from: { S: OLD }, items: { N: "3" } });
});

it("never reads the old table again", async () => {
  proxy.reset();
  const second = await runContainer(bundle.bundlePath, env);
  expect(expectSuccess(second.outcomes[0])).toMatchObject({ outcome: "unchanged", alerts: { unchanged: 3 } });
  expect(proxy.counts.get("Scan")).toBeUndefined();
  expect(slack.posts).toHaveLength(0);
});
