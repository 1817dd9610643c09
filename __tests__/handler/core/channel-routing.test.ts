import { channelForAccount } from "../../../handler/core/channel-routing";

describe("channelForAccount", () => {
  const routes = { "111111111111": "#team-payments", "222222222222": " " };

  it("routes a mapped account to its channel", () => {
    expect(channelForAccount("111111111111", routes, "#key-age")).toBe("#team-payments");
  });

  it("falls back to the default channel for an unmapped or blank route", () => {
    expect(channelForAccount("333333333333", routes, "#key-age")).toBe("#key-age");
    expect(channelForAccount("222222222222", routes, "#key-age")).toBe("#key-age");
  });
});
