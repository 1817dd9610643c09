import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { startMotoProxy } from "../../../scripts/lib/moto-proxy";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectFailure, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { motoClientConfig } from "./support/seed-iam";
import { seedOrganization, type SeededAccount } from "./support/seed-organization";
import { createStateTable } from "./support/state-table";

// The dispatcher from the deployment bundle against moto's organization: it never answers "all
// clear" about an empty or mistyped scope, and never queues an account whose last message is still
// unanswered; an account queued again and again but never recorded goes stale.
jest.setTimeout(180_000);

const TABLE = "key-age-org-dispatch";
const MANAGEMENT = "123456789012";
const HOUR = 3_600_000;

let moto: MotoServer;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let sqs: SQSClient;
let queueUrl: string;
let env: Record<string, string>;
let payments: SeededAccount;
let analytics: SeededAccount;

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([startMotoServer(), startFakeSlack()]);
  [payments, analytics] = await seedOrganization(moto, ["payments", "analytics"]);
  await createStateTable(moto, TABLE);
  sqs = new SQSClient(motoClientConfig(moto));
  ({ QueueUrl: queueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: "key-age-dispatch" })));
  env = {
    ...moto.awsEnv,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ENVIRONMENT_NAME: "org",
    ALERT_STATE_TABLE: TABLE,
    ACCOUNT_QUEUE_URL: queueUrl,
  };
});

afterAll(async () => {
  sqs?.destroy();
  await slack?.close();
  await moto?.stop();
  bundle?.cleanup();
});

beforeEach(() => slack.reset());

/** The accounts of the messages queued since the last call (taken off the queue). */
async function queued(): Promise<string[]> {
  const accounts: string[] = [];
  for (;;) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (!Messages?.length) return accounts.sort();
    for (const message of Messages) {
      accounts.push((JSON.parse(message.Body ?? "{}") as { accountId: string }).accountId);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}

const dispatch = (extra: Record<string, string>, options: { heartbeat?: boolean; clockOffsetMs?: number } = {}) =>
  runContainer(
    bundle.bundlePath,
    { ...env, ...extra },
    {
      handlerName: "dispatcher",
      ...(options.clockOffsetMs ? { clockOffsetMs: options.clockOffsetMs } : {}),
      events: [options.heartbeat ? { kind: "heartbeat", id: "heartbeat-1" } : { id: `tick-${Date.now()}` }],
    },
  );

describe("a scope that names what the organization does not have", () => {
  it("an include id not in the organization fails the run, naming it, once the accounts in scope are queued", async () => {
    const run = await dispatch({ INCLUDE_ACCOUNTS: `${payments.id},999999999999` });
    const failure = expectFailure(run.outcomes[0]);
    expect(failure).toMatchObject({ errorName: "ScopeError" });
    expect(failure.errorMessage).toBe("INCLUDE_ACCOUNTS 999999999999: not among the organization's accounts");
    expect(await queued()).toEqual([payments.id]);
  });

  it("an include list of typos scans nothing and posts no heartbeat: it is an error", async () => {
    const run = await dispatch({ INCLUDE_ACCOUNTS: "999999999999" }, { heartbeat: true });
    expect(expectFailure(run.outcomes[0]).errorMessage).toBe(
      "no accounts in scope (INCLUDE_ACCOUNTS 999999999999: not among the organization's accounts): nothing would be scanned",
    );
    expect(await queued()).toEqual([]);
    expect(slack.posts).toHaveLength(0);
  });

  it("an exclude id not in the organization is named too", async () => {
    // Three hours on: the first test's message to payments, never answered, is taken for lost.
    const run = await dispatch({ EXCLUDE_ACCOUNTS: `${MANAGEMENT},888888888888` }, { clockOffsetMs: 3 * HOUR });
    expect(expectFailure(run.outcomes[0]).errorMessage).toBe(
      "EXCLUDE_ACCOUNTS 888888888888: not among the organization's accounts",
    );
    expect(await queued()).toEqual([payments.id, analytics.id].sort());
  });

  it("an OU the organization does not have fails the run, naming it", async () => {
    const run = await dispatch({ INCLUDE_OUS: "ou-abcd-12345678" });
    expect(expectFailure(run.outcomes[0]).errorMessage).toBe(
      "INCLUDE_OUS: ou-abcd-12345678 is not an organizational unit or root of the organization",
    );
    expect(await queued()).toEqual([]);
  });
});

describe("accounts still in flight, and accounts never recorded", () => {
  it("are not queued again while unanswered, then queued again and counted stale", async () => {
    const scope = { EXCLUDE_ACCOUNTS: MANAGEMENT, STALE_ACCOUNT_AFTER: "1h" };
    // The earlier tests queued these accounts too: start from a dispatch that is surely answered or lost.
    const first = await dispatch(scope, { clockOffsetMs: 6 * HOUR });
    expect(expectSuccess(first.outcomes[0])).toMatchObject({ accountsQueued: 2, accountsInFlight: 0 });
    await queued();

    // No worker answered: the next tick queues nothing, however far behind the sweep is.
    const second = await dispatch(scope, { clockOffsetMs: 6 * HOUR + 600_000 });
    expect(expectSuccess(second.outcomes[0])).toMatchObject({ accountsQueued: 0, accountsInFlight: 2 });
    expect(await queued()).toEqual([]);

    // Three hours on, the messages are taken for lost and queued again; never recorded since they were
    // first queued (hours ago), both accounts are stale.
    const later = await dispatch(scope, { clockOffsetMs: 9 * HOUR });
    expect(expectSuccess(later.outcomes[0])).toMatchObject({
      accountsQueued: 2,
      accountsInFlight: 0,
      staleAccounts: expect.arrayContaining([payments.id, analytics.id]),
    });
    expect(later.logLines.find((line) => line.StaleAccounts !== undefined)).toMatchObject({ StaleAccounts: 2 });
    expect(await queued()).toEqual([payments.id, analytics.id].sort());
  });
});

it("scan records DynamoDB keeps returning as unprocessed fail the dispatch, naming them, after every account is queued", async () => {
  const dynamodb = new DynamoDBClient(motoClientConfig(moto));
  const since = new Date(Date.now() - 30 * HOUR).toISOString();
  await dynamodb.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: {
        accountId: { S: payments.id },
        itemKey: { S: "scan" },
        lastAttemptAt: { S: since },
        failingSince: { S: since },
        lastError: { S: "MemberRoleError: AccessDenied" },
      },
    }),
  );
  dynamodb.destroy();
  const proxy = await startMotoProxy(moto.endpoint);
  // Every BatchGetItem key comes back unprocessed, as DynamoDB does under throttling.
  proxy.add({
    matches: (request) => request.action === "BatchGetItem",
    answer: (request) => {
      const asked = JSON.parse(request.body.toString()) as { RequestItems: Record<string, unknown> };
      return {
        status: 200,
        contentType: "application/x-amz-json-1.0",
        body: JSON.stringify({ Responses: {}, UnprocessedKeys: asked.RequestItems }),
      };
    },
  });
  try {
    const run = await dispatch({ AWS_ENDPOINT_URL: proxy.endpoint, ORGANIZATION_ACCOUNTS: payments.id });
    expect(expectFailure(run.outcomes[0])).toMatchObject({
      errorMessage: expect.stringContaining(`scan records of account ${payments.id}`),
    });
    // Unread state does not stop the sweep: the account was queued all the same.
    expect(await queued()).toEqual([payments.id]);
  } finally {
    await proxy.close();
  }
});
