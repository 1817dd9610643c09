import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { OrganizationsClient, TagResourceCommand } from "@aws-sdk/client-organizations";
import { accountMessage } from "../../../handler/organization/account-message";
import { startFakeSlackWebApi, type FakeSlackWebApi } from "../../../scripts/lib/fake-slack-web-api";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { motoClientConfig } from "./support/seed-iam";
import { seedMemberUsers, seedOrganization, type SeededAccount } from "./support/seed-organization";
import { createStateTable } from "./support/state-table";

// Slack text carries invisible word joiners that defuse links and mentions; tests read past them.
const visible = (text: string) => text.replaceAll("\u2060", "");

// Organization mode with the Slack app, through the deployment bundle: the worker posts each member
// account's digest to the channel SLACK_CHANNELS_BY_ACCOUNT maps it to, and an account not listed to
// SLACK_CHANNEL. With SLACK_CHANNEL_FROM_ACCOUNT_TAG, an account's key-age:slack-channel tag (read
// from moto's Organizations) names the channel of an account the map leaves out; the map wins. The
// fake Web API refuses any channel it does not know (`channel_not_found`) or the app is not in
// (`not_in_channel`): such an account's messages go to SLACK_CHANNEL, after a line naming the route.
jest.setTimeout(120_000);

let moto: MotoServer;
let slack: FakeSlackWebApi;
let bundle: ReturnType<typeof buildBundle>;
let accounts: SeededAccount[];
const TABLE = "key-age-org-routing";

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    startMotoServer({ accessKeyAgeMinutesByUserPrefix: { "stale-": 100 * 24 * 60 } }),
    startFakeSlackWebApi({
      channels: ["#key-age", "#team-payments", "C0ANALYTICS", "#team-data"],
      channelsWithoutApp: ["#team-private"],
    }),
  ]);
  accounts = await seedOrganization(moto, ["payments", "analytics", "sandbox", "data", "gone", "private"]);
  await seedMemberUsers(moto, accounts[0].id, ["stale-deployer"]);
  await seedMemberUsers(moto, accounts[1].id, ["stale-etl"]);
  await seedMemberUsers(moto, accounts[2].id, ["stale-hidden"]);
  await seedMemberUsers(moto, accounts[3].id, ["stale-lake"]);
  await seedMemberUsers(moto, accounts[4].id, ["stale-orphan"]);
  await seedMemberUsers(moto, accounts[5].id, ["stale-secret"]);
  await createStateTable(moto, TABLE);
  const org = new OrganizationsClient(motoClientConfig(moto));
  const tag = (accountId: string, channel: string) =>
    org.send(
      new TagResourceCommand({ ResourceId: accountId, Tags: [{ Key: "key-age:slack-channel", Value: channel }] }),
    );
  await tag(accounts[0].id, "#team-elsewhere");
  await tag(accounts[3].id, "#team-data");
  // A channel that does not exist: the tag's owner made a typo, or the channel was deleted.
  await tag(accounts[4].id, "#team-gone");
  org.destroy();
});

afterAll(async () => {
  await Promise.all([moto?.stop(), slack?.close()]);
  bundle?.cleanup();
});

it("posts two accounts' digests to their mapped channels, a tagged one to its tag's, the last to the default", async () => {
  const [payments, analytics, sandbox] = accounts;
  const env = {
    ...moto.awsEnv,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_CHANNEL: "#key-age",
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNELS_BY_ACCOUNT: `${payments.id}=#team-payments,${analytics.id}=C0ANALYTICS`,
    SLACK_CHANNEL_FROM_ACCOUNT_TAG: "true",
    ENVIRONMENT_NAME: "org",
  };
  const records = accounts.slice(0, 4).map((account, index) => ({
    messageId: `message-${index}`,
    receiptHandle: `receipt-${index}`,
    body: JSON.stringify(accountMessage(account, { eventId: "tick-1", heartbeat: false })),
    attributes: {},
    messageAttributes: {},
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:key-age-accounts",
    awsRegion: "us-east-1",
  }));
  const worked = await runContainer(bundle.bundlePath, env, { handlerName: "worker", events: [{ Records: records }] });
  expect(expectSuccess(worked.outcomes[0])).toEqual({ batchItemFailures: [] });

  const channelOf = (userName: string) =>
    slack.messages
      .filter((message) => message.directTo === undefined)
      .filter((message) => visible(JSON.stringify(message.payload)).includes(userName))
      .map((message) => message.channel);
  expect(channelOf("stale-deployer")).toEqual(["#team-payments"]);
  expect(channelOf("stale-etl")).toEqual(["C0ANALYTICS"]);
  expect(channelOf("stale-lake")).toEqual(["#team-data"]);
  expect(channelOf("stale-hidden")).toEqual(["#key-age"]);
  expect(channelOf(`${sandbox.id} (sandbox)`)).toEqual(["#key-age"]);
  expect(worked.stdout + worked.stderr).not.toContain(slack.token);
});

it("sends an account whose tag or map entry names a channel the app cannot post to to the default channel, with one line naming it", async () => {
  const [, , , , gone, secret] = accounts;
  const env = {
    ...moto.awsEnv,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_CHANNEL: "#key-age",
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNELS_BY_ACCOUNT: `${secret.id}=#team-private`,
    SLACK_CHANNEL_FROM_ACCOUNT_TAG: "true",
    ENVIRONMENT_NAME: "org",
    ALERT_STATE_TABLE: TABLE,
  };
  // `gone` was failing: this run also posts "scanned again", through a second Slack session, after
  // the digest; the fallback line is still posted once.
  const seeding = new DynamoDBClient(motoClientConfig(moto));
  const since = new Date(Date.now() - 3_600_000).toISOString();
  await seeding.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: {
        accountId: { S: gone.id },
        itemKey: { S: "scan" },
        lastAttemptAt: { S: since },
        failingSince: { S: since },
        failureAnnouncedAt: { S: since },
        lastError: { S: "MemberRoleError: AccessDenied" },
      },
    }),
  );
  seeding.destroy();
  slack.reset();
  const records = [gone, secret].map((account, index) => ({
    messageId: `fallback-${index}`,
    receiptHandle: `receipt-${index}`,
    body: JSON.stringify(accountMessage(account, { eventId: "tick-2", heartbeat: false })),
    attributes: {},
    messageAttributes: {},
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:key-age-accounts",
    awsRegion: "us-east-1",
  }));
  const worked = await runContainer(bundle.bundlePath, env, { handlerName: "worker", events: [{ Records: records }] });
  expect(expectSuccess(worked.outcomes[0])).toEqual({ batchItemFailures: [] });

  const inDefault = slack.messages
    .filter((message) => message.channel === "#key-age")
    .map((message) => visible(JSON.stringify(message.payload)));
  // Each account's digest, after one line that names the setting, the channel and Slack's answer.
  expect(inDefault.filter((text) => text.includes("stale-orphan"))).toHaveLength(1);
  expect(inDefault.filter((text) => text.includes("stale-secret"))).toHaveLength(1);
  expect(inDefault.filter((text) => text.includes(`${gone.id} (${gone.name}) is scanned again`))).toHaveLength(1);
  const notices = inDefault.filter((text) => text.includes("which the app cannot post to"));
  expect(notices).toHaveLength(2);
  expect(notices.find((text) => text.includes(gone.id))).toMatch(
    /key-age:slack-channel.*#team-gone.*channel_not_found/,
  );
  expect(notices.find((text) => text.includes(secret.id))).toMatch(
    /SLACK_CHANNELS_BY_ACCOUNT.*#team-private.*not_in_channel/,
  );

  // Recorded like any scanned account: it is counted, never silently missing.
  const dynamodb = new DynamoDBClient(motoClientConfig(moto));
  for (const account of [gone, secret]) {
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: TABLE, Key: { accountId: { S: account.id }, itemKey: { S: "scan" } } }),
    );
    expect(Item?.lastSuccessAt?.S).toMatch(/^\d{4}-/);
  }
  dynamodb.destroy();
});
