import { formatLookupProgress } from "../../cli/usage-progress";

describe("formatLookupProgress", () => {
  it("shows regions done, events, requests and time", () => {
    expect(
      formatLookupProgress({ regionsTotal: 17, regionsDone: 3, events: 1234, requests: 40, throttled: 0 }, 12_345),
    ).toBe("CloudTrail LookupEvents: 3/17 regions, 1,234 events · 40 requests · 12s");
  });

  it("mentions throttled requests and uses the singular", () => {
    expect(formatLookupProgress({ regionsTotal: 1, regionsDone: 0, events: 1, requests: 1, throttled: 2 }, 999)).toBe(
      "CloudTrail LookupEvents: 0/1 regions, 1 event · 1 request (2 throttled) · 0s",
    );
  });
});
