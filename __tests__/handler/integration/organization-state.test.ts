import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { SQSRecord } from "aws-lambda";
import { accountMessage } from "../../../handler/organization/account-message";
import { meterDynamoDb, type DynamoDbMeter } from "../../../scripts/lib/dynamodb-meter";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { startMotoProxy, type MotoProxy } from "../../../scripts/lib/moto-proxy";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { mapWithConcurrency } from "../../../handler/runtime/map-with-concurrency";
import { motoClientConfig } from "./support/seed-iam";
import { seedMemberUsers, seedOrganization, tagMemberUser, type SeededAccount } from "./support/seed-organization";
import { createStateTable } from "./support/state-table";

// Each account reads only its own state: its partition of the state table, with one Query for every
// kind of item, whatever the other accounts hold; and what it remembers (tag notes) is its own.
jest.setTimeout(300_000);

const TABLE = "key-age-org-state";
const ITEMS_PER_OTHER_ACCOUNT = 20;

let moto: MotoServer;
let proxy: MotoProxy;
let meter: DynamoDbMeter;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let env: Record<string, string>;
let accounts: SeededAccount[];
let othersSeeded = 0;

const visible = (text: string) => text.replaceAll("\u2060", "");
const sqsRecord = (account: SeededAccount, id: string): SQSRecord =>
  ({
    messageId: `message-${account.name}-${id}`,
    receiptHandle: `receipt-${id}`,
    body: JSON.stringify(accountMessage(account, { eventId: id, heartbeat: false })),
    attributes: {},
    messageAttributes: {},
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:key-age-accounts",
    awsRegion: "us-east-1",
  }) as unknown as SQSRecord;

/** An account's items as earlier runs left them: its scan record and records of keys announced. */
const accountItems = (accountId: string) =>
  Array.from({ length: ITEMS_PER_OTHER_ACCOUNT }, (_, i) => ({
    accountId,
    itemKey: i === 0 ? "scan" : `key#AKIA${String(i).padStart(16, "0")}`,
    userName: `user-${i}`,
    status: "critical",
    announcedAt: new Date().toISOString(),
    since: new Date().toISOString(),
    lastAttemptAt: new Date().toISOString(),
    expiresAt: Math.floor(Date.now() / 1000) + 86_400,
  }));

/** Writes items to the state table, 25 per BatchWriteItem. */
async function putItems(items: readonly Record<string, unknown>[]): Promise<void> {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(motoClientConfig(moto)));
  const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) => items.slice(i * 25, i * 25 + 25));
  await mapWithConcurrency(batches, 4, (batch) =>
    documents.send(
      new BatchWriteCommand({ RequestItems: { [TABLE]: batch.map((Item) => ({ PutRequest: { Item } })) } }),
    ),
  );
  documents.destroy();
}

/** Fills the table with other accounts' items, as an organization of that many accounts would have. */
async function seedOtherAccounts(count: number): Promise<void> {
  const ids = Array.from({ length: count - othersSeeded }, (_, a) => String(500_000_000_000 + othersSeeded + a));
  await putItems(ids.flatMap(accountItems));
  othersSeeded = count;
}

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    startMotoServer({ accessKeyAgeMinutesByUserPrefix: { "stale-": 100 * 24 * 60 } }),
    startFakeSlack(),
  ]);
  accounts = await seedOrganization(moto, ["first", "second", "north", "south"]);
  for (const account of accounts.slice(0, 2)) await seedMemberUsers(moto, account.id, ["stale-a", "stale-b", "fresh"]);
  // The same user name in two accounts, with the same malformed tag.
  for (const account of accounts.slice(2)) {
    await seedMemberUsers(moto, account.id, ["svc"]);
    await tagMemberUser(moto, account.id, "svc", { "key-age:warning-age": "1y" });
  }
  await createStateTable(moto, TABLE);
  proxy = await startMotoProxy(moto.endpoint);
  meter = meterDynamoDb(proxy, TABLE);
  env = {
    ...moto.awsEnv,
    AWS_ENDPOINT_URL: proxy.endpoint,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ENVIRONMENT_NAME: "org",
    ALERT_STATE_TABLE: TABLE,
  };
});

afterAll(async () => {
  meter?.stop();
  await Promise.all([proxy?.close(), slack?.close()]);
  await moto?.stop();
  bundle?.cleanup();
});

beforeEach(() => slack.reset());

it("one account's run reads a flat number of items whether 10 or 500 other accounts are recorded", async () => {
  const [first, second] = accounts;
  const readsOfOneRun = async (account: SeededAccount) => {
    meter.reset();
    const run = await runContainer(bundle.bundlePath, env, {
      handlerName: "worker",
      events: [{ Records: [sqsRecord(account, "tick-1")] }],
    });
    expect(expectSuccess(run.outcomes[0])).toEqual({ batchItemFailures: [] });
    return meter.traffic();
  };
  // Both accounts' partitions hold what earlier runs left: the same number of items.
  await putItems([...accountItems(first.id), ...accountItems(second.id)]);
  await seedOtherAccounts(10);
  const few = await readsOfOneRun(first);
  await seedOtherAccounts(500);
  const many = await readsOfOneRun(second);
  // One Query of the account's own partition per run, never a Scan of the table.
  expect(few.calls).toMatchObject({ Query: 1 });
  expect(many.calls).toMatchObject({ Query: 1 });
  expect(few.calls.Scan).toBeUndefined();
  expect(many.calls.Scan).toBeUndefined();
  // Its own items and its own lease, nothing else.
  expect(few.itemsRead).toBe(ITEMS_PER_OTHER_ACCOUNT + 1);
  expect(many.itemsRead).toBeLessThanOrEqual(few.itemsRead * 1.2);
  expect(many.readUnits).toBeLessThanOrEqual(few.readUnits * 1.2);
  // Each digest named its own account's keys.
  const texts = slack.posts.map((post) => visible(JSON.stringify(post.payload)));
  expect(texts.some((text) => text.includes(`${second.id} (second)`) && text.includes("stale-a"))).toBe(true);
});

it("a user name in two accounts has its tag problems announced in each, remembered per account", async () => {
  const [, , north, south] = accounts;
  const batch = (id: string) => ({ Records: [sqsRecord(north, id), sqsRecord(south, id)] });
  const run = await runContainer(bundle.bundlePath, env, { handlerName: "worker", events: [batch("tags-1")] });
  expect(expectSuccess(run.outcomes[0])).toEqual({ batchItemFailures: [] });
  const texts = slack.posts.map((post) => visible(JSON.stringify(post.payload)));
  for (const account of [north, south]) {
    expect(
      texts.some(
        (text) =>
          text.includes(`${account.id} (${account.name})`) && text.includes("Tag problems") && text.includes("`svc`"),
      ),
    ).toBe(true);
  }
  const dynamodb = new DynamoDBClient(motoClientConfig(moto));
  for (const account of [north, south]) {
    const { Item } = await dynamodb.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { accountId: { S: account.id }, itemKey: { S: "tag-problems#svc" } },
      }),
    );
    expect(Item?.problems?.S).toContain("key-age:warning-age");
  }
  dynamodb.destroy();

  // Announced once per account: the next run is silent about them.
  slack.reset();
  const again = await runContainer(bundle.bundlePath, env, { handlerName: "worker", events: [batch("tags-2")] });
  expect(expectSuccess(again.outcomes[0])).toEqual({ batchItemFailures: [] });
  expect(slack.posts).toHaveLength(0);
});
