import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { startMotoServer, type MotoServer } from "../../../scripts/lib/moto-server";
import { startFakeSlack, type FakeSlack } from "../../../scripts/lib/fake-slack";
import { buildBundle, expectFailure, expectSuccess, runContainer } from "../../../scripts/lib/invoke-bundle";
import { queryError, startMotoProxy, type MotoProxy } from "../../../scripts/lib/moto-proxy";
import { motoClientConfig, seedUsers } from "./support/seed-iam";

// How the bundled handler behaves when Slack (a loopback fake) or IAM misbehaves. WARNING_AGE=0m
// flags every key at once, so each run has something to post.
jest.setTimeout(60_000);

let moto: MotoServer;
let slack: FakeSlack;
let bundle: ReturnType<typeof buildBundle>;
let env: Record<string, string>;

beforeAll(async () => {
  bundle = buildBundle();
  [moto, slack] = await Promise.all([startMotoServer(), startFakeSlack()]);
  await seedUsers(moto, ["alice", "bob", "carol"]);
  env = { ...moto.awsEnv, SLACK_WEBHOOK_URL: slack.webhookUrl, WARNING_AGE: "0m", ENVIRONMENT_NAME: "failures" };
});

afterAll(async () => {
  await Promise.all([moto?.stop(), slack?.close()]);
  bundle?.cleanup();
});

beforeEach(() => slack.reset());

function expectNoSecretIn(text: string): void {
  expect(text).not.toContain(slack.secret);
}

it("waits for Retry-After on 429 and then posts", async () => {
  slack.script({ status: 429, body: "rate_limited", headers: { "retry-after": "1" } });
  const run = await runContainer(bundle.bundlePath, env);
  expect(expectSuccess(run.outcomes[0])).toMatchObject({ outcome: "alerted", messagesPosted: 1 });
  expect(slack.posts).toHaveLength(2);
  expect(slack.posts[1].at - slack.posts[0].at).toBeGreaterThanOrEqual(950);
  expect(slack.posts[1].payload).toEqual(slack.posts[0].payload);
});

it("backs off after a 500 and then posts", async () => {
  slack.script({ status: 500, body: "internal_error" });
  const run = await runContainer(bundle.bundlePath, env);
  expect(expectSuccess(run.outcomes[0]).messagesPosted).toBe(1);
  expect(slack.posts).toHaveLength(2);
  expect(slack.posts[1].at - slack.posts[0].at).toBeGreaterThanOrEqual(950);
});

it("fails the invocation on 404 no_service, naming the cause and hiding the URL", async () => {
  const run = await runContainer(bundle.bundlePath, { ...env, SLACK_WEBHOOK_URL: `${slack.webhookUrl}-revoked` });
  const failure = expectFailure(run.outcomes[0]);
  expect(failure).toMatchObject({
    errorName: "SlackDeliveryError",
    errorMessage: "Slack rejected the message: HTTP 404 no_service",
  });
  expect(slack.posts).toHaveLength(1);
  expect(run.logLines).toEqual([expect.objectContaining({ level: "error", message: "key-age scan failed" })]);
  expectNoSecretIn(run.stdout + run.stderr + JSON.stringify(run.outcomes));
});

// Issue case 9: Slack's body was cut to 200 characters before redaction, so half a URL survived into
// the log line and the Lambda error (and so the failed-run queue).
it("keeps every part of the secret path out of the log and the error when Slack echoes the URL", async () => {
  for (const padding of [150, 175, 190]) {
    slack.reset();
    slack.script({ status: 400, body: `invalid_payload ${"x".repeat(padding)} ${slack.webhookUrl}` });
    const run = await runContainer(bundle.bundlePath, env);
    const failure = expectFailure(run.outcomes[0]);
    expect(failure.errorMessage).toMatch(/^Slack rejected the message: HTTP 400 invalid_payload x+/);
    const everything = run.stdout + run.stderr + JSON.stringify(run.outcomes);
    for (const part of slack.secret.split("/")) expect(everything).not.toContain(part);
    expect(everything).not.toContain(slack.secret.slice(-12, -4));
  }
});

// Issue case 8: an SSM value was only checked against ^https?://, so any http URL was POSTed to.
it("refuses a webhook URL from SSM that is plain http to a non-loopback address, posting nothing", async () => {
  const ssm = new SSMClient(motoClientConfig(moto));
  await ssm.send(
    new PutParameterCommand({
      Name: "/key-age/integration/metadata-webhook",
      Type: "SecureString",
      Value: "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
      Overwrite: true,
    }),
  );
  ssm.destroy();
  const run = await runContainer(bundle.bundlePath, {
    ...moto.awsEnv,
    SLACK_WEBHOOK_PARAMETER: "/key-age/integration/metadata-webhook",
    WARNING_AGE: "0m",
  });
  const failure = expectFailure(run.outcomes[0]);
  expect(failure).toMatchObject({
    errorName: "WebhookSecretError",
    errorMessage:
      "SSM parameter /key-age/integration/metadata-webhook does not hold an https webhook URL (http only to a loopback address)",
  });
  expect(run.stdout + run.stderr + JSON.stringify(run.outcomes)).not.toContain("169.254.169.254");
});

it("times out a slow Slack and retries", async () => {
  slack.script({ status: 200, body: "ok", delayMs: 6_500 });
  const run = await runContainer(bundle.bundlePath, env);
  expect(expectSuccess(run.outcomes[0]).messagesPosted).toBe(1);
  expect(slack.posts).toHaveLength(2);
  // The client gave up on the first request (its 5 s timeout, before Slack's 6.5 s answer), then
  // waited the 1 s backoff. Measured from when the server saw it give up: the first request's
  // arrival is late by however long a busy machine takes to start the cold container's first fetch.
  const abandonedAt = slack.posts[0].abandonedAt;
  expect(abandonedAt).toBeDefined();
  expect(abandonedAt! - slack.posts[0].at).toBeLessThan(6_500);
  expect(slack.posts[1].at - abandonedAt!).toBeGreaterThanOrEqual(950);
});

describe("a failed scan", () => {
  let deniedIam: MotoProxy;

  beforeAll(async () => {
    // IAM refusing every call, as it does for a role without the scan permissions.
    deniedIam = await startMotoProxy(moto.endpoint);
    deniedIam.add({
      matches: (request) => request.service === "iam",
      answer: () => queryError(403, "AccessDenied", "User is not authorized to perform: iam:ListUsers"),
    });
  });

  afterAll(() => deniedIam?.close());

  it("fails the invocation and posts nothing, not even an all-clear", async () => {
    const run = await runContainer(bundle.bundlePath, { ...env, AWS_ENDPOINT_URL: deniedIam.endpoint });
    const failure = expectFailure(run.outcomes[0]);
    expect(failure.errorName).toBe("ScanError");
    expect(failure.errorMessage).toBe(
      "ListUsers failed: AccessDenied: User is not authorized to perform: iam:ListUsers",
    );
    expect(slack.posts).toHaveLength(0);
    expect(run.logLines.map((line) => line.message)).toEqual(["key-age scan failed"]);
  });
});

it("fails on a bad configuration, naming every bad variable in one error", async () => {
  const run = await runContainer(bundle.bundlePath, {
    ...moto.awsEnv,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    SLACK_WEBHOOK_PARAMETER: "/also/set",
    WARNING_AGE: "soon",
    UNUSED_AGE: "45",
  });
  const failure = expectFailure(run.outcomes[0]);
  expect(failure.errorName).toBe("ConfigError");
  expect(failure.errorMessage).toContain('WARNING_AGE="soon"');
  expect(failure.errorMessage).toContain('UNUSED_AGE="45"');
  expect(failure.errorMessage).toContain("set exactly one webhook source");
  expectNoSecretIn(run.stdout + run.stderr + failure.errorMessage);
  expect(slack.posts).toHaveLength(0);
});
