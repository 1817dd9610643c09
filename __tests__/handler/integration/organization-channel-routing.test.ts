import { OrganizationsClient, TagResourceCommand } from "@aws-sdk/client-organizations";
import { accountMessage } from "../../../handler/organization/account-message";
import { startFakeSlackWebApi, type FakeSlackWebApi } from "../../../scripts/lib/fake-slack-web-api";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { motoClientConfig } from "./support/seed-iam";
import { seedMemberUsers, seedOrganization, type SeededAccount } from "./support/seed-organization";

// Slack text carries invisible word joiners that defuse links and mentions; tests read past them.
const visible = (text: string) => text.replaceAll("\u2060", "");

// Organization mode with the Slack app, through the deployment bundle: the worker posts each member
// account's digest to the channel SLACK_CHANNELS_BY_ACCOUNT maps it to, and an account not listed to
// SLACK_CHANNEL. With SLACK_CHANNEL_FROM_ACCOUNT_TAG, an account's key-age:slack-channel tag (read
// from moto's Organizations) names the channel of an account the map leaves out; the map wins. The
// fake Web API refuses any channel it does not know, so a wrong route fails loudly.
jest.setTimeout(120_000);

let moto: MotoServer;
let slack: FakeSlackWebApi;
let bundle: ReturnType<typeof buildBundle>;
let accounts: SeededAccount[];

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    startMotoServer({ accessKeyAgeMinutesByUserPrefix: { "stale-": 100 * 24 * 60 } }),
    startFakeSlackWebApi({ channels: ["#key-age", "#team-payments", "C0ANALYTICS", "#team-data"] }),
  ]);
  accounts = await seedOrganization(moto, ["payments", "analytics", "sandbox", "data"]);
  await seedMemberUsers(moto, accounts[0].id, ["stale-deployer"]);
  await seedMemberUsers(moto, accounts[1].id, ["stale-etl"]);
  await seedMemberUsers(moto, accounts[2].id, ["stale-hidden"]);
  await seedMemberUsers(moto, accounts[3].id, ["stale-lake"]);
  const org = new OrganizationsClient(motoClientConfig(moto));
  const tag = (accountId: string, channel: string) =>
    org.send(
      new TagResourceCommand({ ResourceId: accountId, Tags: [{ Key: "key-age:slack-channel", Value: channel }] }),
    );
  await tag(accounts[0].id, "#team-elsewhere");
  await tag(accounts[3].id, "#team-data");
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
  const records = accounts.map((account, index) => ({
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
