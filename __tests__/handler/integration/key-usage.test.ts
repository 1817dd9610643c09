import { IAMClient, TagUserCommand } from "@aws-sdk/client-iam";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { startMotoProxy, type MotoProxy } from "../../../scripts/lib/moto-proxy";
import { seedCloudTrailEvents } from "../../../scripts/lib/moto-cloudtrail";
import { startFakeSlackWebApi, type FakeSlackWebApi } from "../../../scripts/lib/fake-slack-web-api";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { createStateTable } from "./support/state-table";
import { motoClientConfig, seedUsers } from "./support/seed-iam";

// KEY_USAGE=on through the bundled handler as a Slack app, CloudTrail's LookupEvents answered by the
// moto shim (scripts/moto_server.py) behind the one moto proxy, which counts the requests: the
// owner's direct message carries the key's usage line; a second run within 24 h takes the line from
// the alert state and asks CloudTrail nothing; with KEY_USAGE off nothing is asked and no line shown.
jest.setTimeout(120_000);

const visible = (text: string) => text.replaceAll("\u2060", "");
const HOUR = 3_600_000;

let moto: MotoServer;
let proxy: MotoProxy;
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

async function invoke(extraEnv: Record<string, string>) {
  slack.reset();
  proxy.reset();
  const run = await runContainer(bundle.bundlePath, { ...env, ...extraEnv }, { events: [scheduled()] });
  const summary = expectSuccess(run.outcomes[0]);
  const direct = slack.messages.filter((message) => message.directTo !== undefined);
  return {
    run,
    summary,
    dm: direct.map((message) => visible(JSON.stringify(message.payload.blocks))).join("\n"),
    lookups: proxy.counts.get("LookupEvents") ?? 0,
  };
}

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([
    startMotoServer(),
    startFakeSlackWebApi({ users: { "alice@example.com": "U0ALICE" }, channels: ["#key-age"] }),
  ]);
  proxy = await startMotoProxy(moto.endpoint);
  const keys = await seedUsers(moto, ["svc-alice"]);
  const key = keys.get("svc-alice")?.[0]?.AccessKeyId ?? "";
  const iam = new IAMClient(motoClientConfig(moto));
  await iam.send(
    new TagUserCommand({ UserName: "svc-alice", Tags: [{ Key: "key-age:owner", Value: "alice@example.com" }] }),
  );
  iam.destroy();
  // Three calls of the key in the last days, in the function's region; one older than the window.
  const call = (hoursAgo: number, eventSource: string, eventName: string) => ({
    eventTime: new Date(Date.now() - hoursAgo * HOUR).toISOString(),
    eventSource,
    eventName,
    awsRegion: moto.awsEnv.AWS_REGION,
    userIdentity: { accessKeyId: key, userName: "svc-alice" },
    sourceIPAddress: "203.0.113.7",
    userAgent: "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64",
  });
  await seedCloudTrailEvents(moto.endpoint, [
    call(2, "s3.amazonaws.com", "ListBuckets"),
    call(5, "s3.amazonaws.com", "GetBucketPolicy"),
    call(30, "sts.amazonaws.com", "GetCallerIdentity"),
    call(40 * 24, "ec2.amazonaws.com", "DescribeInstances"),
  ]);
  await createStateTable(moto, "key-usage-state");
  await createStateTable(moto, "key-usage-off-state");
  env = {
    ...moto.awsEnv,
    // Every AWS call of the function goes through the proxy, which counts LookupEvents.
    AWS_ENDPOINT_URL: proxy.endpoint,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_CHANNEL: "#key-age",
    SLACK_API_URL: slack.apiUrl,
    ALERT_STATE_TABLE: "key-usage-state",
    WARNING_AGE: "0m",
    ENVIRONMENT_NAME: "key-usage",
  };
});

afterAll(async () => {
  await Promise.all([proxy?.close(), slack?.close()]);
  await moto?.stop();
  bundle?.cleanup();
});

it("adds the usage line to the owner's message, then reuses it for a day without asking CloudTrail", async () => {
  const first = await invoke({ KEY_USAGE: "on" });
  expect(first.summary).toMatchObject({ ownerMessages: { sent: 1 } });
  expect(first.dm).toContain(
    "Used: 3 calls in the last 30 days, last " +
      new Date(Date.now() - 2 * HOUR).toISOString().slice(0, 13).replace("T", " "),
  );
  expect(first.dm).toMatch(/: s3 2, sts 1 · from 203\.0\.113\.7 · with aws-cli/);
  // One region (the function's is us-east-1, the global events' region too), one page.
  expect(first.lookups).toBe(1);
  expect(first.run.logLines.find((line) => line.message === "key usage summarised")).toMatchObject({
    usage: { keys: 1, cached: 0, lookedUp: 1, failed: 0, deferred: 0 },
  });

  // The key gets worse (critical now), so its owner is told again: the line comes from the cache.
  const second = await invoke({ KEY_USAGE: "on", CRITICAL_AGE: "0m" });
  expect(second.summary).toMatchObject({ ownerMessages: { sent: 1 } });
  expect(second.dm).toContain("Used: 3 calls in the last 30 days");
  expect(second.lookups).toBe(0);
});

it("with KEY_USAGE off asks CloudTrail nothing and shows no line", async () => {
  // A fresh state table: the key is new there, so its owner is told again.
  const off = await invoke({ ALERT_STATE_TABLE: "key-usage-off-state" });
  expect(off.summary).toMatchObject({ ownerMessages: { sent: 1 } });
  expect(off.dm).toContain("svc-alice");
  expect(off.dm).not.toContain("Used:");
  expect(off.lookups).toBe(0);
  expect(off.run.logLines.some((line) => line.message === "key usage summarised")).toBe(false);
});
