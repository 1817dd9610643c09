import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { startMotoProxy, THROTTLING_ANSWER, type MotoProxy } from "../../../scripts/lib/moto-proxy";
import { seedUsers } from "./support/seed-iam";

// IAM throttles big scans. A loopback proxy in front of moto answers the first ListAccessKeys calls
// with IAM's `Throttling` error; the bundled handler must absorb them through the SDK's retries
// and still report every key.
jest.setTimeout(60_000);

const THROTTLED_CALLS = 3;

let moto: MotoServer;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let proxy: MotoProxy;

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([startMotoServer(), startFakeSlack()]);
  await seedUsers(moto, ["alice", "bob", "carol", "dave"]);
  proxy = await startMotoProxy(moto.endpoint);
  proxy.add({
    matches: (request) => request.action === "ListAccessKeys",
    times: THROTTLED_CALLS,
    answer: () => THROTTLING_ANSWER,
  });
});

afterAll(async () => {
  await Promise.all([moto?.stop(), slack?.close(), proxy?.close()]);
  bundle?.cleanup();
});

it("retries throttled IAM calls and still reports every key", async () => {
  const run = await runContainer(bundle.bundlePath, {
    ...moto.awsEnv,
    AWS_ENDPOINT_URL: proxy.endpoint,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    WARNING_AGE: "0m",
  });
  const summary = expectSuccess(run.outcomes[0]);
  expect(summary).toMatchObject({ usersScanned: 4, flaggedKeys: 4, skippedUsers: [], messagesPosted: 1 });
  expect(proxy.answered.get("ListAccessKeys")).toBe(THROTTLED_CALLS);
  expect(proxy.counts.get("ListAccessKeys")).toBe(THROTTLED_CALLS + 4);
  // The summary counts requests the handler made, not the SDK's retries of them.
  // 1 ListUsers + 4 ListAccessKeys + 4 GetAccessKeyLastUsed + 4 ListUserTags + 4 ListAttachedUserPolicies
  // + 1 GetAccountSummary
  expect(summary.apiCalls).toBe(1 + 4 + 4 + 4 + 4 + 1);
  // The throttles and the retries they caused are counted per attempt, for the log line and metrics.
  expect(summary).toMatchObject({ throttledRequests: THROTTLED_CALLS, retries: THROTTLED_CALLS });
  const line = run.logLines.find((entry) => entry.message === "key-age scan finished");
  expect(line).toMatchObject({ ThrottledRequests: THROTTLED_CALLS, Retries: THROTTLED_CALLS });
});
