import { describeError } from "../../../handler/runtime/error-fields";
import { createSecurityHubClient, SECURITY_HUB_BACKOFF } from "../../../handler/security-hub/security-hub-http";
import { awsError, type FakeAnswer, fakeFetch, recordingSleep } from "./support/fake-fetch";

// SECURITY_HUB_BACKOFF through the hand-written client: what is retried, how often, how long it waits
// (BackoffRetryStrategy's numbers), and that the abort signal ends a call at once, waits included.
const KEYS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const OK = { status: 200, body: { Findings: [] } };

/** A client on the fake fetch; the jitter's random number is fixed at 0.5, the waits recorded. */
function clientWith(answers: FakeAnswer[], random = () => 0.5) {
  const { fetch, sent } = fakeFetch(...answers);
  const { sleep, waits } = recordingSleep();
  const client = createSecurityHubClient({
    region: "us-east-1",
    credentials: KEYS,
    env: {},
    fetch,
    sleep,
    backoff: { ...SECURITY_HUB_BACKOFF, random },
  });
  return { client, sent, waits };
}

test.each([
  ["a 429", { status: 429, body: {} }],
  ["LimitExceededException", awsError(429, "LimitExceededException", "Rate exceeded")],
  ["TooManyRequestsException", awsError(400, "TooManyRequestsException", "Too many requests")],
  ["ThrottlingException", awsError(400, "ThrottlingException", "Rate exceeded")],
])("%s is throttling: retried after 0.5 s, 1 s, … (with the jitter at half: 250 ms, 500 ms)", async (_, answer) => {
  const { client, sent, waits } = clientWith([answer, answer, OK]);
  await expect(client.getFindings({})).resolves.toEqual({ Findings: [] });
  expect(sent).toHaveLength(3);
  expect(waits).toEqual([250, 500]);
});

test("a throttled request gets 8 attempts, waits capped at 5 s, then fails with the throttling error", async () => {
  const { client, sent, waits } = clientWith([awsError(429, "LimitExceededException", "Rate exceeded")], () => 0.999);
  const error = await client.batchImportFindings({ Findings: [] }).catch((caught: unknown) => caught);
  expect(sent).toHaveLength(8);
  expect(waits).toEqual([499, 999, 1998, 3996, 4995, 4995, 4995]);
  expect(error).toMatchObject({ name: "LimitExceededException", $metadata: { httpStatusCode: 429 } });
  expect(describeError(error)).toBe("LimitExceededException: Rate exceeded");
});

test.each([
  ["a 500", awsError(500, "InternalException", "Internal error")],
  ["a 502 page from a load balancer", { status: 502, body: "<html>Bad Gateway</html>", headers: {} }],
  ["a 503", awsError(503, "ServiceUnavailableException", "Unavailable")],
  ["a 504", { status: 504, body: {} }],
  [
    "a refused connection",
    new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }),
  ],
])("%s is transient: 4 attempts, after 100 ms, 200 ms, 400 ms (jitter at half)", async (_, answer) => {
  const { client, sent, waits } = clientWith([answer]);
  await expect(client.getFindings({})).rejects.toBeDefined();
  expect(sent).toHaveLength(SECURITY_HUB_BACKOFF.maxTransientAttempts);
  expect(waits).toEqual([100, 200, 400]);
});

test("a transient error then success: the call succeeds", async () => {
  const { client, sent } = clientWith([awsError(503, "ServiceUnavailableException", "Unavailable"), OK]);
  await expect(client.getFindings({})).resolves.toEqual({ Findings: [] });
  expect(sent).toHaveLength(2);
});

test.each([
  ["AccessDeniedException", awsError(403, "AccessDeniedException", "not authorized")],
  ["InvalidAccessException", awsError(401, "InvalidAccessException", "not subscribed")],
  ["InvalidInputException", awsError(400, "InvalidInputException", "bad filter")],
  ["a 501", { status: 501, body: {} }],
])("%s is not retried", async (_, answer) => {
  const { client, sent, waits } = clientWith([answer, OK]);
  await expect(client.getFindings({})).rejects.toBeDefined();
  expect(sent).toHaveLength(1);
  expect(waits).toEqual([]);
});

test("Retry-After longer than the jitter is waited for, up to the 5 s cap", async () => {
  const { client, waits } = clientWith(
    [
      {
        ...awsError(429, "TooManyRequestsException", "slow down"),
        headers: { "retry-after": "2", "x-amzn-errortype": "TooManyRequestsException" },
      },
      OK,
    ],
    () => 0,
  );
  await client.getFindings({});
  expect(waits).toHaveLength(1);
  expect(waits[0]).toBeGreaterThan(1_900);
  expect(waits[0]).toBeLessThanOrEqual(2_000);
});

describe("the abort signal", () => {
  test("an aborted signal sends nothing", async () => {
    const { client, sent } = clientWith([OK]);
    const controller = new AbortController();
    controller.abort();
    await expect(client.getFindings({}, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(sent).toEqual([]);
  });

  test("it ends the wait before a retry at once, and no further attempt starts", async () => {
    // The real (abortable) wait: up to 5 s with the jitter near 1.
    const { fetch, sent } = fakeFetch(awsError(429, "LimitExceededException", "Rate exceeded"));
    const client = createSecurityHubClient({
      region: "us-east-1",
      credentials: KEYS,
      env: {},
      fetch,
      backoff: { ...SECURITY_HUB_BACKOFF, throttlingBaseMs: 5_000, random: () => 0.999 },
    });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await expect(client.getFindings({}, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(sent).toHaveLength(1);
  });

  test("it reaches fetch, and a request cut short by it is not retried", async () => {
    const controller = new AbortController();
    const { fetch, sent } = fakeFetch(new TypeError("fetch failed"));
    const client = createSecurityHubClient({
      region: "us-east-1",
      credentials: KEYS,
      env: {},
      fetch: async (input, init) => {
        controller.abort();
        return fetch(input, init);
      },
      sleep: async () => {},
    });
    await expect(client.getFindings({}, { signal: controller.signal })).rejects.toBeDefined();
    expect(sent).toHaveLength(1);
    expect(sent[0].signal).toBe(controller.signal);
  });
});
