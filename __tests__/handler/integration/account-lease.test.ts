import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { HELD_RETRY_SECONDS } from "../../../handler/organization/retry-soon";
import { accountMessage } from "../../../handler/organization/account-message";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { signedIn, startMotoProxy, type MotoProxy } from "../../../scripts/lib/moto-proxy";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { motoClientConfig, seedUsers } from "./support/seed-iam";
import { seedMemberUsers, seedOrganization, type SeededAccount } from "./support/seed-organization";
import { createStateTable } from "./support/state-table";

// One run per account at a time: two runs for one account at once (a message delivered twice,
// overlapping sweeps, the tick and the heartbeat of the same minute) post once. The proxy holds the
// first run's first IAM call for a few seconds, so the second one surely finds the account held.
jest.setTimeout(240_000);

const TABLE = "key-age-lease";
const HOLD_MS = 6_000;

let moto: MotoServer;
let proxy: MotoProxy;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let account: SeededAccount;
let deployerKey: string;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const visible = (text: string) => text.replaceAll("\u2060", "");

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    startMotoServer({ accessKeyAgeMinutesByUserPrefix: { "stale-": 100 * 24 * 60 } }),
    startFakeSlack(),
  ]);
  [account] = await seedOrganization(moto, ["payments"]);
  [deployerKey] = (await seedMemberUsers(moto, account.id, ["stale-deployer"])) as [string];
  // The function's own account (single-account mode) has stale keys of its own.
  await seedUsers(moto, ["stale-admin", "stale-ci"]);
  await createStateTable(moto, TABLE);
  proxy = await startMotoProxy(moto.endpoint);
});

afterAll(async () => {
  await Promise.all([proxy?.close(), slack?.close()]);
  await moto?.stop();
  bundle?.cleanup();
});

beforeEach(() => slack.reset());

/** The worker's environment: member accounts reached through the proxy, the lease table, the webhook. */
const workerEnv = () => ({
  ...moto.awsEnv,
  AWS_ENDPOINT_URL: proxy.endpoint,
  SLACK_WEBHOOK_URL: slack.webhookUrl,
  ENVIRONMENT_NAME: "org",
  ALERT_STATE_TABLE: TABLE,
});

/** A sweep's message for the account. */
const sweepRecord = (id: string) => ({
  messageId: id,
  body: JSON.stringify(accountMessage(account, { eventId: id, heartbeat: false })),
});

/** The message an AWS Health exposure event about the deployer's key queues for the account. */
const exposureMessage = (eventId: string) =>
  accountMessage(account, {
    eventId,
    heartbeat: false,
    exposure: { eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED", accessKeyIds: [deployerKey], accountId: account.id },
  });

it("two deliveries of one account's message at once: one scans and posts, the other returns and says so", async () => {
  proxy.add({ matches: signedIn(account.id, "iam"), times: 1, before: () => sleep(HOLD_MS) });
  const env = workerEnv();
  const delivery = (id: string): { Records: SQSRecord[] } => ({ Records: [sweepRecord(id) as unknown as SQSRecord] });
  const [one, other] = await Promise.all([
    runContainer(bundle.bundlePath, env, { handlerName: "worker", events: [delivery("sweep-1")] }),
    sleep(1_500).then(() =>
      runContainer(bundle.bundlePath, env, { handlerName: "worker", events: [delivery("sweep-2")] }),
    ),
  ]);
  // Neither delivery fails: the skipped one is done, since the account is being scanned.
  expect(expectSuccess(one.outcomes[0])).toEqual({ batchItemFailures: [] });
  expect(expectSuccess(other.outcomes[0])).toEqual({ batchItemFailures: [] });
  const skipped = [...one.logLines, ...other.logLines].filter(
    (line) => line.message === "key-age run skipped: another run holds the account",
  );
  expect(skipped).toEqual([
    expect.objectContaining({ accountId: account.id, heldBy: expect.stringContaining("sweep-") }),
  ]);
  const digests = slack.posts.map((post) => visible(JSON.stringify(post.payload)));
  expect(digests.filter((text) => text.includes("stale-deployer"))).toHaveLength(1);
});

it("single-account mode, the tick and the heartbeat of the same minute: the keys are announced once, and the heartbeat still comes", async () => {
  proxy.add({ matches: (request) => request.action === "GetAccountSummary", times: 1, before: () => sleep(HOLD_MS) });
  const env = {
    ...moto.awsEnv,
    AWS_ENDPOINT_URL: proxy.endpoint,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ENVIRONMENT_NAME: "single",
    ALERT_STATE_TABLE: TABLE,
  };
  const [tick, heartbeat] = await Promise.all([
    runContainer(bundle.bundlePath, env, { events: [{ id: "tick-0900" }] }),
    sleep(1_500).then(() =>
      runContainer(bundle.bundlePath, env, { events: [{ kind: "heartbeat", id: "heartbeat-0900" }] }),
    ),
  ]);
  expect(expectSuccess(tick.outcomes[0])).toMatchObject({ outcome: "alerted", alerts: { new: 2 } });
  // The heartbeat waited for the tick, then found everything announced already: its one message.
  expect(expectSuccess(heartbeat.outcomes[0])).toMatchObject({
    outcome: "heartbeat",
    alerts: { new: 0, unchanged: 2 },
  });
  const texts = slack.posts.map((post) => visible(JSON.stringify(post.payload)));
  expect(texts.filter((text) => text.includes("stale-admin"))).toHaveLength(1);
  expect(texts).toHaveLength(2);
});

it("an AWS Health exposure message for an account a sweep's run holds is not dropped: it waits for the lease, then names the key exposed", async () => {
  proxy.add({ matches: signedIn(account.id, "iam"), times: 1, before: () => sleep(HOLD_MS) });
  const env = workerEnv();
  const sweep = sweepRecord("sweep-3");
  const exposure = { messageId: "health-1", body: JSON.stringify(exposureMessage("health-1")) };
  const [one, other] = await Promise.all([
    runContainer(bundle.bundlePath, env, { handlerName: "worker", events: [{ Records: [sweep] }] }),
    sleep(1_500).then(() =>
      runContainer(bundle.bundlePath, env, { handlerName: "worker", events: [{ Records: [exposure] }] }),
    ),
  ]);
  expect(expectSuccess(one.outcomes[0])).toEqual({ batchItemFailures: [] });
  // Not "done" while the sweep held the account: the event's key is named exposed once it is free.
  expect(expectSuccess(other.outcomes[0])).toEqual({ batchItemFailures: [] });
  const texts = slack.posts.map((post) => visible(JSON.stringify(post.payload)));
  expect(texts.some((text) => text.includes("stale-deployer") && text.includes("Exposed"))).toBe(true);
});

it("an exposure message whose account stays held fails alone and comes back in a minute, not after the queue's 30-minute timeout", async () => {
  const sqs = new SQSClient(motoClientConfig(moto));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "key-age-lease-accounts" }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(exposureMessage("health-2")) }));
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 1_800 }));
  sqs.destroy();
  const [received] = Messages;
  const changes: { status: number; body: string }[] = [];
  const stop = proxy.observe(({ request, status }) => {
    if (request.action === "ChangeMessageVisibility") changes.push({ status, body: request.body.toString() });
  });
  proxy.add({ matches: signedIn(account.id, "iam"), times: 1, before: () => sleep(HOLD_MS) });
  const env = workerEnv();
  const sweep = sweepRecord("sweep-4");
  const exposure = {
    messageId: received?.MessageId ?? "",
    receiptHandle: received?.ReceiptHandle ?? "",
    body: received?.Body ?? "",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:key-age-lease-accounts",
  };
  try {
    const [, held] = await Promise.all([
      runContainer(bundle.bundlePath, env, { handlerName: "worker", events: [{ Records: [sweep] }] }),
      // A short invocation waits a quarter of its time (2 s) for the lease, less than the sweep holds it.
      sleep(1_500).then(() =>
        runContainer(bundle.bundlePath, env, {
          handlerName: "worker",
          events: [{ Records: [exposure] }],
          remainingTimeMs: 8_000,
        }),
      ),
    ]);
    expect(expectSuccess(held.outcomes[0])).toEqual({ batchItemFailures: [{ itemIdentifier: exposure.messageId }] });
    expect(held.stdout).toContain("LeaseHeldError");
    expect(changes).toHaveLength(1);
    expect(changes[0]?.status).toBe(200);
    expect(JSON.parse(changes[0]?.body ?? "{}")).toMatchObject({
      QueueUrl: expect.stringMatching(/\/123456789012\/key-age-lease-accounts$/),
      ReceiptHandle: received?.ReceiptHandle,
      VisibilityTimeout: HELD_RETRY_SECONDS,
    });
  } finally {
    stop();
  }
});
