import { createSlackWebApi } from "../../../../handler/slack/slack-web-api";
import { foundOwner, ownerNotFound } from "../../../../handler/slack/owners/owner-cache";
import { ownerCacheChanges, staysPending, tellOwners } from "../../../../handler/slack/owners/tell-owners";
import type { OwnerMessage } from "../../../../handler/slack/owners/render-owner-messages";

const NOW = new Date("2026-12-05T12:00:00Z");
const DAY = 86_400_000;
const owner = (email: string): OwnerMessage => ({
  email,
  message: { text: `for ${email}`, blocks: [] },
  accessKeyIds: [],
});

/** A Web API over a fetch that answers lookups from `members` and accepts every message. */
function api(members: Record<string, string>, options: { lookupReply?: () => Response } = {}) {
  const calls: { method: string; body: string }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const method = url.split("/").pop() ?? "";
    const body = String(init.body);
    calls.push({ method, body });
    if (method === "users.lookupByEmail") {
      if (options.lookupReply) return options.lookupReply();
      const email = new URLSearchParams(body).get("email") ?? "";
      const id = members[email];
      return Response.json(id ? { ok: true, user: { id } } : { ok: false, error: "users_not_found" });
    }
    return Response.json({ ok: true });
  }) as unknown as typeof globalThis.fetch;
  return {
    calls,
    client: createSlackWebApi({ token: "xoxb-1-t", apiUrl: "https://slack.test/api/", fetch, channelIntervalMs: 0 }),
  };
}

describe("tellOwners", () => {
  it("tells owners the cache knows without a lookup, first, and looks the others up", async () => {
    const { client, calls } = api({ "bob@example.com": "U0BOB" });
    const report = await tellOwners(
      [owner("bob@example.com"), owner("alice@example.com"), owner("ghost@example.com")],
      {
        api: client,
        cached: new Map([
          ["alice@example.com", foundOwner("alice@example.com", "U0ALICE", NOW, DAY)],
          ["ghost@example.com", ownerNotFound("ghost@example.com", NOW, DAY)],
        ]),
        deadline: Date.now() + 60_000,
        concurrency: 1,
      },
    );
    expect(report.lookups).toBe(1);
    expect(report.outcomes).toEqual([
      { email: "alice@example.com", kind: "sent", userId: "U0ALICE", looked: false },
      { email: "bob@example.com", kind: "sent", userId: "U0BOB", looked: true },
      { email: "ghost@example.com", kind: "not-found", reason: "not found in Slack (remembered)", looked: false },
    ]);
    expect(calls.map((call) => call.method)).toEqual(["chat.postMessage", "users.lookupByEmail", "chat.postMessage"]);
  });

  it("stops cleanly at the deadline: owners not reached stay pending, nobody is 'not found'", async () => {
    const { client, calls } = api({});
    const report = await tellOwners([owner("a@example.com"), owner("b@example.com")], {
      api: client,
      cached: new Map(),
      deadline: Date.now() - 1,
    });
    expect(report.outcomes.map((outcome) => outcome.kind)).toEqual(["not-reached", "not-reached"]);
    expect(report.outcomes.every(staysPending)).toBe(true);
    expect(calls).toEqual([]);
  });

  // Issue case 6: rate-limited lookups were counted as "not found".
  it("calls a rate-limited lookup 'not reached' when Slack's wait outlasts the deadline", async () => {
    const { client } = api(
      {},
      {
        lookupReply: () =>
          Response.json({ ok: false, error: "ratelimited" }, { status: 429, headers: { "retry-after": "60" } }),
      },
    );
    const report = await tellOwners([owner("a@example.com"), owner("b@example.com")], {
      api: client,
      cached: new Map(),
      deadline: Date.now() + 5_000,
    });
    expect(report.outcomes.map((outcome) => outcome.kind)).toEqual(["not-reached", "not-reached"]);
  });
});

describe("ownerCacheChanges", () => {
  it("remembers members found and addresses Slack does not know, and forgets stale ids", () => {
    const changes = ownerCacheChanges(
      [
        { email: "a@example.com", kind: "sent", userId: "U0A", looked: true },
        { email: "b@example.com", kind: "sent", userId: "U0B", looked: false },
        { email: "c@example.com", kind: "not-found", reason: "x", looked: true },
        { email: "d@example.com", kind: "message-failed", reason: "channel_not_found", staleId: true },
        { email: "e@example.com", kind: "not-reached", reason: "time" },
      ],
      NOW,
      7 * DAY,
    );
    expect(changes.put).toEqual([
      foundOwner("a@example.com", "U0A", NOW, 7 * DAY),
      { email: "c@example.com", notFound: true, checkedAt: NOW, expiresAt: new Date(NOW.getTime() + DAY) },
    ]);
    expect(changes.forget).toEqual(["d@example.com"]);
  });
});
