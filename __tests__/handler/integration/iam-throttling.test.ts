import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { seedUsers } from "./support/seed-iam";

// IAM throttles big scans. A loopback proxy in front of moto answers the first ListAccessKeys calls
// with IAM's `Throttling` error; the bundled handler must absorb them through the SDK's retries
// and still report every key.
jest.setTimeout(60_000);

const THROTTLED_CALLS = 3;

let moto: MotoServer;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let proxy: Server;
let proxyEndpoint: string;
const actions: string[] = [];
let throttleBudget = THROTTLED_CALLS;

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([startMotoServer(), startFakeSlack()]);
  await seedUsers(moto, ["alice", "bob", "carol", "dave"]);
  proxy = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const action = new URLSearchParams(body).get("Action") ?? "?";
      if (action === "ListAccessKeys" && throttleBudget > 0) {
        throttleBudget -= 1;
        actions.push(`${action}:throttled`);
        response.writeHead(400, { "content-type": "text/xml" });
        response.end(
          "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>" +
            "<RequestId>throttled</RequestId></ErrorResponse>",
        );
        return;
      }
      actions.push(action);
      fetch(`${moto.endpoint}${request.url ?? "/"}`, {
        method: request.method,
        headers: Object.fromEntries(
          Object.entries(request.headers).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
        ),
        ...(request.method === "GET" || request.method === "HEAD" ? {} : { body }),
      })
        .then(async (upstream) => {
          response.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "text/xml" });
          response.end(await upstream.text());
        })
        .catch((error: unknown) => {
          response.writeHead(502);
          response.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyEndpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all([
    moto?.stop(),
    slack?.close(),
    new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve())),
  ]);
  bundle?.cleanup();
});

it("retries throttled IAM calls and still reports every key", async () => {
  const run = await runContainer(bundle.bundlePath, {
    ...moto.awsEnv,
    AWS_ENDPOINT_URL: proxyEndpoint,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    WARNING_AGE: "0m",
  });
  const summary = expectSuccess(run.outcomes[0]);
  expect(summary).toMatchObject({ usersScanned: 4, flaggedKeys: 4, skippedUsers: [], messagesPosted: 1 });
  expect(actions.filter((action) => action === "ListAccessKeys:throttled")).toHaveLength(THROTTLED_CALLS);
  expect(actions.filter((action) => action === "ListAccessKeys")).toHaveLength(4);
  // The summary counts requests the handler made, not the SDK's retries of them.
  // 1 ListUsers + 4 ListAccessKeys + 4 GetAccessKeyLastUsed + 4 ListUserTags + 4 ListAttachedUserPolicies
  // + 1 GetAccountSummary
  expect(summary.apiCalls).toBe(1 + 4 + 4 + 4 + 4 + 1);
  // The throttles and the retries they caused are counted per attempt, for the log line and metrics.
  expect(summary).toMatchObject({ throttledRequests: THROTTLED_CALLS, retries: THROTTLED_CALLS });
  const line = run.logLines.find((entry) => entry.message === "key-age scan finished");
  expect(line).toMatchObject({ ThrottledRequests: THROTTLED_CALLS, Retries: THROTTLED_CALLS });
});
