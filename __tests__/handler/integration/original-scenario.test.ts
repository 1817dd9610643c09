import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { expectWithinSlackLimits, listedKeyLines } from "../support/slack-digest-assertions";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { seedUsers } from "./support/seed-iam";

// The original deployment's scenario: watch the single user Demogorgon, warn at 12 minutes and
// alert at 25, in the original wording. The container clock runs ahead to cross each threshold.
jest.setTimeout(60_000);

const MINUTE = 60_000;

let moto: MotoServer;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let masked: string;
let env: Record<string, string>;

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([startMotoServer(), startFakeSlack()]);
  const keys = await seedUsers(moto, ["Demogorgon", "eleven", "hopper"]);
  const keyId = keys.get("Demogorgon")![0].AccessKeyId!;
  masked = `${keyId.slice(0, 4)}…${keyId.slice(-4)}`;
  env = {
    ...moto.awsEnv,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    WATCH_USERS: "Demogorgon",
    WARNING_AGE: "12m",
    CRITICAL_AGE: "25m",
    MESSAGE_STYLE: "original",
    ENVIRONMENT_NAME: "hawkins",
  };
});

afterAll(async () => {
  await Promise.all([moto?.stop(), slack?.close()]);
  bundle?.cleanup();
});

beforeEach(() => slack.reset());

it.each([
  ["stays quiet before 12 minutes", 11 * MINUTE, "ok", undefined],
  ["warns from 12 minutes", 13 * MINUTE, "warning", "is near to be out of control."],
  ["alerts from 25 minutes", 26 * MINUTE, "critical", "is out of control. We must rotate the key!"],
])("%s", async (_name, clockOffsetMs, status, wording) => {
  const run = await runContainer(bundle.bundlePath, env, { clockOffsetMs });
  const summary = expectSuccess(run.outcomes[0]);
  expect(summary.usersScanned).toBe(1); // only the watched user, not eleven or hopper
  expect(summary.counts[status]).toBe(1);
  if (!wording) {
    expect(slack.posts).toHaveLength(0);
    return;
  }
  expect(slack.posts).toHaveLength(1);
  const messages = slack.posts.map((post) => post.payload);
  messages.forEach(expectWithinSlackLimits);
  expect(listedKeyLines(messages)).toEqual([`Demogorgon's key ${masked} ${wording}`]);
});

it("reports a watched user that does not exist instead of ignoring it", async () => {
  const run = await runContainer(bundle.bundlePath, { ...env, WATCH_USERS: "Demogorgon,Vecna" });
  const summary = expectSuccess(run.outcomes[0]);
  expect(summary).toMatchObject({ missingWatchedUsers: ["Vecna"], usersScanned: 1, flaggedKeys: 0, messagesPosted: 1 });
  expect(slack.posts).toHaveLength(1);
  expect(JSON.stringify(slack.posts[0].payload.blocks)).toContain(":warning: *Watched user not found:* `Vecna`");
});
