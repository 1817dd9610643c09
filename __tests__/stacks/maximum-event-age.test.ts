import { maximumEventAgeSeconds } from "../../stacks/maximum-event-age";

describe("maximumEventAgeSeconds", () => {
  test.each([
    ["rate(10 minutes)", 300],
    ["rate(1 minute)", 60],
    ["rate(1 hour)", 1800],
    ["rate(2 days)", 21_600],
    ["cron(0 9 * * ? *)", 3600],
  ])("%s → %i s", (schedule, seconds) => {
    expect(maximumEventAgeSeconds(schedule)).toBe(seconds);
  });
});
