import { loadConfig } from "../../../handler/runtime/config/config";
import type { ScanResult } from "../../../handler/scan/inventory";
import type { SlackMessage } from "../../../handler/slack/slack-message";
import { createLogger, type LogEntry } from "../../../handler/runtime/logger";
import { runMonitor, type RunMonitorDeps } from "../../../handler/monitor/run-monitor";
import { DAY, NOW, activeKey, inventoryOf } from "../support/inventory-builders";
import { embeddedMetrics } from "../../../handler/runtime/run-metrics";

const WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXX";

const SCAN: ScanResult = {
  inventory: inventoryOf([activeKey(1, 95 * DAY, DAY), activeKey(2, 85 * DAY, DAY), activeKey(3, 10 * DAY, DAY)]),
  stats: { apiCalls: 7, skippedUsers: ["vanished"], missingWatchedUsers: [] },
};

function harness(overrides: Partial<RunMonitorDeps> = {}, env: Record<string, string> = {}) {
  const logs: LogEntry[] = [];
  const posted: SlackMessage[][] = [];
  const deps: RunMonitorDeps = {
    config: loadConfig({ SLACK_WEBHOOK_URL: WEBHOOK, ENVIRONMENT_NAME: "prod", ...env }),
    scan: async () => SCAN,
    accountId: async () => "123456789012",
    webhookUrl: async () => WEBHOOK,
    deliver: async (messages) => {
      posted.push([...messages]);
      return { messagesPosted: messages.length };
    },
    now: () => NOW,
    logger: createLogger({ context: { requestId: "req-1" }, write: (entry) => logs.push(entry) }),
    ...overrides,
  };
  return { deps, logs, posted };
}

describe("runMonitor", () => {
  it("without alert state names every flagged key in this run, however many there are", async () => {
    const keys = Array.from({ length: 450 }, (_, i) => activeKey(i, 95 * DAY, DAY));
    const { deps, posted } = harness({
      scan: async () => ({
        inventory: inventoryOf(keys),
        stats: { apiCalls: 451, skippedUsers: [], missingWatchedUsers: [] },
      }),
    });
    const summary = await runMonitor(deps);
    expect(summary).toMatchObject({ flaggedKeys: 450, listedKeys: 450, unlistedKeys: 0, messagesPosted: 5 });
    const text = JSON.stringify(posted.flat());
    expect(text).not.toContain("more flagged keys not listed");
    const unnamed = keys.map((_, i) => `user-${String(i + 1).padStart(4, "0")}`).filter((user) => !text.includes(user));
    expect(unnamed).toEqual([]);
  });

  it("posts one digest, returns the summary and logs it as one line", async () => {
    const { deps, logs, posted } = harness();
    const summary = await runMonitor(deps);
    expect(summary).toEqual({
      outcome: "alerted",
      environment: "prod",
      accountId: "123456789012",
      counts: { exposed: 0, critical: 1, warning: 1, unused: 0, exempt: 0, ok: 1, inactive: 0 },
      flaggedKeys: 2,
      listedKeys: 2,
      unlistedKeys: 0,
      usersScanned: 3,
      skippedUsers: ["vanished"],
      missingWatchedUsers: [],
      apiCalls: 7,
      strategy: "api",
      uncheckedUsers: 0,
      throttledRequests: 0,
      retries: 0,
      messagesRendered: 1,
      messagesPosted: 1,
      dryRun: false,
      durationMs: 0,
    });
    expect(posted).toHaveLength(1);
    expect(logs).toEqual([
      {
        requestId: "req-1",
        level: "info",
        message: "key-age scan finished",
        ...summary,
        ...embeddedMetrics(summary, "prod", NOW),
      },
    ]);
    // The same line is a CloudWatch Embedded Metric Format record: graphs and alarms need no API call.
    expect(logs[0]).toMatchObject({ Environment: "prod", CriticalKeys: 1, WarningKeys: 1, ApiCalls: 7 });
  });

  it("reports which scan ran and how many users the credential report left to check", async () => {
    const generatedAt = new Date(NOW.getTime() - 2 * 3_600_000);
    const hybrid: ScanResult = {
      inventory: { ...SCAN.inventory, reportOnly: { users: 40, activeKeys: 38, inactiveKeys: 4, generatedAt } },
      stats: { ...SCAN.stats, strategy: "credential-report", candidateUsers: 3 },
    };
    const { deps, logs, posted } = harness({ scan: async () => hybrid });
    await expect(runMonitor(deps)).resolves.toMatchObject({
      strategy: "credential-report",
      candidateUsers: 3,
      counts: { ok: 39, inactive: 4 },
      fromReport: { ok: 38, inactive: 4, users: 40, generatedAt },
    });
    // The totals say which part a report of which time vouches for: in the log, the metrics and Slack.
    expect(logs[0]).toMatchObject({
      strategy: "credential-report",
      candidateUsers: 3,
      OkKeys: 39,
      ReportOkKeys: 38,
      ReportInactiveKeys: 4,
      CredentialReportAge: 7200,
    });
    expect(JSON.stringify(posted[0])).toContain(
      "Of these, 38 OK and 4 inactive keys (40 users) are counted from the credential report of 2025-06-01 10:00 UTC",
    );
  });

  it("posts nothing when nothing is flagged", async () => {
    const quiet: ScanResult = { ...SCAN, inventory: inventoryOf([activeKey(1, DAY, DAY)]) };
    const { deps, posted } = harness({ scan: async () => quiet });
    await expect(runMonitor(deps)).resolves.toMatchObject({
      outcome: "nothing-flagged",
      messagesPosted: 0,
      flaggedKeys: 0,
    });
    expect(posted).toHaveLength(0);
  });

  it("logs the payload instead of posting it in a dry run", async () => {
    const { deps, logs, posted } = harness({ webhookUrl: undefined }, { DRY_RUN: "true" });
    const summary = await runMonitor(deps);
    expect(summary).toMatchObject({ outcome: "dry-run", messagesRendered: 1, messagesPosted: 0, dryRun: true });
    expect(posted).toHaveLength(0);
    expect(logs[0]).toMatchObject({
      message: "dry run: Slack payload not posted",
      part: "1/1",
      payload: { text: expect.any(String) },
    });
    expect(logs).toHaveLength(2);
  });

  it("fails the run when the scan fails: nothing posted, no summary returned", async () => {
    const { deps, logs, posted } = harness({
      scan: async () => Promise.reject(new Error("ListUsers failed: Throttling")),
    });
    await expect(runMonitor(deps)).rejects.toThrow("ListUsers failed: Throttling");
    expect(posted).toHaveLength(0);
    expect(logs).toEqual([
      expect.objectContaining({
        level: "error",
        message: "key-age scan failed",
        error: "ListUsers failed: Throttling",
      }),
    ]);
  });

  it("fails before scanning when the webhook cannot be resolved", async () => {
    const scan = jest.fn(async () => SCAN);
    const { deps } = harness({ scan, webhookUrl: async () => Promise.reject(new Error("ParameterNotFound")) });
    await expect(runMonitor(deps)).rejects.toThrow("ParameterNotFound");
    expect(scan).not.toHaveBeenCalled();
  });

  it("fails the run when delivery fails, without logging the URL", async () => {
    const { deps, logs } = harness({
      deliver: async () => Promise.reject(new Error(`POST ${WEBHOOK} said no_service`)),
    });
    await expect(runMonitor(deps)).rejects.toThrow();
    expect(JSON.stringify(logs)).not.toContain("XXXXsecretXXXX");
    expect(logs[0]).toMatchObject({ level: "error", error: "POST https://hooks.slack.com/… said no_service" });
  });

  it("logs the failure's cause chain, with the URL redacted in every link", async () => {
    const cause = new Error(`fetch ${WEBHOOK} failed`, { cause: new Error("ECONNRESET") });
    const { deps, logs } = harness({
      deliver: async () => Promise.reject(new Error("Slack delivery failed", { cause })),
    });
    await expect(runMonitor(deps)).rejects.toThrow("Slack delivery failed");
    expect(logs).toEqual([
      expect.objectContaining({
        requestId: "req-1",
        environment: "prod",
        errorName: "Error",
        error: "Slack delivery failed",
        errorCauses: ["Error: fetch https://hooks.slack.com/… failed", "Error: ECONNRESET"],
      }),
    ]);
  });

  it("renders in the original style when configured", async () => {
    const { deps, posted } = harness({}, { MESSAGE_STYLE: "original" });
    await runMonitor(deps);
    expect(JSON.stringify(posted[0])).toContain("is out of control. We must rotate the key!");
  });
});
