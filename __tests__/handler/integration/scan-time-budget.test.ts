import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { DELIVERY_MARGIN_MS, IN_FLIGHT_ALLOWANCE_MS } from "../../../handler/scan/scan-budget";
import { startMotoProxy, type MotoProxy } from "../../../scripts/lib/moto-proxy";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectFailure, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { createStateTable } from "./support/state-table";
import { motoClientConfig, seedUsers } from "./support/seed-iam";

// IAM throttled hard (a 2 requests/s bucket, as the bench's proxy plays it) and an invocation with
// little time left: the bundled handler stops on its budget, posts what it found and names the users
// it could not check, remembers them in the alert-state table and fails. The next run, unthrottled,
// checks the rest and announces only their keys: nothing from the first run is resolved or repeated.
jest.setTimeout(240_000);

const TABLE = "key-age-alert-state";
// The bundle runs as a function of account 123456789012: its items live in that account's partition.
const UNCHECKED_USERS_KEY = { accountId: { S: "123456789012" }, itemKey: { S: "unchecked-users" } };
const USERS = Array.from({ length: 24 }, (_, i) => `user-${String(i).padStart(2, "0")}`);
// The scan gets 5 s to start users, then 10 s for the ones in flight, before the delivery margin.
const SHORT_INVOCATION_MS = DELIVERY_MARGIN_MS + IN_FLIGHT_ALLOWANCE_MS + 5_000;

let moto: MotoServer;
let slack: FakeSlack;
let proxy: MotoProxy;
let bundle: ReturnType<typeof buildBundle>;
let dynamodb: DynamoDBClient;
let env: Record<string, string>;

const usersIn = (text: string) => USERS.filter((user) => text.includes(`\`${user}\``)).sort();

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([startMotoServer(), startFakeSlack()]);
  proxy = await startMotoProxy(moto.endpoint);
  dynamodb = new DynamoDBClient(motoClientConfig(moto));
  await createStateTable(moto, TABLE);
  await seedUsers(moto, USERS);
  env = {
    ...moto.awsEnv,
    // Only IAM goes through the throttling proxy; the alert state talks to moto directly.
    AWS_ENDPOINT_URL_IAM: proxy.endpoint,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ALERT_STATE_TABLE: TABLE,
    ENVIRONMENT_NAME: "integration",
    SCAN_STRATEGY: "api",
    WARNING_AGE: "0m", // every key is flagged, so each checked user shows up in the digest
  };
});

afterAll(async () => {
  await Promise.all([moto?.stop(), slack?.close(), proxy?.close()]);
  dynamodb?.destroy();
  bundle?.cleanup();
});

it("stops on its budget under throttling, names the unchecked users and fails; the next run checks the rest", async () => {
  proxy.setThrottling({ bucketRate: 2 });
  const first = await runContainer(bundle.bundlePath, env, { remainingTimeMs: SHORT_INVOCATION_MS });
  const failure = expectFailure(first.outcomes[0]);
  expect(failure.errorName).toBe("ScanIncompleteError");
  expect(failure.errorMessage).toMatch(/^The scan ran out of time before checking \d+ users \(user-/);

  const [digest, uncheckedMessage, ...more] = slack.posts.map((post) => JSON.stringify(post.payload));
  expect(more).toEqual([]);
  const found = usersIn(digest ?? "");
  const line = first.logLines.find((entry) => entry.message === "key-age scan stopped on its time budget");
  const unchecked = USERS.length - found.length;
  expect(found.length).toBeGreaterThan(0);
  expect(unchecked).toBeGreaterThan(0);
  expect(line).toMatchObject({ usersScanned: found.length, uncheckedUsers: unchecked, UncheckedUsers: unchecked });
  expect(line?.throttledRequests).toBeGreaterThan(0);
  expect(line?.ThrottledRequests).toBe(line?.throttledRequests);
  expect(uncheckedMessage).toContain(`*${unchecked} users not checked*`);
  expect(uncheckedMessage).not.toMatch(/all clear|none need attention/);
  // The first ten by name; none of them is one the scan did check.
  const named = usersIn(uncheckedMessage ?? "");
  expect(named).toHaveLength(Math.min(10, unchecked));
  for (const user of named) expect(found).not.toContain(user);

  const item = await dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: UNCHECKED_USERS_KEY }));
  const remembered = (item.Item?.users?.L ?? []).map((value) => value.S ?? "").sort();
  expect(remembered).toEqual(USERS.filter((user) => !found.includes(user)));

  // Unthrottled, with the full time: the rest is checked and announced, the first run's keys stay silent.
  proxy.setThrottling({});
  slack.reset();
  const second = await runContainer(bundle.bundlePath, env);
  expect(expectSuccess(second.outcomes[0])).toMatchObject({
    usersScanned: USERS.length,
    uncheckedUsers: 0,
    alerts: { new: unchecked, resolved: 0, unchanged: found.length },
  });
  expect(usersIn(slack.posts.map((post) => JSON.stringify(post.payload)).join(""))).toEqual(remembered);
  const cleared = await dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: UNCHECKED_USERS_KEY }));
  expect(cleared.Item).toBeUndefined();
});
