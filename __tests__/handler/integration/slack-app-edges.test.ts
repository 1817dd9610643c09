import type { SlackMessage } from "../../../handler/slack/slack-message";
import { SlackDeliveryError } from "../../../handler/slack/deliver-to-slack";
import { deliverToSlackApp } from "../../../handler/slack/deliver-to-slack-app";
import { lookupOwner } from "../../../handler/slack/owners/lookup-owner";
import { tellOwners } from "../../../handler/slack/owners/tell-owners";
import { createSlackWebApi } from "../../../handler/slack/slack-web-api";
import { startFakeSlackWebApi, type FakeSlackWebApi } from "../../../scripts/lib/fake-slack-web-api";

// The Slack app's edges over HTTP against the loopback fake Web API: each class of error Slack
// answers with, the pace per channel, and the owner lookups and direct messages.
jest.setTimeout(30_000);

let slack: FakeSlackWebApi;
const message = (n: number): SlackMessage => ({
  text: `digest ${n}`,
  blocks: [{ type: "section", text: { type: "mrkdwn", text: `part ${n}` } }],
});
const api = (token = slack.token) => createSlackWebApi({ token, apiUrl: slack.apiUrl, baseDelayMs: 50 });

beforeAll(async () => {
  slack = await startFakeSlackWebApi({
    users: { "alice@example.com": "U0ALICE", "bob@example.com": "U0BOB" },
    channels: ["#key-age", "C0KEYAGE"],
    channelsWithoutApp: ["#private-team"],
  });
});
afterAll(() => slack?.close());
beforeEach(() => slack.reset());

async function deliveryError(promise: Promise<unknown>): Promise<SlackDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SlackDeliveryError);
  expect((error as Error).message).not.toContain(slack.token);
  return error as SlackDeliveryError;
}

describe("channel delivery through chat.postMessage", () => {
  it("posts every message in order, about one a second in the same channel", async () => {
    const report = await deliverToSlackApp([message(1), message(2)], { api: api(), channel: "#key-age" });
    expect(report).toEqual({ messagesPosted: 2, attempts: 2 });
    expect(slack.messages.map((m) => [m.channel, m.payload.text])).toEqual([
      ["#key-age", "digest 1"],
      ["#key-age", "digest 2"],
    ]);
    expect(slack.messages[1].at - slack.messages[0].at).toBeGreaterThanOrEqual(950);
    expect(slack.calls[0].params).toMatchObject({ unfurl_links: false, blocks: message(1).blocks });
  });

  it("waits for Retry-After when rate-limited, then posts", async () => {
    slack.script("chat.postMessage", {
      status: 429,
      body: { ok: false, error: "ratelimited" },
      headers: { "retry-after": "1" },
    });
    await deliverToSlackApp([message(1)], { api: api(), channel: "C0KEYAGE" });
    expect(slack.calls).toHaveLength(2);
    expect(slack.calls[1].at - slack.calls[0].at).toBeGreaterThanOrEqual(950);
    expect(slack.messages).toHaveLength(1);
  });

  it("backs off after a 5xx or a transient Slack error, then posts", async () => {
    slack.script(
      "chat.postMessage",
      { status: 503, body: { ok: false, error: "service_unavailable" } },
      { body: { ok: false, error: "internal_error" } },
    );
    await deliverToSlackApp([message(1)], { api: api(), channel: "#key-age" });
    expect(slack.calls).toHaveLength(3);
    expect(slack.messages).toHaveLength(1);
  });

  it.each([
    [
      "not_in_channel",
      "#private-team",
      undefined,
      /not_in_channel: the app is not a member of #private-team: invite the app to #private-team/,
    ],
    [
      "channel_not_found",
      "#nowhere",
      undefined,
      /channel_not_found: #nowhere does not exist or the app cannot see it: check SLACK_CHANNEL/,
    ],
    [
      "invalid_auth",
      "#key-age",
      undefined,
      /invalid_auth: the bot token is not valid: store the app's current Bot User OAuth Token/,
    ],
    [
      "account_inactive",
      "#key-age",
      { body: { ok: false, error: "account_inactive" } },
      /account_inactive: the token belongs to an app that was uninstalled .*: reinstall the app/,
    ],
    [
      "missing_scope",
      "#key-age",
      { body: { ok: false, error: "missing_scope", needed: "chat:write" } },
      /missing_scope: the app lacks the scope chat:write: add it under OAuth & Permissions and reinstall the app/,
    ],
  ])("fails at once on %s, naming the cause and the fix", async (reason, channel, scripted, expected) => {
    if (scripted) slack.script("chat.postMessage", scripted);
    const token = reason === "invalid_auth" ? "xoxb-0000-revoked-s3cr3t" : slack.token;
    const error = await deliveryError(deliverToSlackApp([message(1), message(2)], { api: api(token), channel }));
    expect(error).toMatchObject({ reason, messagesPosted: 0 });
    expect(error.message).toMatch(expected);
    expect(error.message).toMatch(/^Slack did not accept message 1 of 2 in /);
    expect(error.message).not.toContain("revoked-s3cr3t");
    expect(slack.calls).toHaveLength(1);
  });

  it("reports the messages posted before a permanent failure", async () => {
    slack.script("chat.postMessage", { body: { ok: true } }, { body: { ok: false, error: "is_archived" } });
    const error = await deliveryError(deliverToSlackApp([message(1), message(2)], { api: api(), channel: "#key-age" }));
    expect(error).toMatchObject({ reason: "is_archived", messagesPosted: 1 });
  });
});

describe("owners", () => {
  const FAR = Date.now() + 60_000;

  it("finds an owner by email, and says which address Slack does not know", async () => {
    const client = api();
    expect(await lookupOwner(client, "alice@example.com", FAR)).toEqual({ kind: "found", userId: "U0ALICE" });
    expect(await lookupOwner(client, "carol@example.com", FAR)).toEqual({
      kind: "not-found",
      reason: "no Slack user has that email address",
    });
  });

  it("turns a refused lookup into a problem, not a failed run", async () => {
    slack.script("users.lookupByEmail", { body: { ok: false, error: "missing_scope", needed: "users:read.email" } });
    expect(await lookupOwner(api(), "bob@example.com", FAR)).toEqual({
      kind: "failed",
      reason: expect.stringContaining("the app lacks the scope users:read.email"),
    });
  });

  // Issue case 6: rate-limited lookups were counted as "not found".
  it("calls a lookup Slack rate-limited past the deadline 'not reached', never 'not found'", async () => {
    slack.script("users.lookupByEmail", {
      status: 429,
      body: { ok: false, error: "ratelimited" },
      headers: { "retry-after": "30" },
    });
    const outcome = await lookupOwner(api(), "alice@example.com", Date.now() + 2_000);
    expect(outcome).toEqual({ kind: "not-reached", reason: "not reached in time" });
  });

  it("sends each owner a direct message and reports the ones that failed", async () => {
    slack.script("chat.postMessage U0BOB", { body: { ok: false, error: "cannot_dm_bot" } });
    const report = await tellOwners(
      [
        { email: "alice@example.com", message: message(1), accessKeyIds: [] },
        { email: "bob@example.com", message: message(2), accessKeyIds: [] },
      ],
      { api: api(), cached: new Map(), deadline: FAR },
    );
    expect(report.lookups).toBe(2);
    expect(report.outcomes).toEqual(
      expect.arrayContaining([
        { email: "alice@example.com", kind: "sent", userId: "U0ALICE", looked: true },
        expect.objectContaining({ email: "bob@example.com", kind: "message-failed", staleId: false }),
      ]),
    );
    expect(slack.messages.map((m) => m.directTo)).toEqual(["U0ALICE"]);
  });
});
