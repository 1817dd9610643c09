import { accountMessage } from "../../../handler/core/account-message";
import { startFakeSlackWebApi, type FakeSlackWebApi } from "../../../scripts/lib/fake-slack-web-api";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { seedMemberUsers, seedOrganization, type SeededAccount } from "./support/seed-organization";

// Slack text carries invisible word joiners that defuse links and mentions; tests read past them.
const visible = (text: string) => text.replaceAll("\u2060", "");

// Organization mode with the Slack app, through the deployment bundle: the worker posts each member
// account's digest to the channel SLACK_CHANNELS_BY_ACCOUNT maps it to, and an account not listed to
// SLACK_CHANNEL. The fake Web API refuses any channel it does not know, so a wrong route fails loudly.
jest.setTimeout(120_000);

let moto: MotoServer;
let slack: FakeSlackWebApi;
let bundle: ReturnType<typeof buildBundle>;
let accounts: SeededAccount[];

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    startMotoServer({ accessKeyAgeMinutesByUserPrefix: { "stale-": 100 * 24 * 60 } }),
    startFakeSlackWebApi({ channels: ["#key-age", "#team-payments", "C0ANALYTICS"] }),
  ]);
  accounts = await seedOrganization(moto, ["payments", "analytics", "sandbox"]);
  await seedMemberUsers(moto, accounts[0].id, ["stale-deployer"]);
  await seedMemberUsers(moto, accounts[1].id, ["stale-etl"]);
  await seedMemberUsers(moto, accounts[2].id, ["stale-hidden"]);
});

afterAll(async () => {
  await Promise.all([moto?.stop(), slack?.close()]);
  bundle?.cleanup();
});

it("posts two accounts' digests to their own channels and the third to the default channel", async () => {
  const [payments, analytics, sandbox] = accounts;
  const env = {
    ...moto.awsEnv,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_CHANNEL: "#key-age",
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNELS_BY_ACCOUNT: `${payments.id}=#team-payments,${analytics.id}=C0ANALYTICS`,
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
  expect(channelOf("stale-hidden")).toEqual(["#key-age"]);
  expect(channelOf(`${sandbox.id} (sandbox)`)).toEqual(["#key-age"]);
  expect(worked.stdout + worked.stderr).not.toContain(slack.token);
});
