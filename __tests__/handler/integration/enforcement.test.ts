import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteAccessKeyCommand,
  IAMClient,
  ListAccessKeysCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
  type AccessKey,
} from "@aws-sdk/client-iam";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import type { SlackMessage } from "../../../handler/slack/slack-message";
import { expectWithinSlackLimits } from "../support/slack-digest-assertions";
import { createStateTable } from "./support/state-table";
import { motoClientConfig, seedUsers } from "./support/seed-iam";
import { startMotoProxy, type MotoProxy } from "../../../scripts/lib/moto-proxy";

// Enforcement through the deployed bundle against moto: moto backdates the keys of `old-*` users by
// 118 days (a list gives a user's second key its own, young age), and each invocation runs in a fresh
// container whose clock runs ahead, so the notice period passes between runs.
jest.setTimeout(180_000);

const DAY = 86_400_000;
const OLD_MINUTES = 118 * 24 * 60;
const TABLE = "key-age-enforcement-state";

let moto: MotoServer;
let proxy: MotoProxy;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let iam: IAMClient;
let dynamodb: DynamoDBClient;
let keys: Map<string, AccessKey[]>;
let runs = 0;

const idOf = (user: string, index = 0) => keys.get(user)![index].AccessKeyId!;
const masked = (id: string) => `${id.slice(0, 4)}…${id.slice(-4)}`;

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...moto.awsEnv,
    // Through the proxy, so a test can act between the scan and the deactivation.
    AWS_ENDPOINT_URL: proxy.endpoint,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ALERT_STATE_TABLE: TABLE,
    ENVIRONMENT_NAME: "integration",
    SCAN_STRATEGY: "api",
    UNUSED_AGE: "400d",
    DEACTIVATE_AGE: "120d",
    DEACTIVATION_NOTICE: "7d",
    MAX_DEACTIVATIONS_PER_RUN: "3",
    ...extra,
  };
}

/** One invocation at `offsetMs` ahead of now; returns the summary, the enforcement message and the log lines. */
async function invoke(offsetMs: number, extra: Record<string, string>) {
  slack.reset();
  const run = await runContainer(bundle.bundlePath, env(extra), {
    clockOffsetMs: offsetMs,
    events: [{ id: `event-${(runs += 1)}`, "detail-type": "Scheduled Event", source: "aws.events", detail: {} }],
  });
  const messages = slack.posts.map((post) => post.payload);
  messages.forEach(expectWithinSlackLimits);
  const enforcement = messages.filter((message) => header(message).startsWith("IAM key enforcement"));
  expect(enforcement.length).toBeLessThanOrEqual(1);
  return {
    summary: expectSuccess(run.outcomes[0]),
    enforcement: enforcement[0] ? sections(enforcement[0]) : "",
    digest: messages
      .filter((message) => !enforcement.includes(message))
      .map(sections)
      .join("\n"),
    logLines: run.logLines,
  };
}

function header(message: SlackMessage): string {
  const first = message.blocks[0];
  return first?.type === "header" ? first.text.text : "";
}

function sections(message: SlackMessage): string {
  return message.blocks.flatMap((block) => (block.type === "section" ? [block.text.text] : [])).join("\n");
}

async function statusOf(user: string, id: string): Promise<string | undefined> {
  const { AccessKeyMetadata } = await iam.send(new ListAccessKeysCommand({ UserName: user }));
  return AccessKeyMetadata?.find((key) => key.AccessKeyId === id)?.Status;
}

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    startMotoServer({
      accessKeyAgeMinutesByUserPrefix: { "old-": OLD_MINUTES, "old-alice": [OLD_MINUTES, 0], "brake-": OLD_MINUTES },
    }),
    startFakeSlack(),
  ]);
  proxy = await startMotoProxy(moto.endpoint);
  iam = new IAMClient(motoClientConfig(moto));
  dynamodb = new DynamoDBClient(motoClientConfig(moto));
  await createStateTable(moto, TABLE);
  keys = new Map([
    ...(await seedUsers(moto, ["old-bob", "old-never", "old-exempt", "old-rotated"])),
    // old-alice's first key is old, her second one young.
    ...(await seedUsers(moto, ["old-alice"], 2)),
  ]);
  await iam.send(new TagUserCommand({ UserName: "old-never", Tags: [{ Key: "key-age:deactivate", Value: "never" }] }));
  const exemptUntil = new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10);
  await iam.send(
    new TagUserCommand({ UserName: "old-exempt", Tags: [{ Key: "key-age:exempt-until", Value: exemptUntil }] }),
  );
});

afterAll(async () => {
  iam?.destroy();
  dynamodb?.destroy();
  await Promise.all([moto?.stop(), slack?.close(), proxy?.close()]);
  bundle?.cleanup();
});

const enforced = ["old-alice", "old-bob", "old-rotated"];

// The steps build on each other, like consecutive scheduled runs.
test("a dry run names each key with its date, later says 'would deactivate', and changes nothing in IAM", async () => {
  const first = await invoke(0, { ENFORCEMENT: "dry-run" });
  for (const user of enforced) {
    expect(first.enforcement).toMatch(new RegExp(`Would be deactivated on .*\`${user}\` · \`${masked(idOf(user))}\``));
  }
  expect(first.enforcement).not.toContain("old-never");
  expect(first.enforcement).not.toContain("old-exempt");
  expect(first.enforcement).not.toContain(masked(idOf("old-alice", 1)));
  // The digest shows the date beside each enforced key, and the opt-out beside old-never's.
  expect(first.digest).toMatch(
    new RegExp(`\`${masked(idOf("old-bob"))}\`.* · deactivation \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC`),
  );
  expect(first.digest).toMatch(/`old-never`.*never deactivated \(tag key-age:deactivate=never\)/);

  const later = await invoke(8 * DAY, { ENFORCEMENT: "dry-run" });
  expect(later.summary.enforcement).toMatchObject({ mode: "dry-run", due: 3, deactivated: 0, wouldDeactivate: 3 });
  for (const user of enforced) expect(later.enforcement).toContain(`*Would deactivate now* (dry run) · \`${user}\``);
  const finished = later.logLines.find((line) => line.message === "key-age scan finished");
  expect(finished).toMatchObject({ KeysWouldDeactivate: 3, KeysDeactivated: 0 });
  for (const user of [...enforced, "old-never", "old-exempt"]) expect(await statusOf(user, idOf(user))).toBe("Active");
});

test("armed, a dry-run notice does not count: a fresh notice names a date a full period away", async () => {
  const run = await invoke(8 * DAY, { ENFORCEMENT: "armed" });
  expect(run.summary.enforcement).toMatchObject({ mode: "armed", due: 0, deactivated: 0 });
  for (const user of enforced) expect(run.enforcement).toMatch(new RegExp(`To be deactivated on .*\`${user}\``));
  const early = await invoke(14 * DAY, { ENFORCEMENT: "armed" });
  expect(early.summary.enforcement).toMatchObject({ due: 0, deactivated: 0 });
  expect(early.enforcement).toContain("Deactivation tomorrow");
});

test("armed deactivates exactly the due keys: not a user's young key, not opt-outs or exemptions, not a key rotated meanwhile", async () => {
  // old-rotated deletes its key after the scan, right before the re-check.
  let scansOfRotated = 0;
  proxy.add({
    times: 1,
    matches: ({ form }) =>
      form.get("Action") === "ListAccessKeys" && form.get("UserName") === "old-rotated" && (scansOfRotated += 1) === 2,
    before: async () => {
      await iam.send(new DeleteAccessKeyCommand({ UserName: "old-rotated", AccessKeyId: idOf("old-rotated") }));
    },
  });
  const run = await invoke(16 * DAY, { ENFORCEMENT: "armed" });
  expect(proxy.pending()).toBe(0);
  expect(run.summary.enforcement).toMatchObject({ due: 3, deactivated: 2, leftAlone: 1, braked: false });
  expect(await statusOf("old-alice", idOf("old-alice"))).toBe("Inactive");
  expect(await statusOf("old-bob", idOf("old-bob"))).toBe("Inactive");
  expect(await statusOf("old-alice", idOf("old-alice", 1))).toBe("Active");
  expect(await statusOf("old-never", idOf("old-never"))).toBe("Active");
  expect(await statusOf("old-exempt", idOf("old-exempt"))).toBe("Active");
  expect(run.enforcement).toContain("*Left alone* · `old-rotated`");
  expect(run.enforcement).toContain(
    `*Deactivated* · \`old-bob\` · \`${masked(idOf("old-bob"))}\` · age 134d · DEACTIVATE_AGE=120d`,
  );
  expect(run.enforcement).toContain(
    `aws iam update-access-key --user-name old-bob --status Active --access-key-id "$(aws iam list-access-keys --user-name old-bob --query "AccessKeyMetadata[?ends_with(AccessKeyId,'${idOf("old-bob").slice(-4)}')].AccessKeyId" --output text)"`,
  );
  expect(run.enforcement).not.toContain(idOf("old-bob")); // the full key id never leaves
  const audit = run.logLines.filter((line) => line.message === "access key deactivated");
  expect(audit.map((line) => line.userName).sort()).toEqual(["old-alice", "old-bob"]);
  expect(audit[0]).toMatchObject({
    setting: "DEACTIVATE_AGE=120d",
    restoreCommand: expect.stringContaining("--status Active"),
  });
  const finished = run.logLines.find((line) => line.message === "key-age scan finished");
  expect(finished).toMatchObject({ KeysDeactivated: 2, EnforcementBrakeEngaged: 0 });
});

test("a key a person reactivates is announced once and not deactivated again within the fresh notice period", async () => {
  await iam.send(new UpdateAccessKeyCommand({ UserName: "old-bob", AccessKeyId: idOf("old-bob"), Status: "Active" }));
  const seen = await invoke(17 * DAY, { ENFORCEMENT: "armed" });
  expect(seen.enforcement).toMatch(/\*Reactivated by a person\* · `old-bob`.* not deactivated again before/);
  expect(seen.summary.enforcement).toMatchObject({ deactivated: 0 });
  const quiet = await invoke(20 * DAY, { ENFORCEMENT: "armed" });
  expect(quiet.enforcement).not.toContain("old-bob");
  expect(await statusOf("old-bob", idOf("old-bob"))).toBe("Active");
});

test("the brake: one key more than the limit deactivates none; raising the limit lifts it", async () => {
  const brake = await seedUsers(moto, ["brake-1", "brake-2", "brake-3", "brake-4"]);
  const settings = { ENFORCEMENT: "armed", WATCH_USERS: "brake-1,brake-2,brake-3,brake-4" };
  await invoke(0, settings);
  const braked = await invoke(8 * DAY, settings);
  expect(braked.summary.enforcement).toMatchObject({ due: 4, deactivated: 0, braked: true });
  expect(braked.enforcement).toContain("*Enforcement brake engaged: 4 keys due*");
  for (const user of brake.keys()) expect(braked.enforcement).toContain(`\`${user}\``);
  expect(braked.logLines.find((line) => line.message === "key-age scan finished")).toMatchObject({
    EnforcementBrakeEngaged: 1,
  });
  for (const [user, [key]] of brake) expect(await statusOf(user, key.AccessKeyId!)).toBe("Active");

  const lifted = await invoke(8 * DAY, { ...settings, MAX_DEACTIVATIONS_PER_RUN: "4" });
  expect(lifted.summary.enforcement).toMatchObject({ deactivated: 4, braked: false });
  for (const [user, [key]] of brake) expect(await statusOf(user, key.AccessKeyId!)).toBe("Inactive");
});
