import { createLogger, type LogEntry } from "../../../handler/runtime/logger";
import {
  EXPORT_STOP_MARGIN_MS,
  exportFindingsStage,
  exportStopSignal,
  type SecurityHubDeps,
} from "../../../handler/monitor/export-findings-stage";
import type { ExportFindingsOptions, SecurityHubExportResult } from "../../../handler/security-hub/import-findings";
import { classifyKeys } from "../../../handler/scan/classify";
import { loadConfig } from "../../../handler/runtime/config/config";
import { DAY, NOW, activeKey, inventoryOf, keyId } from "../support/inventory-builders";
import type { DeactivationSchedule } from "../../../handler/enforcement/deactivation-schedule";

const CONFIG = loadConfig({ DRY_RUN: "true" });
// critical, warning, ok
const CLASSIFICATION = classifyKeys(
  inventoryOf([activeKey(1, 95 * DAY, DAY), activeKey(2, 85 * DAY, DAY), activeKey(3, 10 * DAY, DAY)]),
  CONFIG.thresholds,
  NOW,
);

const OK: SecurityHubExportResult = {
  imported: 2,
  archived: 1,
  failed: 0,
  rejected: [],
  importRequests: 1,
  readRequests: 1,
  untouched: 0,
};

function harness(result: SecurityHubExportResult | Error = OK, deps: Partial<SecurityHubDeps> = {}) {
  const logs: LogEntry[] = [];
  const requests: Omit<ExportFindingsOptions, "client">[] = [];
  const securityHub: SecurityHubDeps = {
    accountId: async () => "123456789012",
    exportFindings: async (request) => {
      requests.push(request);
      if (result instanceof Error) throw result;
      return result;
    },
    ...deps,
  };
  const logger = createLogger({ write: (entry) => logs.push(entry) });
  return { securityHub, logs, requests, logger };
}

describe("exportFindingsStage", () => {
  it("sends every classified key with the enforcement schedules, the unchecked users and the run's time", async () => {
    const { securityHub, requests, logger } = harness();
    const date = new Date(NOW.getTime() + 7 * DAY);
    const schedules = new Map<string, DeactivationSchedule>([
      [keyId(1), { kind: "date", date, ageDue: date, setting: "DEACTIVATE_AGE=100d", ageMs: 100 * DAY, noticed: true }],
    ]);
    await exportFindingsStage(securityHub, {
      classification: CLASSIFICATION,
      schedules,
      uncheckedUsers: ["later"],
      now: NOW,
      environmentName: "prod",
      logger,
    });
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request).toMatchObject({
      accountId: "123456789012",
      now: NOW,
      uncheckedUsers: ["later"],
      environment: "prod",
    });
    expect(request.signal).toBeUndefined();
    expect(request.keys.map((key) => [key.accessKeyId, key.status])).toEqual([
      [keyId(1), "critical"],
      [keyId(2), "warning"],
      [keyId(3), "ok"],
    ]);
    expect(request.keys[0].deactivation).toMatchObject({ kind: "date", date });
    expect(request.keys[1].deactivation).toBeUndefined();
  });

  it("logs one info line with the figures and the Embedded Metric Format block", async () => {
    const { securityHub, logs, logger } = harness();
    const result = await exportFindingsStage(securityHub, {
      classification: CLASSIFICATION,
      uncheckedUsers: [],
      now: NOW,
      environmentName: "prod",
      logger,
    });
    expect(result).toEqual(OK);
    expect(logs).toEqual([
      expect.objectContaining({
        level: "info",
        message: "Security Hub export finished",
        securityHub: { imported: 2, archived: 1, failed: 0 },
        Environment: "prod",
        SecurityHubImportedFindings: 2,
        SecurityHubArchivedFindings: 1,
        SecurityHubFailedFindings: 0,
        SecurityHubExportFailed: 0,
        _aws: expect.objectContaining({ Timestamp: NOW.getTime() }),
      }),
    ]);
  });

  it("logs a failed export as a warning with the cause and counts it", async () => {
    const failed = { ...OK, imported: 0, archived: 0, failed: 2, error: "GetFindings failed: AccessDeniedException" };
    const { securityHub, logs, logger } = harness(failed);
    await exportFindingsStage(securityHub, { classification: CLASSIFICATION, uncheckedUsers: [], now: NOW, logger });
    expect(logs).toEqual([
      expect.objectContaining({
        level: "warn",
        message: "Security Hub export failed",
        securityHub: expect.objectContaining({ error: "GetFindings failed: AccessDeniedException", failed: 2 }),
        Environment: "default",
        SecurityHubExportFailed: 1,
        SecurityHubFailedFindings: 2,
      }),
    ]);
  });

  it("never throws: a failing dependency is a failed export of every flagged key", async () => {
    const { securityHub, logs, logger } = harness(OK, {
      accountId: async () => {
        throw new Error("STS GetCallerIdentity failed");
      },
    });
    const result = await exportFindingsStage(securityHub, {
      classification: CLASSIFICATION,
      uncheckedUsers: [],
      now: NOW,
      logger,
    });
    expect(result).toMatchObject({ imported: 0, failed: 2, error: expect.stringContaining("STS GetCallerIdentity") });
    expect(logs[0]).toMatchObject({ level: "warn", SecurityHubExportFailed: 1 });

    const throwing = harness(new Error("a bug"));
    await expect(
      exportFindingsStage(throwing.securityHub, {
        classification: CLASSIFICATION,
        uncheckedUsers: [],
        now: NOW,
        logger: throwing.logger,
      }),
    ).resolves.toMatchObject({ failed: 2, error: expect.stringContaining("a bug") });
  });

  it("passes the stop signal made when the stage starts", async () => {
    const controller = new AbortController();
    const { securityHub, requests, logger } = harness(OK, { stopSignal: () => controller.signal });
    await exportFindingsStage(securityHub, { classification: CLASSIFICATION, uncheckedUsers: [], now: NOW, logger });
    expect(requests[0].signal).toBe(controller.signal);
  });

  it("exports nothing in a dry run, and says so", async () => {
    const { securityHub, requests, logs, logger } = harness();
    const result = await exportFindingsStage(securityHub, {
      classification: CLASSIFICATION,
      uncheckedUsers: [],
      now: NOW,
      dryRun: true,
      logger,
    });
    expect(result).toBeUndefined();
    expect(requests).toEqual([]);
    expect(logs).toEqual([expect.objectContaining({ message: "dry run: Security Hub findings not exported" })]);
  });
});

describe("exportStopSignal", () => {
  it("has none without a deadline", () => {
    expect(exportStopSignal(undefined)).toBeUndefined();
    expect(exportStopSignal(() => Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it("is already aborted with no more than the margin left", () => {
    expect(exportStopSignal(() => EXPORT_STOP_MARGIN_MS)?.aborted).toBe(true);
  });

  it("fires once the time left falls to the margin", async () => {
    const signal = exportStopSignal(() => EXPORT_STOP_MARGIN_MS + 30);
    expect(signal?.aborted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(signal?.aborted).toBe(true);
  });
});
