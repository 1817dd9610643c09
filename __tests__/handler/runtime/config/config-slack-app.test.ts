import { ConfigError, loadConfig } from "../../../../handler/runtime/config/config";

const TOKEN = "xoxb-1111-2222-s3cr3tb0tt0k3n";
const WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXX";

function problems(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).not.toContain("s3cr3t");
    expect(message).not.toContain("XXXXsecret");
    return message;
  }
  throw new Error("expected loadConfig to throw");
}

const SLACK_TIERS = { "users.lookupByEmail": 50, "conversations.open": 50, "chat.postMessage": 300 };

describe("loadConfig: the Slack app", () => {
  it("reads SLACK_RATE_LIMITS over Slack's tiers, and SLACK_OWNER_CACHE_TTL", () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_CHANNEL: "#key-age",
      SLACK_RATE_LIMITS: "users.lookupByEmail=100, users.info=20",
      SLACK_OWNER_CACHE_TTL: "30d",
    });
    expect(config.slackApp?.rateLimits).toEqual({ ...SLACK_TIERS, "users.lookupByEmail": 100, "users.info": 20 });
    expect(config.slackApp?.ownerCacheTtl).toEqual({ ms: 30 * 86_400_000, label: "30d" });
  });

  it.each([
    ["SLACK_RATE_LIMITS", "users.lookupByEmail=0", "calls per minute must be a whole number from 1 to 10000"],
    ["SLACK_RATE_LIMITS", "lookup:50", "is not method=calls-per-minute"],
    ["SLACK_OWNER_CACHE_TTL", "0m", "must be longer than zero"],
    ["SLACK_OWNER_CACHE_TTL", "a week", "SLACK_OWNER_CACHE_TTL"],
  ])("refuses %s=%j, naming it", (variable, value, reason) => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL: "#key-age", [variable]: value })).toThrow(reason);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL: "#key-age", [variable]: value })).toThrow(
      variable,
    );
  });

  it("refuses the Slack app's rate limits and cache TTL without a token", () => {
    expect(() =>
      loadConfig({
        SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/x",
        SLACK_RATE_LIMITS: "users.lookupByEmail=9",
      }),
    ).toThrow('SLACK_RATE_LIMITS="users.lookupByEmail=9" is set without SLACK_BOT_TOKEN_PARAMETER or SLACK_BOT_TOKEN');
  });

  it("reads a token parameter and a channel, with the default API URL", () => {
    const config = loadConfig({ SLACK_BOT_TOKEN_PARAMETER: "/key-age/slack-bot-token", SLACK_CHANNEL: "C0123ABCD" });
    expect(config.slackApp).toEqual({
      token: { kind: "ssm-parameter", parameterName: "/key-age/slack-bot-token" },
      channel: "C0123ABCD",
      apiUrl: "https://slack.com/api/",
      channelsByAccount: {},
      channelFromAccountTag: false,
      rateLimits: SLACK_TIERS,
      ownerCacheTtl: { ms: 7 * 86_400_000, label: "7d" },
    });
    expect(config.webhook).toBeUndefined();
  });

  it("reads a plain token and an API URL, adding the trailing slash", () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_CHANNEL: "#key-age",
      SLACK_API_URL: "http://127.0.0.1:9999/api",
    });
    expect(config.slackApp).toEqual({
      token: { kind: "token", token: TOKEN },
      channel: "#key-age",
      apiUrl: "http://127.0.0.1:9999/api/",
      channelsByAccount: {},
      channelFromAccountTag: false,
      rateLimits: SLACK_TIERS,
      ownerCacheTtl: { ms: 7 * 86_400_000, label: "7d" },
    });
  });

  it("reads channels by account, and refuses them malformed or without the Slack app", () => {
    const app = { SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL: "#key-age" };
    expect(
      loadConfig({ ...app, SLACK_CHANNELS_BY_ACCOUNT: "111111111111=#team-a,222222222222=C0123ABCD" }).slackApp
        ?.channelsByAccount,
    ).toEqual({ "111111111111": "#team-a", "222222222222": "C0123ABCD" });
    expect(problems({ ...app, SLACK_CHANNELS_BY_ACCOUNT: "111111111111=Team A" })).toMatch(
      /SLACK_CHANNELS_BY_ACCOUNT="111111111111=Team A": entry "111111111111=Team A" is not "account-id=channel"/,
    );
    expect(loadConfig({ ...app, SLACK_CHANNEL_FROM_ACCOUNT_TAG: "TRUE" }).slackApp?.channelFromAccountTag).toBe(true);
    expect(problems({ ...app, SLACK_CHANNEL_FROM_ACCOUNT_TAG: "yes" })).toMatch(
      /SLACK_CHANNEL_FROM_ACCOUNT_TAG="yes": expected "true" or "false"/,
    );
    expect(problems({ SLACK_WEBHOOK_URL: WEBHOOK, SLACK_CHANNELS_BY_ACCOUNT: "111111111111=#team-a" })).toMatch(
      /SLACK_CHANNELS_BY_ACCOUNT="111111111111=#team-a" is set without SLACK_BOT_TOKEN_PARAMETER or SLACK_BOT_TOKEN/,
    );
  });

  it("needs a channel with a token, and a token with a channel", () => {
    expect(problems({ SLACK_BOT_TOKEN: TOKEN })).toMatch(
      /SLACK_CHANNEL is unset: the Slack app needs a default channel/,
    );
    expect(problems({ SLACK_WEBHOOK_URL: WEBHOOK, SLACK_CHANNEL: "#key-age" })).toMatch(
      /SLACK_CHANNEL="#key-age" is set without SLACK_BOT_TOKEN_PARAMETER or SLACK_BOT_TOKEN/,
    );
  });

  it("refuses both destinations at once", () => {
    expect(problems({ SLACK_WEBHOOK_URL: WEBHOOK, SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL: "C0123ABCD" })).toMatch(
      /SLACK_WEBHOOK_URL and SLACK_BOT_TOKEN are both set: set exactly one Slack destination/,
    );
  });

  it("names every destination when none is set", () => {
    expect(problems({})).toMatch(
      /SLACK_WEBHOOK_PARAMETER and SLACK_WEBHOOK_URL are both unset, and so are SLACK_BOT_TOKEN_PARAMETER and SLACK_BOT_TOKEN/,
    );
  });

  it("quotes tokens masked, wherever they were put", () => {
    expect(problems({ SLACK_BOT_TOKEN: "xoxb-has spaces s3cr3t", SLACK_CHANNEL: "C0123ABCD" })).toMatch(
      /SLACK_BOT_TOKEN="xoxb-…" \(masked\): expected a Slack bot token/,
    );
    expect(problems({ SLACK_BOT_TOKEN_PARAMETER: TOKEN, SLACK_CHANNEL: "C0123ABCD" })).toMatch(
      /SLACK_BOT_TOKEN_PARAMETER="xoxb-…" \(masked\): this looks like the token itself/,
    );
    expect(problems({ SLACK_BOT_TOKEN: "not-a-token-s3cr3t", SLACK_CHANNEL: "C0123ABCD" })).toMatch(
      /SLACK_BOT_TOKEN="…" \(masked\)/,
    );
    expect(problems({ WATCH_USERS: "xoxb-1111 s3cr3t", DRY_RUN: "true" })).toMatch(/WATCH_USERS="xoxb-…" \(masked\)/);
  });

  it("rejects a malformed channel and API URL", () => {
    const message = problems({ SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL: "Key Age", SLACK_API_URL: "slack.com/api" });
    expect(message).toMatch(/SLACK_CHANNEL="Key Age": expected a channel id such as "C0123ABCD"/);
    expect(message).toMatch(/SLACK_API_URL="slack.com\/api": expected an https URL/);
  });

  it("keeps the token off the network in clear text: https, or http only to loopback", () => {
    expect(
      problems({ SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL: "#key-age", SLACK_API_URL: "http://slack.example.com/api/" }),
    ).toMatch(
      /SLACK_API_URL="http:\/\/slack.example.com\/…" \(masked\): expected an https URL .*http only to a loopback address/,
    );
    expect(() =>
      loadConfig({ SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL: "#key-age", SLACK_API_URL: "http://127.0.0.1:9999/api/" }),
    ).not.toThrow();
  });
});
