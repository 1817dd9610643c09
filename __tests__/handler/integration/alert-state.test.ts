import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { DeleteAccessKeyCommand, IAMClient, TagUserCommand, type AccessKey } from "@aws-sdk/client-iam";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { expectWithinSlackLimits, listedKeyLines } from "../support/slack-digest-assertions";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectFailure, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { deactivateKey, motoClientConfig, seedUsers } from "./support/seed-iam";
import { createStateTable } from "./support/state-table";

// The bundled handler with its alert state in moto's DynamoDB, over consecutive invocations (each a
// fresh container) whose clocks run ahead: IAM (moto) stamps keys with the real time, so the
// container's clock drives the keys' ages through the default 80d / 90d limits.
jest.setTimeout(120_000);

const DAY = 86_400_000;
const HOUR = 3_600_000;
const CAROL_EXEMPT_UNTIL = new Date(Date.now() + 300 * DAY).toISOString().slice(0, 10);
const TABLE = "key-age-alert-state";

let moto: MotoServer;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let keys: Map<string, AccessKey[]>;
let env: Record<string, string>;
let iam: IAMClient;
let dynamodb: DynamoDBClient;
let runs = 0;

const masked = (user: string) => {
  const id = keys.get(user)![0].AccessKeyId!;
  return `${id.slice(0, 4)}…${id.slice(-4)}`;
};
const scheduled = (id: string) => ({
  version: "0",
  id,
  "detail-type": "Scheduled Event",
  source: "aws.events",
  detail: {},
});

/** One invocation in a fresh container at `offsetMs` ahead of now; returns its outcome and the posts it made. */
async function invoke(offsetMs: number, event: Record<string, unknown> = scheduled(`event-${(runs += 1)}`)) {
  slack.reset();
  const run = await runContainer(bundle.bundlePath, env, { clockOffsetMs: offsetMs, events: [event] });
  const messages = slack.posts.map((post) => post.payload);
  messages.forEach(expectWithinSlackLimits);
  return { outcome: run.outcomes[0], messages, lines: listedKeyLines(messages) };
}

const tag = (user: string, Key: string, Value: string) =>
  iam.send(new TagUserCommand({ UserName: user, Tags: [{ Key, Value }] }));

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([startMotoServer(), startFakeSlack()]);
  iam = new IAMClient(motoClientConfig(moto));
  dynamodb = new DynamoDBClient(motoClientConfig(moto));
  await createStateTable(moto, TABLE);
  keys = await seedUsers(moto, ["alice", "bob", "carol", "dave", "erin"]);
  // bob's key has an owner; carol is exempt until 88 days from now; dave's tag is malformed;
  // erin is a machine user allowed a year.
  await tag("bob", "key-age:owner", "U012AB3CD");
  await tag("carol", "key-age:exempt-until", new Date(Date.now() + 88 * DAY).toISOString().slice(0, 10));
  await tag("dave", "key-age:warning-age", "1y");
  await tag("erin", "key-age:warning-age", "365d");
  await tag("erin", "key-age:critical-age", "400d");
  // Every key looks idle once the clock runs ahead, so the unused limit is moved out of the way.
  env = {
    ...moto.awsEnv,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ALERT_STATE_TABLE: TABLE,
    ENVIRONMENT_NAME: "integration",
    UNUSED_AGE: "200d",
  };
});

afterAll(async () => {
  iam?.destroy();
  dynamodb?.destroy();
  await Promise.all([moto?.stop(), slack?.close()]);
  bundle?.cleanup();
});

// The steps build on each other, like consecutive scheduled runs.
it("announces keys that become bad, with owners and tag problems, and remembers them", async () => {
  const run = await invoke(85 * DAY);
  expect(expectSuccess(run.outcome)).toMatchObject({
    outcome: "alerted",
    counts: { warning: 3, exempt: 1, ok: 1 },
    alerts: { new: 3, worse: 0, reminder: 0, resolved: 0, unchanged: 0 },
    messagesPosted: 1,
  });
  expect(run.lines.sort()).toEqual(
    [
      `:large_orange_circle: *Warning* · \`alice\` · \`${masked("alice")}\` · age 85d · never used · *new*`,
      `:large_orange_circle: *Warning* · \`bob\` · \`${masked("bob")}\` · age 85d · never used · *new* · <@U012AB3CD>`,
      `:large_orange_circle: *Warning* · \`dave\` · \`${masked("dave")}\` · age 85d · never used · *new* · ` +
        ':warning: tag key-age:warning-age="1y" is ignored: expected a whole number and a unit m, h, d or w, such as 25m, 12h, 90d or 2w',
    ].sort(),
  );
  expect(run.messages[0].text).toMatch(/ <@U012AB3CD>$/);

  const { Items } = await dynamodb.send(new ScanCommand({ TableName: TABLE }));
  // Three key records, and the note that dave's tag problem was announced (so it is not repeated).
  expect(Items).toHaveLength(4);
  expect(Items?.filter((item) => item.itemKey?.S?.startsWith("tag-problems#")).map((item) => item.itemKey.S)).toEqual([
    "tag-problems#dave",
  ]);
  // Every item in the function's account's partition.
  expect(new Set(Items?.map((item) => item.accountId?.S))).toEqual(new Set(["123456789012"]));
  const expiresAt = Number(Items![0].expiresAt.N);
  expect(expiresAt * 1000).toBeGreaterThan(Date.now() + 85 * DAY + 29 * DAY);
});

it("stays silent on the next runs while nothing changed", async () => {
  const run = await invoke(85 * DAY + HOUR);
  expect(expectSuccess(run.outcome)).toMatchObject({
    outcome: "unchanged",
    messagesPosted: 0,
    alerts: { unchanged: 3 },
  });
  expect(run.messages).toEqual([]);
  expect((await invoke(85 * DAY + 2 * HOUR)).messages).toEqual([]);
});

it("reminds once REMIND_EVERY (24h) has passed", async () => {
  const run = await invoke(86 * DAY);
  expect(expectSuccess(run.outcome)).toMatchObject({ alerts: { reminder: 3 } });
  expect(run.lines.every((line) => line.includes("reminder: open for 1d"))).toBe(true);
  expect((await invoke(86 * DAY + HOUR)).messages).toEqual([]);
});

it("re-sends after a failed delivery instead of losing the alert", async () => {
  slack.reset();
  slack.script({ status: 404, body: "no_service" });
  const failed = await runContainer(bundle.bundlePath, env, {
    clockOffsetMs: 91 * DAY,
    events: [scheduled("event-fails")],
  });
  expect(expectFailure(failed.outcomes[0]).errorMessage).toContain("no_service");

  // Lambda retries the same event: everything is announced, since nothing was recorded.
  const retry = await invoke(91 * DAY + HOUR, scheduled("event-fails"));
  expect(expectSuccess(retry.outcome)).toMatchObject({ outcome: "alerted", alerts: { worse: 3, new: 1 } });
  expect(retry.lines.filter((line) => line.includes("*worse*, was warning"))).toHaveLength(3);
  expect(retry.lines.filter((line) => line.includes("`carol`") && line.includes("*new*"))).toHaveLength(1);
});

it("does not announce again when Lambda delivers an event that was already delivered", async () => {
  const again = await invoke(92 * DAY + 2 * HOUR, scheduled("event-fails"));
  expect(expectSuccess(again.outcome)).toMatchObject({ outcome: "unchanged", alerts: { reminder: 0, unchanged: 4 } });
  expect(again.messages).toEqual([]);
  // A new event at the same time is due for its reminders.
  expect(expectSuccess((await invoke(92 * DAY + 2 * HOUR)).outcome)).toMatchObject({ alerts: { reminder: 4 } });
});

it("announces each rotated, deactivated or exempted key as resolved, once", async () => {
  await iam.send(new DeleteAccessKeyCommand({ UserName: "alice", AccessKeyId: keys.get("alice")![0].AccessKeyId }));
  await deactivateKey(moto, keys.get("bob")![0]);
  // Within MAX_EXEMPTION (365d) of the run's clock.
  await tag("carol", "key-age:exempt-until", CAROL_EXEMPT_UNTIL);
  await tag("dave", "key-age:warning-age", "365d");
  await tag("dave", "key-age:critical-age", "400d");

  const run = await invoke(92 * DAY + 3 * HOUR);
  expect(expectSuccess(run.outcome)).toMatchObject({ outcome: "alerted", alerts: { resolved: 4, new: 0 } });
  expect(run.messages[0].blocks[0]).toMatchObject({
    text: { text: "IAM access key alerts resolved · integration · 123456789012" },
  });
  const dave = run.lines.filter((line) => line.includes("`dave`"));
  expect(run.lines.filter((line) => !line.includes("`dave`")).sort()).toEqual(
    [
      `:white_check_mark: *Resolved* · \`alice\` · \`${masked("alice")}\` · was critical · key deleted or rotated`,
      `:white_check_mark: *Resolved* · \`bob\` · \`${masked("bob")}\` · was critical · key deactivated`,
      `:white_check_mark: *Resolved* · \`carol\` · \`${masked("carol")}\` · was critical · exempt until ${CAROL_EXEMPT_UNTIL}`,
    ].sort(),
  );
  // A credential-report scan (SCAN_STRATEGY=auto) may not read dave's keys at all: his tags prove them fine.
  expect(dave[0]).toMatch(
    /^:white_check_mark: \*Resolved\* · `dave` · `.*` · was critical · (within its limits now|no longer needs attention)$/,
  );
  expect((await dynamodb.send(new ScanCommand({ TableName: TABLE }))).Items).toEqual([]);
  expect((await invoke(92 * DAY + 4 * HOUR)).messages).toEqual([]);
});

it("posts the all-clear on the heartbeat, when nothing needs attention", async () => {
  const run = await invoke(92 * DAY + 5 * HOUR, {
    kind: "heartbeat",
    id: "heartbeat-1",
    time: new Date().toISOString(),
  });
  expect(expectSuccess(run.outcome)).toMatchObject({ outcome: "heartbeat", heartbeat: true, messagesPosted: 1 });
  expect(run.messages[0].text).toBe(
    "IAM access keys in integration (123456789012): 4 keys checked, none need attention",
  );
});
