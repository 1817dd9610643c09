import { CreateTableCommand, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { startDenyAssumeRoleProxy, type DenyAssumeRoleProxy } from "../../../scripts/lib/deny-assume-role-proxy";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { motoClientConfig } from "./support/seed-iam";
import { closeAccount, seedMemberUsers, seedOrganization, type SeededAccount } from "./support/seed-organization";

// Organization mode end to end on moto, through the deployment bundle: the dispatcher queues one
// message per active account; the worker, fed those messages as the SQS event source mapping would,
// assumes the member role in each account and posts that account's digest. The sandbox account "has
// no member role": the proxy answers its AssumeRole with AWS's AccessDenied (moto checks no roles).
jest.setTimeout(120_000);

const TABLE = "key-age-org-alert-state";

let moto: MotoServer;
let proxy: DenyAssumeRoleProxy;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let sqs: SQSClient;
let queueUrl: string;
let env: Record<string, string>;
let payments: SeededAccount;
let analytics: SeededAccount;
let sandbox: SeededAccount;
let closed: SeededAccount;
let paymentsKey: string;

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    startMotoServer({ accessKeyAgeMinutesByUserPrefix: { "stale-": 100 * 24 * 60 } }),
    startFakeSlack(),
  ]);
  [payments, analytics, sandbox, closed] = await seedOrganization(moto, ["payments", "analytics", "sandbox", "gone"]);
  [paymentsKey] = await seedMemberUsers(moto, payments.id, ["stale-deployer", "fresh-ci"]);
  await seedMemberUsers(moto, analytics.id, ["stale-etl"]);
  await seedMemberUsers(moto, sandbox.id, ["stale-hidden"]);
  await closeAccount(moto, closed.id);
  proxy = await startDenyAssumeRoleProxy(moto.endpoint, [sandbox.id]);
  sqs = new SQSClient(motoClientConfig(moto));
  ({ QueueUrl: queueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: "key-age-accounts" })));
  const dynamodb = new DynamoDBClient(motoClientConfig(moto));
  await dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "accessKeyId", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "accessKeyId", AttributeType: "S" }],
    }),
  );
  dynamodb.destroy();
  env = {
    ...moto.awsEnv,
    AWS_ENDPOINT_URL: proxy.endpoint,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ENVIRONMENT_NAME: "org",
    ALERT_STATE_TABLE: TABLE,
    ACCOUNT_QUEUE_URL: queueUrl,
    // The management account has no member role here either (no StackSet reaches it): left out.
    EXCLUDE_ACCOUNTS: "123456789012",
  };
});

afterAll(async () => {
  sqs?.destroy();
  await Promise.all([proxy?.close(), slack?.close()]);
  await moto?.stop();
  bundle?.cleanup();
});

async function drainQueue(): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!Messages || Messages.length === 0) return messages;
    messages.push(...Messages);
  }
}

const sqsEvent = (messages: readonly Message[]) => ({
  Records: messages.map((message) => ({
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body,
    attributes: {},
    messageAttributes: {},
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:key-age-accounts",
    awsRegion: "us-east-1",
  })),
});

describe("dispatcher and worker", () => {
  it("queue one message per active account in scope, then alert per account while the unreachable one fails alone", async () => {
    const dispatched = await runContainer(bundle.bundlePath, env, {
      handlerName: "dispatcher",
      events: [{ id: "tick-1", "detail-type": "Scheduled Event" }],
    });
    expect(expectSuccess(dispatched.outcomes[0])).toMatchObject({
      accountsQueued: 3,
      inactiveAccountsSkipped: 1,
      accountsFilteredOut: 1,
      sqsCalls: 1,
      staleAccounts: [],
    });

    const messages = await drainQueue();
    const bodies = messages.map((message) => JSON.parse(message.Body ?? "{}") as { accountId: string });
    expect(bodies.map((body) => body.accountId).sort()).toEqual([payments.id, analytics.id, sandbox.id].sort());

    slack.reset();
    const worked = await runContainer(bundle.bundlePath, env, { handlerName: "worker", events: [sqsEvent(messages)] });
    const response = expectSuccess(worked.outcomes[0]) as unknown as {
      batchItemFailures: { itemIdentifier: string }[];
    };
    const sandboxMessage = messages[bodies.findIndex((body) => body.accountId === sandbox.id)];
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: sandboxMessage.MessageId }]);

    const texts = slack.posts.map((post) => JSON.stringify(post.payload));
    expect(texts.some((text) => text.includes(`${payments.id} (payments)`) && text.includes("stale-deployer"))).toBe(
      true,
    );
    expect(texts.some((text) => text.includes(`${analytics.id} (analytics)`) && text.includes("stale-etl"))).toBe(true);
    expect(texts.join("")).not.toContain("stale-hidden");
    expect(worked.stdout).toContain("AccessDenied");

    const dynamodb = new DynamoDBClient(motoClientConfig(moto));
    const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: TABLE }));
    dynamodb.destroy();
    const paymentsRecord = Items.find((item) => item.accessKeyId?.S === paymentsKey);
    expect(paymentsRecord?.accountId?.S).toBe(payments.id);

    // The unreachable account is announced once, by id and name, with AWS's cause.
    const failures = texts.filter((text) => text.includes("could not be scanned"));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain(`account ${sandbox.id} (sandbox) could not be scanned · org: `);
    expect(failures[0]).toContain("AccessDenied");
    const accountRecord = (id: string) => Items.find((item) => item.accessKeyId?.S === `account#${id}`);
    expect(accountRecord(sandbox.id)?.lastError?.S).toContain("AccessDenied");
    expect(accountRecord(payments.id)?.lastSuccessAt?.S).toMatch(/^\d{4}-/);
    expect(accountRecord(payments.id)?.counts?.M?.critical?.N).toBe("1");

    // SQS redelivers the failed message: it fails again, without a second announcement.
    slack.reset();
    const retried = await runContainer(bundle.bundlePath, env, {
      handlerName: "worker",
      events: [sqsEvent([sandboxMessage])],
    });
    expect(
      (expectSuccess(retried.outcomes[0]) as unknown as { batchItemFailures: unknown[] }).batchItemFailures,
    ).toHaveLength(1);
    expect(slack.posts).toHaveLength(0);

    // Two hours on, with STALE_ACCOUNT_AFTER=1h, the dispatcher finds every recorded account stale
    // (none was scanned since) and says so in its metric line.
    const later = await runContainer(
      bundle.bundlePath,
      { ...env, STALE_ACCOUNT_AFTER: "1h" },
      { handlerName: "dispatcher", clockOffsetMs: 2 * 3_600_000, events: [{ id: "tick-2" }] },
    );
    const laterSummary = expectSuccess(later.outcomes[0]) as unknown as { staleAccounts: string[] };
    expect([...laterSummary.staleAccounts].sort()).toEqual([payments.id, analytics.id, sandbox.id].sort());
    expect(later.logLines.find((line) => line.StaleAccounts !== undefined)?.StaleAccounts).toBe(3);
    await drainQueue();

    // The heartbeat is one organization summary from the dispatcher, built from the scan records;
    // the accounts it queues post no all-clear of their own.
    slack.reset();
    const heartbeat = await runContainer(bundle.bundlePath, env, {
      handlerName: "dispatcher",
      events: [{ kind: "heartbeat", id: "heartbeat-1" }],
    });
    expect(expectSuccess(heartbeat.outcomes[0])).toMatchObject({ accountsQueued: 3, summaryPosted: true });
    expect(slack.posts).toHaveLength(1);
    const summary = JSON.stringify(slack.posts[0].payload);
    expect(summary).toContain("2 accounts of 3 scanned, 1 failing, 2 flagged keys in 2 accounts");
    expect(summary).toContain(`${sandbox.id} (sandbox)`);
    expect(summary).toContain(`${payments.id} (payments): 1 critical`);
    expect(summary).not.toContain("all clear");
    const heartbeatMessages = await drainQueue();
    const healthy = heartbeatMessages.filter((message) => !message.Body?.includes(sandbox.id));
    slack.reset();
    await runContainer(bundle.bundlePath, env, { handlerName: "worker", events: [sqsEvent(healthy)] });
    // Their keys were announced already: without the per-account heartbeat each would post a "daily check".
    expect(slack.posts).toHaveLength(0);
  });
});
