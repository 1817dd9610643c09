import {
  accountRoute,
  channelForAccount,
  isUnusableChannel,
  parseChannelRoutes,
  renderRouteFallback,
} from "../../../handler/organization/channel-routing";

describe("channelForAccount", () => {
  const routes = { "111111111111": "#team-payments", "222222222222": " " };

  it("routes a mapped account to its channel", () => {
    expect(channelForAccount("111111111111", routes, "#key-age")).toBe("#team-payments");
  });

  it("takes the account's tag when the map does not list the account: the map wins", () => {
    expect(channelForAccount("333333333333", routes, "#key-age", "#team-tagged")).toBe("#team-tagged");
    expect(channelForAccount("111111111111", routes, "#key-age", "#team-tagged")).toBe("#team-payments");
    expect(channelForAccount("333333333333", routes, "#key-age", " ")).toBe("#key-age");
  });

  it("falls back to the default channel for an unmapped or blank route", () => {
    expect(channelForAccount("333333333333", routes, "#key-age")).toBe("#key-age");
    expect(channelForAccount("222222222222", routes, "#key-age")).toBe("#key-age");
  });
});

describe("parseChannelRoutes", () => {
  const isChannel = (value: string) => /^(#[a-z0-9-]+|C[A-Z0-9]+)$/.test(value);

  it("reads account-id=channel pairs, spaces and empty entries aside", () => {
    expect(parseChannelRoutes(" 111111111111=#team-a , 222222222222=C0123ABCD,", isChannel)).toEqual({
      routes: { "111111111111": "#team-a", "222222222222": "C0123ABCD" },
      problems: [],
    });
  });

  it("quotes each malformed entry and a second channel for one account", () => {
    const { problems } = parseChannelRoutes(
      "1111=#team-a,222222222222:#team-b,333333333333=Team B,444444444444=#x,444444444444=#y",
      isChannel,
    );
    expect(problems).toEqual([
      expect.stringContaining('entry "1111=#team-a" is not "account-id=channel"'),
      expect.stringContaining('entry "222222222222:#team-b" is not'),
      expect.stringContaining('entry "333333333333=Team B" is not'),
      "account 444444444444 is mapped twice (to #x and #y)",
    ]);
  });

  it("refuses a value without entries", () => {
    expect(parseChannelRoutes(" , ", isChannel).problems).toEqual([
      "no entries (leave it unset to send every account to the default channel)",
    ]);
  });
});

describe("accountRoute", () => {
  it("says which setting chose the channel", () => {
    const routes = { "111111111111": "#team-payments" };
    expect(accountRoute("111111111111", routes, "#key-age", "#tagged")).toEqual({
      channel: "#team-payments",
      source: "map",
    });
    expect(accountRoute("333333333333", routes, "#key-age", "#tagged")).toEqual({ channel: "#tagged", source: "tag" });
    expect(accountRoute("333333333333", routes, "#key-age")).toEqual({ channel: "#key-age", source: "default" });
  });
});

describe("a channel the app cannot post to", () => {
  it("is one Slack says does not exist, does not have the app, or is archived", () => {
    expect(isUnusableChannel("channel_not_found")).toBe(true);
    expect(isUnusableChannel("not_in_channel")).toBe(true);
    expect(isUnusableChannel("is_archived")).toBe(true);
    expect(isUnusableChannel("invalid_auth")).toBe(false);
    expect(isUnusableChannel("ratelimited")).toBe(false);
  });

  it("is named in one line, with the setting that chose it, free text made inert", () => {
    const tag = renderRouteFallback({
      account: "111111111111 (@here)",
      route: { channel: "#team-gone", source: "tag" },
      reason: "channel_not_found",
      defaultChannel: "#key-age",
    });
    expect(tag.blocks).toHaveLength(1);
    const text = JSON.stringify(tag);
    const visible = text.replaceAll("\u2060", "");
    expect(visible).toContain("key-age:slack-channel");
    expect(visible).toContain("#team-gone");
    expect(visible).toContain("channel_not_found");
    // Free text from AWS: no broadcast, no channel link.
    expect(text).not.toContain("@here");
    expect(text).not.toContain("#team-gone");
    const map = renderRouteFallback({
      account: "111111111111",
      route: { channel: "C0PRIVATE", source: "map" },
      reason: "not_in_channel",
      defaultChannel: "#key-age",
    });
    expect(map.text).toContain("SLACK_CHANNELS_BY_ACCOUNT");
  });
});
