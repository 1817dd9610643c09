import type { SlackMessage } from "../../../handler/slack/slack-message";
import { SlackDeliveryError, deliverToSlack, parseRetryAfter } from "../../../handler/slack/deliver-to-slack";

const WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXX";
const MESSAGE: SlackMessage = { text: "fallback", blocks: [{ type: "divider" }] };

type Step = Response | Error | "hang";

/** A fetch that plays `steps` in order and records each request; "hang" waits until the request is aborted. */
function scriptedFetch(steps: Step[]): {
  fetch: typeof globalThis.fetch;
  requests: { url: string; init: RequestInit }[];
} {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    const step = steps.shift();
    if (step === undefined) throw new Error("unexpected request");
    if (step === "hang") {
      return new Promise<Response>((_, reject) =>
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      );
    }
    if (step instanceof Error) throw step;
    return step;
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

const reply = (status: number, body: string, headers: Record<string, string> = {}): Response =>
  new Response(body, { status, headers });

function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

async function failure(promise: Promise<unknown>): Promise<SlackDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SlackDeliveryError);
  const deliveryError = error as SlackDeliveryError;
  expect(deliveryError.message).not.toContain("XXXXsecretXXXX");
  expect(deliveryError.reason).not.toContain("XXXXsecretXXXX");
  return deliveryError;
}

describe("deliverToSlack", () => {
  // Issue case 9: the body was cut to 200 characters before redaction, so half a URL survived.
  it("redacts Slack's error body before cutting it, so no part of the secret path survives", async () => {
    for (const offset of [150, 170, 185, 195]) {
      const body = `${"x".repeat(offset)} ${WEBHOOK} and again /services/T0000/B0000/XXXXsecretXXXX`;
      const { fetch } = scriptedFetch([reply(400, body)]);
      const error = await failure(deliverToSlack([MESSAGE], { webhookUrl: WEBHOOK, fetch }));
      for (const text of [error.message, error.reason]) {
        expect(text).not.toMatch(/XXXX|secret|B0000/);
      }
      expect(error.reason.length).toBeLessThanOrEqual(200);
    }
  });

  it("posts each message as JSON, in order", async () => {
    const { fetch, requests } = scriptedFetch([reply(200, "ok"), reply(200, "ok")]);
    const second: SlackMessage = { text: "second", blocks: [] };
    const report = await deliverToSlack([MESSAGE, second], { webhookUrl: WEBHOOK, fetch });
    expect(report).toEqual({ messagesPosted: 2, attempts: 2 });
    expect(requests.map((r) => JSON.parse(String(r.init.body)))).toEqual([MESSAGE, second]);
    expect(requests[0]).toMatchObject({
      url: WEBHOOK,
      init: { method: "POST", headers: { "content-type": "application/json" } },
    });
    expect(requests[0].init.signal).toBeInstanceOf(AbortSignal);
  });

  it("waits for Retry-After on 429, then retries", async () => {
    const { fetch } = scriptedFetch([reply(429, "rate_limited", { "retry-after": "7" }), reply(200, "ok")]);
    const { sleep, waits } = recordingSleep();
    await expect(deliverToSlack([MESSAGE], { webhookUrl: WEBHOOK, fetch, sleep })).resolves.toEqual({
      messagesPosted: 1,
      attempts: 2,
    });
    expect(waits).toEqual([7_000]);
  });

  it("fails at once when Retry-After exceeds what it may wait", async () => {
    const { fetch, requests } = scriptedFetch([reply(429, "rate_limited", { "retry-after": "600" })]);
    const error = await failure(
      deliverToSlack([MESSAGE], { webhookUrl: WEBHOOK, fetch, sleep: async () => undefined }),
    );
    expect(error.message).toMatch(/asked to retry after 600 s, longer than the 30 s we wait/);
    expect(error.status).toBe(429);
    expect(requests).toHaveLength(1);
  });

  it("backs off exponentially on 5xx and network errors, then succeeds", async () => {
    const { fetch } = scriptedFetch([
      reply(500, "internal_error"),
      new TypeError("fetch failed"),
      reply(503, ""),
      reply(200, "ok"),
    ]);
    const { sleep, waits } = recordingSleep();
    const report = await deliverToSlack([MESSAGE], {
      webhookUrl: WEBHOOK,
      fetch,
      sleep,
      maxAttempts: 5,
      baseDelayMs: 100,
    });
    expect(report.attempts).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
  });

  it("gives up after the bounded number of attempts with the last cause", async () => {
    const { fetch, requests } = scriptedFetch([reply(500, "a"), reply(502, "b"), reply(500, "rollup_error")]);
    const { sleep, waits } = recordingSleep();
    const error = await failure(
      deliverToSlack([MESSAGE], { webhookUrl: WEBHOOK, fetch, sleep, maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 15 }),
    );
    expect(error.message).toBe("Slack did not accept the message after 3 attempts; last: HTTP 500 rollup_error");
    expect(requests).toHaveLength(3);
    expect(waits).toEqual([10, 15]);
  });

  it.each([
    [404, "no_service"],
    [400, "invalid_payload"],
    [403, "action_prohibited"],
    [404, "channel_not_found"],
  ])("treats HTTP %d %s as permanent and names the cause", async (status, reason) => {
    const { fetch, requests } = scriptedFetch([reply(status, reason)]);
    const error = await failure(
      deliverToSlack([MESSAGE], { webhookUrl: WEBHOOK, fetch, sleep: async () => undefined }),
    );
    expect(error.message).toBe(`Slack rejected the message: HTTP ${status} ${reason}`);
    expect(error).toMatchObject({ reason, status, messagesPosted: 0 });
    expect(requests).toHaveLength(1);
  });

  it("says which message failed and how many were posted before", async () => {
    const { fetch } = scriptedFetch([reply(200, "ok"), reply(400, "invalid_blocks")]);
    const error = await failure(deliverToSlack([MESSAGE, MESSAGE, MESSAGE], { webhookUrl: WEBHOOK, fetch }));
    expect(error.message).toBe("Slack rejected message 2 of 3: HTTP 400 invalid_blocks");
    expect(error.messagesPosted).toBe(1);
  });

  it("times out a hanging request and retries it", async () => {
    const { fetch } = scriptedFetch(["hang", reply(200, "ok")]);
    const { sleep, waits } = recordingSleep();
    const report = await deliverToSlack([MESSAGE], {
      webhookUrl: WEBHOOK,
      fetch,
      sleep,
      timeoutMs: 20,
      baseDelayMs: 1,
    });
    expect(report.attempts).toBe(2);
    expect(waits).toEqual([1]);
  });

  it("reports a timeout when every attempt hangs", async () => {
    const { fetch } = scriptedFetch(["hang", "hang"]);
    const error = await failure(
      deliverToSlack([MESSAGE], {
        webhookUrl: WEBHOOK,
        fetch,
        sleep: async () => undefined,
        timeoutMs: 20,
        maxAttempts: 2,
      }),
    );
    expect(error.message).toBe(
      "Slack did not accept the message after 2 attempts; last: no complete response within 20 ms",
    );
    expect(error.status).toBeUndefined();
  });

  it("never lets the webhook URL leak through a network error", async () => {
    const leaky = new TypeError(`fetch failed for ${WEBHOOK}`, { cause: new Error(`connect ECONNREFUSED ${WEBHOOK}`) });
    const { fetch } = scriptedFetch([leaky]);
    const error = await failure(deliverToSlack([MESSAGE], { webhookUrl: WEBHOOK, fetch, maxAttempts: 1 }));
    expect(error.message).toContain("network error: fetch failed for https://hooks.slack.com/…");
  });

  it("does not start a retry the invocation has no time left for", async () => {
    const { fetch, requests } = scriptedFetch([reply(429, "rate_limited", { "retry-after": "20" })]);
    const error = await failure(
      deliverToSlack([MESSAGE], {
        webhookUrl: WEBHOOK,
        fetch,
        sleep: async () => undefined,
        remainingTimeMs: () => 15_000,
      }),
    );
    expect(error.message).toBe(
      "Slack did not accept the message and the invocation has 15000 ms left, too little to retry; last: HTTP 429 rate_limited",
    );
    expect(requests).toHaveLength(1);
  });

  it("posts nothing for no messages", async () => {
    const { fetch, requests } = scriptedFetch([]);
    await expect(deliverToSlack([], { webhookUrl: WEBHOOK, fetch })).resolves.toEqual({
      messagesPosted: 0,
      attempts: 0,
    });
    expect(requests).toHaveLength(0);
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2025-06-01T12:00:00Z");
  it.each([
    ["30", 30_000],
    [" 0 ", 0],
    ["Sun, 01 Jun 2025 12:00:05 GMT", 5_000],
    ["Sun, 01 Jun 2025 11:00:00 GMT", 0],
    ["soon", undefined],
    ["", undefined],
    [null, undefined],
  ])("reads %j as %j ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
