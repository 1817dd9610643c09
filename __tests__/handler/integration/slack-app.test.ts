import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { IAMClient, TagUserCommand } from "@aws-sdk/client-iam";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { startFakeSlackWebApi, type FakeSlackWebApi } from "../../../scripts/lib/fake-slack-web-api";
import { buildBundle, expectFailure, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { expectWithinSlackLimits } from "../support/slack-digest-assertions";
import { createStateTable } from "./support/state-table";
import { motoClientConfig, seedUsers } from "./support/seed-iam";

// Slack text carries invisible word joiners that defuse links and mentions; tests read past them.
const visible = (text: string) => text.replaceAll("\u2060", "");

// The bundled handler posting as a Slack app (bot token, chat.postMessage) to the loopback fake Web
// API, with IAM and the alert state in moto: the channel digest, owners told directly (found or
// not), a direct message that fails and is retried on the next run, and a permanent channel error.
jest.setTimeout(120_000);

const TABLE = "key-age-slack-app-state";
const TOKEN_PARAMETER = "/key-age/integration/slack-bot-token";

let moto: MotoServer;
let slack: FakeSlackWebApi;
let bundle: ReturnType<typeof buildBundle>;
let env: Record<string, string>;
let runs = 0;

const scheduled = () => ({
  version: "0",
  id: `event-${(runs += 1)}`,
  "detail-type": "Scheduled Event",
  source: "aws.events",
  detail: {},
});

/** One invocation in a fresh container; `script` queues the fake's answers first. */
async function invoke(extraEnv: Record<string, string> = {}, script?: () => void) {
  slack.reset();
  script?.();
  const run = await runContainer(bundle.bundlePath, { ...env, ...extraEnv }, { events: [scheduled()] });
  for (const message of slack.messages) expectWithinSlackLimits(message.payload);
  expect(run.stdout + run.stderr + JSON.stringify(run.outcomes)).not.toContain(slack.token);
  return {
    run,
    channel: slack.messages.filter((m) => m.directTo === undefined),
    direct: slack.messages.filter((m) => m.directTo !== undefined),
  };
}

async function ownersState(): Promise<Record<string, unknown>[]> {
  const dynamodb = new DynamoDBClient(motoClientConfig(moto));
  const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: TABLE }));
  dynamodb.destroy();
  return Items.map((item) => ({
    user: item.userName?.S,
    owners: item.owners?.M ? JSON.stringify(item.owners.M) : undefined,
  }));
}

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    startMotoServer(),
    startFakeSlackWebApi({
      users: { "alice@example.com": "U0ALICE" },
      channels: ["#key-age"],
      channelsWithoutApp: ["#private-team"],
    }),
  ]);
  await seedUsers(moto, ["svc-alice", "svc-nobody", "svc-plain"]);
  const iam = new IAMClient(motoClientConfig(moto));
  await iam.send(
    new TagUserCommand({ UserName: "svc-alice", Tags: [{ Key: "key-age:owner", Value: "Alice@Example.com" }] }),
  );
  await iam.send(
    new TagUserCommand({ UserName: "svc-nobody", Tags: [{ Key: "key-age:owner", Value: "ghost@example.com" }] }),
  );
  iam.destroy();
  const ssm = new SSMClient(motoClientConfig(moto));
  await ssm.send(new PutParameterCommand({ Name: TOKEN_PARAMETER, Type: "SecureString", Value: slack.token }));
  ssm.destroy();
  const dynamodb = new DynamoDBClient(motoClientConfig(moto));
  await createStateTable(moto, TABLE);
  dynamodb.destroy();
  // WARNING_AGE=0m flags every key at once.
  env = {
    ...moto.awsEnv,
    SLACK_BOT_TOKEN_PARAMETER: TOKEN_PARAMETER,
    SLACK_CHANNEL: "#key-age",
    SLACK_API_URL: slack.apiUrl,
    ALERT_STATE_TABLE: TABLE,
    WARNING_AGE: "0m",
    ENVIRONMENT_NAME: "slack-app",
  };
});

afterAll(async () => {
  await Promise.all([moto?.stop(), slack?.close()]);
  bundle?.cleanup();
});

it("posts the digest to the channel with the token from SSM, and messages the owner Slack knows", async () => {
  const { run, channel, direct } = await invoke();
  expect(expectSuccess(run.outcomes[0])).toMatchObject({
    outcome: "alerted",
    messagesPosted: 1,
    ownerMessages: { sent: 1, failed: 0, notFound: 1, pending: 0, lookups: 2 },
  });
  expect(channel).toHaveLength(1);
  expect(channel[0].channel).toBe("#key-age");
  const digest = visible(JSON.stringify(channel[0].payload.blocks));
  for (const user of ["svc-alice", "svc-nobody", "svc-plain"]) expect(digest).toContain(`\`${user}\``);
  // The digest goes out before any owner is looked up: it names the addresses; an owner Slack does
  // not know is noted on the key's line from the next announcement on (the owner cache remembers).
  expect(digest).toContain("owner ghost@example.com");
  expect(digest).toContain("owner alice@example.com");
  expect(slack.messages[0].channel).toBe("#key-age");

  expect(direct).toHaveLength(1);
  expect(direct[0].directTo).toBe("U0ALICE");
  const dm = visible(JSON.stringify(direct[0].payload.blocks));
  expect(dm).toContain("Your IAM access keys need attention · slack-app");
  expect(dm).toContain("`svc-alice`");
  expect(dm).not.toContain("svc-plain");
  expect(
    slack.calls
      .filter((call) => call.method === "users.lookupByEmail")
      .map((call) => call.params.email)
      .sort(),
  ).toEqual(["alice@example.com", "ghost@example.com"]);

  const again = await invoke();
  expect(expectSuccess(again.run.outcomes[0])).toMatchObject({ outcome: "unchanged", messagesPosted: 0 });
  expect(again.channel).toHaveLength(0);
  expect(again.direct).toHaveLength(0);
});

it("retries a failed direct message on the next run, to the owner only, and then stops", async () => {
  // A new key of alice's, so this run announces it (the others were announced above).
  await seedUsers(moto, ["svc-alice-2"]);
  const iam = new IAMClient(motoClientConfig(moto));
  await iam.send(
    new TagUserCommand({ UserName: "svc-alice-2", Tags: [{ Key: "key-age:owner", Value: "alice@example.com" }] }),
  );
  iam.destroy();

  const first = await invoke({}, () =>
    slack.script("chat.postMessage U0ALICE", { body: { ok: false, error: "cannot_dm_bot" } }),
  );
  expect(expectSuccess(first.run.outcomes[0])).toMatchObject({
    outcome: "alerted",
    ownerMessages: { sent: 0, failed: 1 },
  });
  expect(first.channel).toHaveLength(1);
  expect(JSON.stringify(first.channel[0].payload.blocks)).toContain("`svc-alice-2`");
  expect(first.direct).toHaveLength(0);
  expect(first.run.logLines).toContainEqual(
    expect.objectContaining({
      level: "warn",
      message: "owner direct message failed; it is sent again on the next run",
      owner: "alice@example.com",
    }),
  );
  expect(await ownersState()).toContainEqual({ user: "svc-alice-2", owners: expect.stringContaining("pending") });

  const retry = await invoke();
  expect(expectSuccess(retry.run.outcomes[0])).toMatchObject({
    messagesPosted: 0,
    ownerMessages: { sent: 1, failed: 0 },
  });
  expect(retry.channel).toHaveLength(0);
  expect(retry.direct).toHaveLength(1);
  expect(retry.direct[0].directTo).toBe("U0ALICE");
  expect(JSON.stringify(retry.direct[0].payload.blocks)).toContain("`svc-alice-2`");
  expect(await ownersState()).toContainEqual({ user: "svc-alice-2", owners: expect.not.stringContaining("pending") });

  const quiet = await invoke();
  expect(quiet.channel).toHaveLength(0);
  expect(quiet.direct).toHaveLength(0);
});

// Issue case 7: the digest's tag-problems part posted a tag value bare; `@here` is a valid IAM user name.
it("keeps hostile user names and tag values inert in the channel digest", async () => {
  await seedUsers(moto, ["@here"]);
  const iam = new IAMClient(motoClientConfig(moto));
  await iam.send(
    new TagUserCommand({
      UserName: "@here",
      Tags: [{ Key: "key-age:exempt-until", Value: "@channel https://evil.example/x" }],
    }),
  );
  iam.destroy();
  const { run, channel } = await invoke();
  expectSuccess(run.outcomes[0]);
  const texts = channel.flatMap((message) => [
    message.payload.text,
    ...message.payload.blocks.flatMap((block) => ("text" in block ? [block.text.text] : [])),
  ]);
  const all = texts.join("\n");
  expect(all).toContain("`@\u2060here`");
  expect(all).toContain('exempt-until="@\u2060channel https:\u2060//evil.\u2060example/x"');
  expect(all).not.toMatch(/(^|[^\u2060])@(here|channel)\b|https:\/\/evil|<!/);
});

it("fails the run when the app is not in the channel, saying to invite it, with a plain token too", async () => {
  const { run } = await invoke({
    SLACK_BOT_TOKEN_PARAMETER: "",
    SLACK_BOT_TOKEN: slack.token,
    SLACK_CHANNEL: "#private-team",
    ALERT_STATE_TABLE: "",
  });
  const failure = expectFailure(run.outcomes[0]);
  expect(failure.errorName).toBe("SlackDeliveryError");
  expect(failure.errorMessage).toContain(
    "not_in_channel: the app is not a member of #private-team: invite the app to #private-team",
  );
  expect(run.logLines).toContainEqual(expect.objectContaining({ level: "error", message: "key-age scan failed" }));
});
