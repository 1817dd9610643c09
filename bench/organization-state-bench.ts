// What organization mode costs per account and per dispatch, measured on moto through the proxy: the
// worker from the deployment bundle on a batch of accounts (its wall time, peak memory and DynamoDB
// request units), one account's reads beside 10 or 1,000 other accounts' items, and the dispatcher
// at thousands of accounts (Organizations and SQS answered in process, DynamoDB on moto).
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { accountMessage } from "../handler/organization/account-message";
import { dispatcher } from "../handler/organization/dispatcher";
import { mapWithConcurrency } from "../handler/runtime/map-with-concurrency";
import {
  ALERT_STATE_PARTITION_KEY,
  ALERT_STATE_SORT_KEY,
  LEGACY_ALERT_STATE_HASH_KEY,
} from "../handler/runtime/aws-contract";
import { meterDynamoDb, type DynamoDbTraffic } from "../scripts/lib/dynamodb-meter";
import { expectSuccess, runContainer } from "../scripts/lib/invoke-bundle";
import type { MotoProxy } from "../scripts/lib/moto-proxy";
import type { EmulatorClientConfig, SeededAccount } from "../scripts/lib/seed-organization";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";

/** Items an account's partition holds in the flat-read comparison: its scan record and 20 key records. */
export const ITEMS_PER_ACCOUNT = 21;

/** Creates a state table of the current layout (or, `legacy`, of the previous one). */
export async function createTable(aws: EmulatorClientConfig, tableName: string, legacy = false): Promise<void> {
  const dynamodb = new DynamoDBClient(aws);
  const keys = legacy
    ? [{ name: LEGACY_ALERT_STATE_HASH_KEY, type: "HASH" as const }]
    : [
        { name: ALERT_STATE_PARTITION_KEY, type: "HASH" as const },
        { name: ALERT_STATE_SORT_KEY, type: "RANGE" as const },
      ];
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: keys.map((key) => ({ AttributeName: key.name, KeyType: key.type })),
      AttributeDefinitions: keys.map((key) => ({ AttributeName: key.name, AttributeType: "S" })),
    }),
  );
  dynamodb.destroy();
}

/** Writes items, 25 per BatchWriteItem, a few calls at a time. */
export async function putItems(
  aws: EmulatorClientConfig,
  tableName: string,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(aws));
  const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) => items.slice(i * 25, i * 25 + 25));
  await mapWithConcurrency(batches, 8, (batch) =>
    documents.send(
      new BatchWriteCommand({ RequestItems: { [tableName]: batch.map((Item) => ({ PutRequest: { Item } })) } }),
    ),
  );
  documents.destroy();
}

/** An account's items as earlier runs leave them: its scan record and records of announced keys. */
export function accountItems(accountId: string, now = new Date()): Record<string, unknown>[] {
  return Array.from({ length: ITEMS_PER_ACCOUNT }, (_, i) => ({
    [ALERT_STATE_PARTITION_KEY]: accountId,
    [ALERT_STATE_SORT_KEY]: i === 0 ? "scan" : `key#AKIA${accountId}${String(i).padStart(4, "0")}`,
    userName: `user-${String(i).padStart(5, "0")}`,
    status: "critical",
    announcedAt: now.toISOString(),
    since: now.toISOString(),
    lastAttemptAt: now.toISOString(),
    lastSuccessAt: now.toISOString(),
    counts: { critical: 20 },
    expiresAt: Math.floor(now.getTime() / 1000) + 30 * 86_400,
  }));
}

const sqsEvent = (accounts: readonly SeededAccount[], id: string) => ({
  Records: accounts.map((account, index) => ({
    messageId: `${id}-${index}`,
    receiptHandle: `${id}-${index}`,
    body: JSON.stringify(accountMessage(account, { eventId: id, heartbeat: false })),
    attributes: {},
    messageAttributes: {},
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:key-age-accounts",
    awsRegion: "us-east-1",
  })),
});

/** One worker invocation of a batch, as measured. */
export interface BatchRun {
  /** The invocation's wall time (what Lambda bills), the batch's accounts side by side. */
  readonly wallMs: number;
  /** The container's peak RSS. */
  readonly peakMb: number;
  /** The state table's traffic of the whole batch. */
  readonly traffic: DynamoDbTraffic;
}

/**
 * Runs the worker bundle on one batch of accounts twice against the same state table: the first run
 * announces their stale keys (writes), the second finds nothing new (the steady state of every run
 * after it). The proxy's delay plays AWS's round trip.
 */
export async function measureWorkerBatch(input: {
  readonly bundlePath: string;
  readonly env: Readonly<Record<string, string>>;
  readonly proxy: MotoProxy;
  readonly tableName: string;
  readonly accounts: readonly SeededAccount[];
}): Promise<{ readonly first: BatchRun; readonly steady: BatchRun }> {
  const meter = meterDynamoDb(input.proxy, input.tableName);
  const run = async (id: string): Promise<BatchRun> => {
    meter.reset();
    const container = await runContainer(input.bundlePath, input.env, {
      handlerName: "worker",
      events: [sqsEvent(input.accounts, id)],
      remainingTimeMs: 300_000,
    });
    const response = expectSuccess(container.outcomes[0]) as unknown as { batchItemFailures: unknown[] };
    if (response.batchItemFailures.length > 0) {
      throw new Error(`the worker failed accounts of the batch: ${container.stdout.slice(-2_000)}`);
    }
    return {
      wallMs: container.outcomes[0]?.durationMs ?? 0,
      peakMb: container.maxRssBytes / 2 ** 20,
      traffic: meter.traffic(),
    };
  };
  try {
    const first = await run("bench-tick-1");
    const steady = await run("bench-tick-2");
    return { first, steady };
  } finally {
    meter.stop();
  }
}

/** One account's reads beside other accounts' items, and what the previous layout read instead. */
export interface FlatReads {
  readonly others: number;
  /** The account's run through the worker: items read and read units (state table). */
  readonly run: DynamoDbTraffic;
  /** One consistent Scan of the whole table: what each run read before, up to four times. */
  readonly scanOfTable: DynamoDbTraffic;
}

/**
 * One account's worker run with `others` other accounts' items in the table (the account's own
 * partition seeded alike every time), and one Scan of the whole table for comparison.
 */
export async function measureFlatReads(input: {
  readonly aws: EmulatorClientConfig;
  readonly bundlePath: string;
  readonly env: Readonly<Record<string, string>>;
  readonly proxy: MotoProxy;
  readonly tableName: string;
  readonly account: SeededAccount;
  readonly others: number;
  readonly othersSeeded: number;
}): Promise<FlatReads> {
  const ids = Array.from({ length: input.others - input.othersSeeded }, (_, i) =>
    String(700_000_000_000 + input.othersSeeded + i),
  );
  await putItems(input.aws, input.tableName, [
    ...ids.flatMap((id) => accountItems(id)),
    ...accountItems(input.account.id),
  ]);
  const meter = meterDynamoDb(input.proxy, input.tableName);
  try {
    const container = await runContainer(input.bundlePath, input.env, {
      handlerName: "worker",
      events: [sqsEvent([input.account], `flat-${input.others}`)],
    });
    expectSuccess(container.outcomes[0]);
    const run = meter.traffic();
    meter.reset();
    const dynamodb = new DynamoDBClient({ ...input.aws, endpoint: input.proxy.endpoint });
    let ExclusiveStartKey: Record<string, never> | undefined;
    do {
      const page = await dynamodb.send(
        new ScanCommand({ TableName: input.tableName, ConsistentRead: true, ExclusiveStartKey }),
      );
      ExclusiveStartKey = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (ExclusiveStartKey);
    dynamodb.destroy();
    return { others: input.others, run, scanOfTable: meter.traffic() };
  } finally {
    meter.stop();
  }
}

/** The dispatcher's runs at scale, as measured. */
export interface DispatchRuns {
  readonly accounts: number;
  readonly listCalls: number;
  readonly sendCalls: number;
  /** The first dispatch (every account queued) and a later one (every account answered since). */
  readonly first: { readonly wallMs: number; readonly traffic: DynamoDbTraffic };
  readonly steady: { readonly wallMs: number; readonly traffic: DynamoDbTraffic };
}

/**
 * The dispatcher in process on `count` accounts: Organizations' listing (20 accounts a page) and SQS
 * answered in process, its DynamoDB reads and writes on moto through the proxy (each account with a
 * scan record). Two runs: the first, and one after every account was answered.
 */
export async function measureDispatch(input: {
  readonly aws: EmulatorClientConfig;
  readonly proxy: MotoProxy;
  readonly tableName: string;
  readonly count: number;
}): Promise<DispatchRuns> {
  const ids = Array.from({ length: input.count }, (_, i) => String(100_000_000_000 + i));
  const records = (at: Date) =>
    ids.map((id) => ({
      [ALERT_STATE_PARTITION_KEY]: id,
      [ALERT_STATE_SORT_KEY]: "scan",
      lastAttemptAt: at.toISOString(),
      lastSuccessAt: at.toISOString(),
      counts: { critical: 1 },
    }));
  await putItems(input.aws, input.tableName, records(new Date(Date.now() - 60_000)));
  const orgMock = mockClient(OrganizationsClient);
  const sqsMock = mockClient(SQSClient);
  orgMock.on(ListAccountsCommand).callsFake((request: { NextToken?: string }) => {
    const start = Number(request.NextToken ?? 0);
    const page = ids.slice(start, start + 20).map((Id) => ({ Id, Name: `account-${Id}`, State: "ACTIVE" }));
    return { Accounts: page, ...(start + 20 < ids.length ? { NextToken: String(start + 20) } : {}) };
  });
  sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  const meter = meterDynamoDb(input.proxy, input.tableName);
  const saved = { env: process.env, log: console.log };
  process.env = {
    ...process.env,
    AWS_ENDPOINT_URL: input.proxy.endpoint,
    AWS_REGION: input.aws.region,
    AWS_ACCESS_KEY_ID: input.aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: input.aws.credentials.secretAccessKey,
    ALERT_STATE_TABLE: input.tableName,
    ACCOUNT_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/bench-accounts",
  };
  // The dispatcher's log line would land in the bench's own output.
  console.log = () => undefined;
  const dispatch = async () => {
    meter.reset();
    const started = performance.now();
    await dispatcher({ id: `bench-dispatch-${Date.now()}` });
    return { wallMs: performance.now() - started, traffic: meter.traffic() };
  };
  try {
    const first = await dispatch();
    const listCalls = orgMock.commandCalls(ListAccountsCommand).length;
    const sendCalls = sqsMock.commandCalls(SendMessageBatchCommand).length;
    // Every account answered its message since: the next dispatch queues them all again.
    await putItems(input.aws, input.tableName, records(new Date(Date.now() + 1_000)));
    const steady = await dispatch();
    return { accounts: input.count, listCalls, sendCalls, first, steady };
  } finally {
    process.env = saved.env;
    console.log = saved.log;
    meter.stop();
    orgMock.restore();
    sqsMock.restore();
  }
}
