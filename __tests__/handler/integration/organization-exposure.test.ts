import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { healthExposureEvent } from "../../../scripts/lib/health-event";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { listedKeyLines } from "../support/slack-digest-assertions";
import { motoClientConfig } from "./support/seed-iam";
import { seedMemberUsers, seedOrganization, type SeededAccount } from "./support/seed-organization";

// Organization mode's exposure route through the deployment bundle on moto: a member account's AWS
// Health exposure event, forwarded to the monitor's bus, reaches the dispatcher, which queues that
// account alone; the worker scans it and names the key exposed in that account's digest.
jest.setTimeout(120_000);

let moto: MotoServer;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let sqs: SQSClient;
let queueUrl: string;
let env: Record<string, string>;
let payments: SeededAccount;
let analytics: SeededAccount;
let leakedKey: string;

async function drainQueue(): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (!Messages || Messages.length === 0) return messages;
    messages.push(...Messages);
  }
}

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([startMotoServer(), startFakeSlack()]);
  [payments, analytics] = await seedOrganization(moto, ["payments", "analytics"]);
  [leakedKey] = await seedMemberUsers(moto, payments.id, ["ci-deployer", "app"]);
  await seedMemberUsers(moto, analytics.id, ["etl"]);
  sqs = new SQSClient(motoClientConfig(moto));
  ({ QueueUrl: queueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: "key-age-accounts" })));
  env = {
    ...moto.awsEnv,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ENVIRONMENT_NAME: "org",
    ACCOUNT_QUEUE_URL: queueUrl,
    EXCLUDE_ACCOUNTS: "123456789012",
  };
});

afterAll(async () => {
  sqs?.destroy();
  await slack?.close();
  await moto?.stop();
  bundle?.cleanup();
});

it("queues only the event's account, and its digest names the key exposed", async () => {
  const dispatched = await runContainer(bundle.bundlePath, env, {
    handlerName: "dispatcher",
    events: [healthExposureEvent({ account: payments.id, accessKeyIds: [leakedKey!] })],
  });
  expect(expectSuccess(dispatched.outcomes[0])).toMatchObject({
    accountsQueued: 1,
    exposureEvent: { eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED", account: payments.id, inScope: true },
  });
  const messages = await drainQueue();
  expect(messages.map((message) => JSON.parse(message.Body ?? "{}"))).toEqual([
    expect.objectContaining({
      accountId: payments.id,
      exposure: { eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED", accessKeyIds: [leakedKey] },
    }),
  ]);

  slack.reset();
  const worked = await runContainer(bundle.bundlePath, env, {
    handlerName: "worker",
    events: [
      {
        Records: messages.map((message) => ({
          messageId: message.MessageId,
          body: message.Body,
          eventSource: "aws:sqs",
        })),
      },
    ],
  });
  expect(expectSuccess(worked.outcomes[0])).toEqual({ batchItemFailures: [] });
  const lines = listedKeyLines(slack.posts.map((post) => post.payload));
  expect(lines).toEqual([
    expect.stringMatching(
      /^:rotating_light: \*Exposed\* · `ci-deployer` · `AKIA…\w{4}` · named by an AWS Health exposure event · age 0m/,
    ),
  ]);
  expect(JSON.stringify(slack.posts[0]?.payload)).toContain(`${payments.id} (payments)`);
});

it("queues nothing for an account outside the scope, and says which", async () => {
  const dispatched = await runContainer(bundle.bundlePath, env, {
    handlerName: "dispatcher",
    events: [healthExposureEvent({ account: "123456789012", accessKeyIds: ["AKIAIOSFODNN7EXAMPLE"] })],
  });
  expect(expectSuccess(dispatched.outcomes[0])).toMatchObject({
    accountsQueued: 0,
    exposureEvent: { account: "123456789012", inScope: false },
  });
  expect(dispatched.logLines.map((line) => line.message)).toContain(
    "AWS Health exposure event about an account outside the scope: nothing queued",
  );
  expect(await drainQueue()).toEqual([]);
});
