import { AttachUserPolicyCommand, IAMClient, type AccessKey } from "@aws-sdk/client-iam";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { healthExposureEvent } from "../../../scripts/lib/health-event";
import { expectWithinSlackLimits, listedKeyLines } from "../support/slack-digest-assertions";
import { motoClientConfig, seedUsers } from "./support/seed-iam";

// Exposed keys through the deployed bundle on moto, which carries AWS's quarantine policies
// (MOTO_IAM_LOAD_MANAGED_POLICIES). moto has no AWS Health: the test hands the function the event
// EventBridge would deliver, as the rule's target receives it.
jest.setTimeout(90_000);

const DAY_MINUTES = 24 * 60;
const QUARANTINE_V3 = "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3";
const UNKNOWN_KEY = "AKIAZZZZZZZZZZZZ9999";

let moto: MotoServer;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let keys: Map<string, AccessKey[]>;
let env: Record<string, string>;

const mask = (id: string): string => `${id.slice(0, 4)}…${id.slice(-4)}`;
const keyOf = (user: string): string => keys.get(user)![0]!.AccessKeyId!;

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    // leaky's and named's keys are 2 and 3 days old: far from any age threshold.
    startMotoServer({
      managedPolicies: "quarantine",
      accessKeyAgeMinutesByUserPrefix: { leaky: 2 * DAY_MINUTES, named: 3 * DAY_MINUTES },
    }),
    startFakeSlack(),
  ]);
  keys = await seedUsers(moto, ["leaky", "named", "fine"]);
  const iam = new IAMClient(motoClientConfig(moto));
  await iam.send(new AttachUserPolicyCommand({ UserName: "leaky", PolicyArn: QUARANTINE_V3 }));
  iam.destroy();
  env = { ...moto.awsEnv, SLACK_WEBHOOK_URL: slack.webhookUrl, ENVIRONMENT_NAME: "integration" };
});

afterAll(async () => {
  await Promise.all([moto?.stop(), slack?.close()]);
  bundle?.cleanup();
});

beforeEach(() => slack.reset());

it.each(["api", "credential-report"])(
  "names a quarantined user's 2-day-old key exposed, first, with SCAN_STRATEGY=%s",
  async (strategy) => {
    const run = await runContainer(bundle.bundlePath, { ...env, SCAN_STRATEGY: strategy });
    const summary = expectSuccess(run.outcomes[0]);
    expect(summary).toMatchObject({
      outcome: "alerted",
      strategy,
      counts: { exposed: 1, critical: 0, warning: 0, unused: 0, ok: 2 },
      flaggedKeys: 1,
    });
    const messages = slack.posts.map((post) => post.payload);
    expect(messages).toHaveLength(1);
    messages.forEach(expectWithinSlackLimits);
    expect(messages[0]!.blocks[0]).toMatchObject({
      text: { text: "Exposed IAM access key · integration · 123456789012" },
    });
    expect(listedKeyLines(messages)).toEqual([
      `:rotating_light: *Exposed* · \`leaky\` · \`${mask(keyOf("leaky"))}\` · AWS quarantine policy AWSCompromisedKeyQuarantineV3 attached · age 2d · never used`,
    ]);
    expect(JSON.stringify(messages)).toContain("review CloudTrail for everything this key did");
    // The metric an alarm or a dashboard reads.
    const finished = run.logLines.find((line) => line.message === "key-age scan finished");
    expect(finished).toMatchObject({ ExposedKeys: 1, CriticalKeys: 0 });
  },
);

it("names the key an AWS Health event names in the same invocation, before any quarantine policy, even outside WATCH_USERS", async () => {
  const run = await runContainer(
    bundle.bundlePath,
    { ...env, WATCH_USERS: "leaky,fine" },
    {
      events: [
        healthExposureEvent({
          accessKeyIds: [keyOf("named"), UNKNOWN_KEY],
          id: "b6e5b7a5-2f3e-4a84-9c1e-0e3a4f6b7c8d",
        }),
      ],
    },
  );
  const summary = expectSuccess(run.outcomes[0]);
  expect(summary).toMatchObject({ counts: { exposed: 2, ok: 1 }, flaggedKeys: 2 });
  const messages = slack.posts.map((post) => post.payload);
  const lines = listedKeyLines(messages);
  expect(lines).toContain(
    `:rotating_light: *Exposed* · \`named\` · \`${mask(keyOf("named"))}\` · named by an AWS Health exposure event · age 3d · never used`,
  );
  // A key the event names that this account does not have is named, not dropped.
  expect(JSON.stringify(messages)).toContain(
    `\`${mask(UNKNOWN_KEY)}\` · key from an AWS Health exposure event not found in this account`,
  );
  expect(JSON.stringify(messages)).not.toContain(keyOf("named"));
});
