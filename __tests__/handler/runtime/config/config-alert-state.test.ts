import { loadConfig } from "../../../../handler/runtime/config/config";
import { configProblems } from "./config-problems";

const BASE = { SLACK_WEBHOOK_PARAMETER: "/key-age/slack-webhook" };

const problems = (env: Record<string, string>) => configProblems({ ...BASE, ...env });

describe("loadConfig: alert state", () => {
  it("is stateless without ALERT_STATE_TABLE and reminds daily by default", () => {
    const config = loadConfig(BASE);
    expect(config.alertStateTable).toBeUndefined();
    expect(config.remindEvery).toEqual({ ms: 86_400_000, label: "24h" });
  });

  it("reads the table and the reminder interval", () => {
    const config = loadConfig({
      ...BASE,
      ALERT_STATE_TABLE: "iam-key-age-monitor-prod-alert-state",
      REMIND_EVERY: "2w",
    });
    expect(config.alertStateTable).toBe("iam-key-age-monitor-prod-alert-state");
    expect(config.remindEvery).toEqual({ ms: 14 * 86_400_000, label: "2w" });
  });

  it("names the variable and quotes the value of a bad setting", () => {
    expect(problems({ REMIND_EVERY: "daily" })).toEqual([
      'REMIND_EVERY="daily": expected a whole number and a unit m, h, d or w, such as 25m, 12h, 90d or 2w',
    ]);
    expect(problems({ REMIND_EVERY: "0h" })).toEqual(['REMIND_EVERY="0h": must be longer than zero']);
    expect(problems({ ALERT_STATE_TABLE: "no spaces allowed" })).toEqual([
      'ALERT_STATE_TABLE="no spaces allowed": not a DynamoDB table name (3-255 characters of letters, digits and _.-)',
    ]);
  });
});
