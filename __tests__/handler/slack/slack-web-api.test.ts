import { SlackApiError, createSlackWebApi } from "../../../handler/slack/slack-web-api";

const TOKEN = "xoxb-1111-2222-s3cr3t";
const API = "https://slack.example/api/";

/** A fetch that answers from a script and remembers what it was asked. */
function scriptedFetch(...answers: (Response | Error)[]) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    const answer = answers.shift() ?? Response.json({ ok: true });
    if (answer instanceof Error) throw answer;
    return answer;
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

function client(fetch: typeof globalThis.fetch, extra: Partial<Parameters<typeof createSlackWebApi>[0]> = {}) {
  const sleeps: number[] = [];
  let now = 0;
  const api = createSlackWebApi({
    token: TOKEN,
    apiUrl: API,
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    clock: () => now,
    ...extra,
  });
  return { api, sleeps };
}

async function apiError(promise: Promise<unknown>): Promise<SlackApiError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SlackApiError);
  expect((error as Error).message).not.toContain("s3cr3t");
  return error as SlackApiError;
}

describe("createSlackWebApi", () => {
  it("sends the token as a bearer header, JSON for chat.postMessage and form fields for lookups", async () => {
    const { fetch, requests } = scriptedFetch();
    const { api } = client(fetch);
    await api.postMessage("C0KEYAGE", { text: "hi" });
    await api.call("users.lookupByEmail", { email: "alice@example.com" });
    expect(requests.map((r) => r.url)).toEqual([`${API}chat.postMessage`, `${API}users.lookupByEmail`]);
    expect(requests[0].init.headers).toMatchObject({ authorization: `Bearer ${TOKEN}` });
    expect(JSON.parse(String(requests[0].init.body))).toEqual({
      text: "hi",
      channel: "C0KEYAGE",
      unfurl_links: false,
      unfurl_media: false,
    });
    expect(String(requests[1].init.body)).toBe("email=alice%40example.com");
  });

  it("retries a network error with backoff, then gives up naming the last problem", async () => {
    const refused = new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:1") });
    const { fetch } = scriptedFetch(refused, refused, refused);
    const { api, sleeps } = client(fetch, { maxAttempts: 3 });
    const error = await apiError(api.call("chat.postMessage", { channel: "C0KEYAGE" }));
    expect(sleeps).toEqual([1000, 2000]);
    expect(error).toMatchObject({ permanent: false });
    expect(error.message).toBe(
      "Slack chat.postMessage failed: no success after 3 attempts; last: network error: fetch failed: connect ECONNREFUSED 127.0.0.1:1",
    );
  });

  it("does not wait longer than it may for Retry-After", async () => {
    const { fetch } = scriptedFetch(
      Response.json({ ok: false, error: "ratelimited" }, { status: 429, headers: { "retry-after": "120" } }),
    );
    const error = await apiError(client(fetch).api.call("chat.postMessage", {}));
    expect(error.message).toMatch(/rate-limited, asked to retry after 120 s, longer than the 30 s we wait/);
  });

  it("stops retrying when the invocation would run out of time", async () => {
    const { fetch } = scriptedFetch(Response.json({ ok: false, error: "internal_error" }, { status: 500 }));
    const { api } = client(fetch, { remainingTimeMs: () => 3000 });
    const error = await apiError(api.call("chat.postMessage", {}));
    expect(error.message).toMatch(
      /the invocation has 3000 ms left, too little to retry; last: HTTP 500 internal_error/,
    );
  });

  it("paces messages to one channel, not to different ones", async () => {
    const { fetch } = scriptedFetch();
    const { api, sleeps } = client(fetch);
    await api.postMessage("C0KEYAGE", { text: "1" });
    await api.postMessage("U0ALICE", { text: "dm" });
    await api.postMessage("C0KEYAGE", { text: "2" });
    expect(sleeps).toEqual([1000]);
  });

  it("redacts the token should Slack ever echo it", async () => {
    const { fetch } = scriptedFetch(Response.json({ ok: false, error: `invalid_auth ${TOKEN}` }));
    const error = await apiError(client(fetch).api.call("chat.postMessage", {}));
    expect(error.message).toContain("xoxb-…");
    expect(error.reason).toBe("invalid_auth xoxb-…");
    expect(error.permanent).toBe(true);
  });
});
