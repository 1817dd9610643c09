import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import type { SQSRecord } from "aws-lambda";
import { accountMessage } from "../../../handler/organization/account-message";
import { DELIVERY_MARGIN_MS, IN_FLIGHT_ALLOWANCE_MS } from "../../../handler/scan/scan-budget";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { signedIn, startMotoProxy, THROTTLING_ANSWER, type MotoProxy } from "../../../scripts/lib/moto-proxy";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { motoClientConfig } from "./support/seed-iam";
import { seedMemberUsers, seedOrganization, type SeededAccount } from "./support/seed-organization";
import { createStateTable } from "./support/state-table";

// Each account of the worker's batch gets its own time. The proxy in front of moto knows which
// account signed each request (it learnt the session key id of every AssumeRole answer it relayed),
// so it can throttle one member account's IAM while the others' calls go through.
jest.setTimeout(300_000);

const TABLE = "key-age-org-time";
// The scan may start users for 15 s, and must stop 10 s later, 30 s before the invocation's end.
const INVOCATION_MS = DELIVERY_MARGIN_MS + IN_FLIGHT_ALLOWANCE_MS + 15_000;

let moto: MotoServer;
let proxy: MotoProxy;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let env: Record<string, string>;
let accounts: SeededAccount[];

const posted = () => slack.posts.map((post) => JSON.stringify(post.payload).replaceAll("\u2060", ""));
const sqsRecord = (account: SeededAccount, index: number): SQSRecord =>
  ({
    messageId: `message-${account.name}-${index}`,
    receiptHandle: `receipt-${index}`,
    body: JSON.stringify(accountMessage(account, { eventId: `tick-${index}`, heartbeat: false })),
    attributes: {},
    messageAttributes: {},
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:key-age-accounts",
    awsRegion: "us-east-1",
  }) as unknown as SQSRecord;

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    startMotoServer({ accessKeyAgeMinutesByUserPrefix: { "stale-": 100 * 24 * 60 } }),
    startFakeSlack(),
  ]);
  accounts = await seedOrganization(moto, ["throttled", "bravo", "charlie", "delta", "echo", "report", "many"]);
  for (const account of accounts.slice(0, 6)) await seedMemberUsers(moto, account.id, [`stale-${account.name}`]);
  await seedMemberUsers(
    moto,
    accounts[6].id,
    Array.from({ length: 24 }, (_, i) => `stale-user-${String(i).padStart(2, "0")}`),
  );
  await createStateTable(moto, TABLE);
  proxy = await startMotoProxy(moto.endpoint);
  env = {
    ...moto.awsEnv,
    AWS_ENDPOINT_URL: proxy.endpoint,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ENVIRONMENT_NAME: "org",
    ALERT_STATE_TABLE: TABLE,
  };
});

afterAll(async () => {
  await Promise.all([proxy?.close(), slack?.close()]);
  await moto?.stop();
  bundle?.cleanup();
});

beforeEach(() => {
  slack.reset();
  proxy.reset();
});

it("a throttled account first in a batch of five: the four others are scanned and named, only its message is retried, and the invocation ends in time", async () => {
  const [throttled, ...healthy] = accounts.slice(0, 5);
  const stop = proxy.add({ matches: signedIn(throttled.id, "iam"), answer: () => THROTTLING_ANSWER });
  try {
    const records = accounts.slice(0, 5).map(sqsRecord);
    const run = await runContainer(bundle.bundlePath, env, {
      handlerName: "worker",
      remainingTimeMs: INVOCATION_MS,
      events: [{ Records: records }],
    });
    const outcome = run.outcomes[0];
    expect(expectSuccess(outcome)).toEqual({ batchItemFailures: [{ itemIdentifier: records[0].messageId }] });
    expect(outcome?.durationMs).toBeLessThan(INVOCATION_MS);

    const texts = posted();
    for (const account of healthy) {
      // Each healthy account's digest names its stale key, under the account's id and name.
      expect(
        texts.some(
          (text) => text.includes(`${account.id} (${account.name})`) && text.includes(`stale-${account.name}`),
        ),
      ).toBe(true);
      expect(texts.join("")).not.toContain(`account ${account.id} (${account.name}) could not be scanned`);
    }
    const failures = texts.filter((text) => text.includes("could not be scanned"));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain(`account ${throttled.id} (throttled) could not be scanned`);
    expect(failures[0]).toContain("The time ran out");
    const finished = run.logLines
      .filter((line) => line.message === "key-age scan finished")
      .map((line) => line.account);
    expect(finished.sort()).toEqual(healthy.map((account) => account.id).sort());
    // The proxy answered the throttled account's IAM calls and no other account's.
    expect(proxy.answered.size).toBeGreaterThan(0);
  } finally {
    stop();
  }
});

it("a credential report that IAM keeps throttling is given up when the account's time is up, not after its retries", async () => {
  const report = accounts[5];
  const stop = proxy.add({
    matches: (request) => signedIn(report.id, "iam")(request) && request.action === "GenerateCredentialReport",
    answer: () => THROTTLING_ANSWER,
  });
  try {
    const run = await runContainer(bundle.bundlePath, env, {
      handlerName: "worker",
      remainingTimeMs: INVOCATION_MS,
      events: [{ Records: [sqsRecord(report, 1)] }],
    });
    const outcome = run.outcomes[0];
    expect(expectSuccess(outcome)).toEqual({ batchItemFailures: [{ itemIdentifier: sqsRecord(report, 1).messageId }] });
    expect(outcome?.durationMs).toBeLessThan(INVOCATION_MS);
    // Each attempt waits a growing backoff (0.5 s, 1 s, … up to 5 s): 25 s of scan time hold a few
    // dozen at most, never the 50 attempts of one call times the report's polls.
    const attempts = proxy.answered.get("GenerateCredentialReport") ?? 0;
    expect(attempts).toBeGreaterThan(0);
    expect(attempts).toBeLessThanOrEqual(30);
    expect(posted().join("")).toContain(`account ${report.id} (report) could not be scanned · org: `);
    expect(posted().join("")).toContain("The time ran out before the credential report was ready");
  } finally {
    stop();
  }
});

it("an account whose scan stops on its budget names its unchecked users, remembers them in its partition, and checks them first next time", async () => {
  const many = accounts[6];
  const apiEnv = { ...env, SCAN_STRATEGY: "api" };
  // 2 requests/s for this account's IAM only: the scan cannot finish 24 users in its 15 s.
  proxy.setThrottling({ bucketRate: 2, matches: signedIn(many.id, "iam") });
  const first = await runContainer(bundle.bundlePath, apiEnv, {
    handlerName: "worker",
    remainingTimeMs: INVOCATION_MS,
    events: [{ Records: [sqsRecord(many, 1)] }],
  });
  proxy.setThrottling({});
  expect(expectSuccess(first.outcomes[0])).toEqual({
    batchItemFailures: [{ itemIdentifier: sqsRecord(many, 1).messageId }],
  });
  const users = Array.from({ length: 24 }, (_, i) => `stale-user-${String(i).padStart(2, "0")}`);
  const named = (text: string) => users.filter((user) => text.includes(`\`${user}\``));
  const [digest, uncheckedMessage, ...rest] = posted();
  expect(rest).toEqual([]);
  const found = named(digest ?? "");
  expect(found.length).toBeGreaterThan(0);
  expect(found.length).toBeLessThan(users.length);
  expect(uncheckedMessage).toContain("users not checked");
  // The run said so itself: no second "could not be scanned" announcement.
  expect(posted().join("")).not.toContain("could not be scanned");

  const dynamodb = new DynamoDBClient(motoClientConfig(moto));
  const item = await dynamodb.send(
    new GetItemCommand({ TableName: TABLE, Key: { accountId: { S: many.id }, itemKey: { S: "unchecked-users" } } }),
  );
  const remembered = (item.Item?.users?.L ?? []).map((value) => value.S ?? "").sort();
  expect(remembered).toEqual(users.filter((user) => !found.includes(user)));

  // Unthrottled: the rest is checked and announced; the first run's keys stay silent.
  slack.reset();
  const second = await runContainer(bundle.bundlePath, apiEnv, {
    handlerName: "worker",
    events: [{ Records: [sqsRecord(many, 2)] }],
  });
  expect(expectSuccess(second.outcomes[0])).toEqual({ batchItemFailures: [] });
  expect(named(posted().join("")).sort()).toEqual(remembered);
  const cleared = await dynamodb.send(
    new GetItemCommand({ TableName: TABLE, Key: { accountId: { S: many.id }, itemKey: { S: "unchecked-users" } } }),
  );
  dynamodb.destroy();
  expect(cleared.Item).toBeUndefined();
});
