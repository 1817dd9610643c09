import { loadConfig } from "../../../handler/runtime/config/config";
import type { ScanResult } from "../../../handler/scan/inventory";
import type { SlackMessage } from "../../../handler/slack/slack-message";
import { createLogger, type LogEntry } from "../../../handler/runtime/logger";
import { runMonitor, type RunMonitorDeps } from "../../../handler/monitor/run-monitor";
import type { ExportFindingsOptions, SecurityHubExportResult } from "../../../handler/security-hub/import-findings";
import { DAY, NOW, activeKey, inventoryOf } from "../support/inventory-builders";

// The "[export findings]" stage inside a run: after the digest, never instead of it, never failing it.
const WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXX";

const SCAN: ScanResult = {
  inventory: inventoryOf([activeKey(1, 95 * DAY, DAY), activeKey(2, 85 * DAY, DAY), activeKey(3, 10 * DAY, DAY)]),
  stats: { apiCalls: 7, skippedUsers: [], missingWatchedUsers: [] },
};

const TAKEN: SecurityHubExportResult = {
  imported: 2,
  archived: 0,
  failed: 0,
  rejected: [],
  importRequests: 1,
  readRequests: 1,
  untouched: 0,
};

function harness(options: { result?: SecurityHubExportResult; deliver?: RunMonitorDeps["deliver"] } = {}) {
  const events: string[] = [];
  const logs: LogEntry[] = [];
  const requests: Omit<ExportFindingsOptions, "client">[] = [];
  const deps = (env: Record<string, string> = {}, scan: ScanResult = SCAN): RunMonitorDeps => ({
    config: loadConfig({ SLACK_WEBHOOK_URL: WEBHOOK, ENVIRONMENT_NAME: "prod", SECURITY_HUB: "on", ...env }),
    scan: async () => scan,
    // The digest's label; Security Hub gets the bare id from its own dependency.
    accountId: async () => "123456789012 (payments)",
    webhookUrl: async () => WEBHOOK,
    deliver:
      options.deliver ??
      (async (messages: readonly SlackMessage[]) => {
        events.push("slack");
        return { messagesPosted: messages.length };
      }),
    now: () => NOW,
    logger: createLogger({ write: (entry) => logs.push(entry) }),
    securityHub: {
      accountId: async () => "123456789012",
      exportFindings: async (request) => {
        events.push("security-hub");
        requests.push(request);
        return options.result ?? TAKEN;
      },
    },
  });
  return { deps, events, logs, requests };
}

describe("runMonitor with SECURITY_HUB=on", () => {
  it("exports the run's keys after the digest reached Slack, with the account's own id", async () => {
    const h = harness();
    const summary = await runMonitor(h.deps());
    expect(summary).toMatchObject({ outcome: "alerted", messagesPosted: 1 });
    expect(h.events).toEqual(["slack", "security-hub"]);
    expect(h.requests[0]).toMatchObject({ accountId: "123456789012", environment: "prod", uncheckedUsers: [] });
    expect(h.requests[0].keys.map((key) => key.status)).toEqual(["critical", "warning", "ok"]);
    const line = h.logs.find((entry) => entry.message === "Security Hub export finished");
    expect(line).toMatchObject({ SecurityHubImportedFindings: 2, SecurityHubExportFailed: 0, environment: "prod" });
    // The summary line comes last, as before.
    expect(h.logs.at(-1)).toMatchObject({ message: "key-age scan finished" });
  });

  it("a failed export is logged and counted, and the run still succeeds", async () => {
    const h = harness({
      result: { ...TAKEN, imported: 0, failed: 2, error: "BatchImportFindings failed: AccessDeniedException" },
    });
    await expect(runMonitor(h.deps())).resolves.toMatchObject({ outcome: "alerted", messagesPosted: 1 });
    expect(h.logs.find((entry) => entry.message === "Security Hub export failed")).toMatchObject({
      level: "warn",
      SecurityHubExportFailed: 1,
      securityHub: expect.objectContaining({ error: "BatchImportFindings failed: AccessDeniedException" }),
    });
  });

  it("exports nothing when the digest did not reach Slack", async () => {
    const h = harness({
      deliver: async () => {
        throw new Error("Slack answered 404 no_service");
      },
    });
    await expect(runMonitor(h.deps())).rejects.toThrow("no_service");
    expect(h.requests).toEqual([]);
  });

  it("a scan stopped by its time budget exports what it found, leaves the unchecked users' findings, and fails", async () => {
    const h = harness();
    const incomplete = { ...SCAN, stats: { ...SCAN.stats, uncheckedUsers: ["zoe"] } };
    await expect(runMonitor(h.deps({}, incomplete))).rejects.toThrow("checking 1 user (zoe)");
    expect(h.requests).toHaveLength(1);
    expect(h.requests[0].uncheckedUsers).toEqual(["zoe"]);
  });

  it("a dry run exports nothing", async () => {
    const h = harness();
    await runMonitor(h.deps({ DRY_RUN: "true", SLACK_WEBHOOK_URL: "" }));
    expect(h.requests).toEqual([]);
    expect(h.logs.map((entry) => entry.message)).toContain("dry run: Security Hub findings not exported");
  });
});
