import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { AccessKey } from "@aws-sdk/client-iam";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { expectWithinSlackLimits, listedKeyLines, unlistedCount } from "../support/slack-digest-assertions";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { addAccessKey, deactivateKey, motoClientConfig, seedUsers, useKey } from "./support/seed-iam";

// The bundled handler against moto holding more than one page of users, with the webhook in an SSM
// SecureString. Ages are driven through the default thresholds (80d / 90d / 45d) by running the
// container's clock ahead: moto stamps keys with the real time.
jest.setTimeout(60_000);

const DAY = 86_400_000;
const USERS = Array.from({ length: 160 }, (_, i) => `user-${String(i + 1).padStart(3, "0")}`);
const PARAMETER = "/key-age-monitor/test/slack-webhook";

let moto: MotoServer;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let keys: Map<string, AccessKey[]>;
let env: Record<string, string>;

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([startMotoServer(), startFakeSlack()]);
  keys = await seedUsers(moto, USERS);
  // user-001 gets a second, inactive key; user-002's key is used once.
  await deactivateKey(moto, await addAccessKey(moto, "user-001"));
  await useKey(moto, keys.get("user-002")![0]);
  const ssm = new SSMClient(motoClientConfig(moto));
  await ssm.send(new PutParameterCommand({ Name: PARAMETER, Type: "SecureString", Value: slack.webhookUrl }));
  ssm.destroy();
  // The per-user API walk: its call count is asserted, and a clock run ahead makes any credential report look stale.
  env = { ...moto.awsEnv, SLACK_WEBHOOK_PARAMETER: PARAMETER, ENVIRONMENT_NAME: "integration", SCAN_STRATEGY: "api" };
});

afterAll(async () => {
  await Promise.all([moto?.stop(), slack?.close()]);
  bundle?.cleanup();
});

beforeEach(() => slack.reset());

it("posts nothing and reports the scan when every key is young", async () => {
  const run = await runContainer(bundle.bundlePath, env);
  const summary = expectSuccess(run.outcomes[0]);
  expect(summary).toMatchObject({
    outcome: "nothing-flagged",
    accountId: "123456789012",
    counts: { exposed: 0, critical: 0, warning: 0, unused: 0, ok: 160, inactive: 1 },
    usersScanned: 160,
    messagesPosted: 0,
  });
  expect(slack.posts).toHaveLength(0);
});

it("alerts on every aged key with a digest that fits Slack, reading the webhook from SSM", async () => {
  const run = await runContainer(bundle.bundlePath, env, { clockOffsetMs: 85 * DAY });
  const summary = expectSuccess(run.outcomes[0]);

  expect(summary).toMatchObject({
    outcome: "alerted",
    environment: "integration",
    counts: { exposed: 0, critical: 0, warning: 160, unused: 0, ok: 0, inactive: 1 },
    flaggedKeys: 160,
    usersScanned: 160,
    skippedUsers: [],
    // 1 ListUsers (moto answers in one page) + 160 ListAccessKeys + 160 GetAccessKeyLastUsed + 160 ListUserTags
    // + 160 ListAttachedUserPolicies (AWS's quarantine policy) + 1 GetAccountSummary (the root user's access key)
    apiCalls: 642,
    messagesPosted: 2,
  });
  expect(slack.posts).toHaveLength(2);
  const messages = slack.posts.map((post) => post.payload);
  messages.forEach(expectWithinSlackLimits);
  expect(listedKeyLines(messages).length + unlistedCount(messages)).toBe(160);
  expect(messages[0].blocks[0]).toMatchObject({
    text: { text: "IAM access keys need attention · integration · 123456789012 (1/2)" },
  });
  const usedKey = keys.get("user-002")![0].AccessKeyId!;
  expect(listedKeyLines(messages)).toContain(
    `:large_orange_circle: *Warning* · \`user-002\` · \`${usedKey.slice(0, 4)}…${usedKey.slice(-4)}\` · age 85d · last used 85d ago (sts)`,
  );
  expect(JSON.stringify(messages)).not.toContain(usedKey);

  const finished = run.logLines.filter((line) => line.message === "key-age scan finished");
  expect(finished).toEqual([expect.objectContaining({ requestId: "request-1", level: "info", ...summary })]);
  expect(run.stdout + run.stderr).not.toContain(slack.secret);
});

it("marks old keys critical and long-idle keys unused", async () => {
  const critical = await runContainer(bundle.bundlePath, env, { clockOffsetMs: 90 * DAY });
  expect(expectSuccess(critical.outcomes[0]).counts).toEqual({
    exposed: 0,
    critical: 160,
    warning: 0,
    unused: 0,
    exempt: 0,
    ok: 0,
    inactive: 1,
  });

  const idle = await runContainer(bundle.bundlePath, env, { clockOffsetMs: 46 * DAY });
  expect(expectSuccess(idle.outcomes[0]).counts).toEqual({
    exposed: 0,
    critical: 0,
    warning: 0,
    unused: 160,
    exempt: 0,
    ok: 0,
    inactive: 1,
  });
  expect(slack.posts.map((post) => post.payload.text)).toContain(
    "IAM access keys need attention in integration (123456789012): 160 critical, 0 warning, 0 unused (message 1 of 2)",
  );
});

it("serves several invocations from one container", async () => {
  const run = await runContainer(bundle.bundlePath, env, { invocations: 2, clockOffsetMs: 85 * DAY });
  expect(run.outcomes.map((outcome) => outcome.ok)).toEqual([true, true]);
  expect(slack.posts).toHaveLength(4);
  expect(run.logLines.filter((line) => line.message === "key-age scan finished").map((line) => line.requestId)).toEqual(
    ["request-1", "request-2"],
  );
});

it("logs the payload instead of posting it in a dry run", async () => {
  const { SLACK_WEBHOOK_PARAMETER: _unused, ...dryEnv } = env;
  const run = await runContainer(bundle.bundlePath, { ...dryEnv, DRY_RUN: "true" }, { clockOffsetMs: 85 * DAY });
  expect(expectSuccess(run.outcomes[0])).toMatchObject({ outcome: "dry-run", messagesRendered: 2, messagesPosted: 0 });
  expect(slack.posts).toHaveLength(0);
  const payloads = run.logLines.filter((line) => line.message === "dry run: Slack payload not posted");
  expect(payloads).toHaveLength(2);
  expect(payloads[0]).toMatchObject({ payload: { blocks: expect.any(Array), text: expect.any(String) } });
});
