import {
  classifyKeys,
  SEVERITY_ORDER,
  type Classification,
  type KeyStatus,
  type Thresholds,
} from "../handler/scan/classify";
import { deactivationSchedule, type DeactivationSchedule } from "../handler/enforcement/deactivation-schedule";
import type { MonitorConfig } from "../handler/runtime/config/config";
import type { ScanResult } from "../handler/scan/inventory";

/** What one `key-age scan` found, already classified: the input of the table and JSON renderers. */
export interface ScanReport {
  /** The classified keys. */
  readonly classification: Classification;
  /** The scanned account. */
  readonly accountId: string;
  /** The account's name in Organizations (organization scans). @default undefined */
  readonly accountName?: string;
  /** The environment label. @default undefined */
  readonly environmentName?: string;
  /** The moment the keys were evaluated at: now, or the `--as-of` time. */
  readonly evaluatedAt: Date;
  /** True when `evaluatedAt` came from `--as-of`, so the output reads as a forecast. */
  readonly forecast: boolean;
  /** The thresholds as written (`80d`), for the output's header. */
  readonly thresholdLabels: Readonly<Record<keyof Thresholds, string>>;
  /** Users deleted mid-scan and skipped. */
  readonly skippedUsers: readonly string[];
  /** Watched users that do not exist. */
  readonly missingWatchedUsers: readonly string[];
  /** The scan that ran: `api` or `credential-report`. @default undefined: api */
  readonly strategy?: string;
  /**
   * Each key's deactivation schedule when `DEACTIVATE_AGE` is set, as if a notice went out now (the
   * CLI reads no alert state). @default undefined: enforcement not configured, no dates shown
   */
  readonly deactivations?: ReadonlyMap<string, DeactivationSchedule>;
}

/**
 * Keys per status, with a zero for every status the CLI knows. These are the classifier's counts,
 * so keys a credential-report scan counted without listing them are included.
 */
export function countsByStatus(report: ScanReport): Record<KeyStatus, number> {
  const zeros = Object.fromEntries(SEVERITY_ORDER.map((status) => [status, 0])) as Record<KeyStatus, number>;
  return { ...zeros, ...report.classification.counts };
}

/** Keys counted in the totals but not listed (cleared by a credential report, which has no key ids). */
export function unlistedKeyCount(report: ScanReport): number {
  const counted = Object.values(report.classification.counts).reduce((sum, count) => sum + count, 0);
  return Math.max(0, counted - report.classification.findings.length);
}

/** Where and when {@link buildScanReport} evaluated a scan. */
export interface ScanReportContext {
  /** The scanned account. */
  readonly accountId: string;
  /** The account's name in Organizations. @default undefined */
  readonly accountName?: string;
  /** The moment the keys are evaluated at. */
  readonly evaluatedAt: Date;
  /** True for `--as-of`. */
  readonly forecast: boolean;
  /** The scanner's strategy, used when the scan did not say which one ran. */
  readonly strategy: string;
  /** When a notice would go out, for the deactivation dates (the CLI reads no alert state). */
  readonly noticeAt: Date;
}

/**
 * The one way a `key-age scan` result becomes a report, for the single-account and the organization
 * scan alike: the handler's classification (with `MAX_EXEMPTION`) and, with `DEACTIVATE_AGE`, each
 * key's deactivation date as if a notice went out at `noticeAt`.
 */
export function buildScanReport(scan: ScanResult, config: MonitorConfig, context: ScanReportContext): ScanReport {
  const classification = classifyKeys(scan.inventory, config.thresholds, context.evaluatedAt, {
    maxExemption: config.maxExemption,
    maxTagAge: config.maxTagAge,
    maxOwners: config.maxOwnersPerKey,
  });
  const enforcement = config.enforcement;
  const deactivations = new Map<string, DeactivationSchedule>();
  if (enforcement) {
    for (const finding of classification.findings) {
      const schedule = deactivationSchedule(finding, enforcement, undefined, context.noticeAt);
      if (schedule) deactivations.set(finding.accessKeyId, schedule);
    }
  }
  return {
    classification,
    accountId: context.accountId,
    ...(context.accountName ? { accountName: context.accountName } : {}),
    ...(config.environmentName ? { environmentName: config.environmentName } : {}),
    evaluatedAt: context.evaluatedAt,
    forecast: context.forecast,
    thresholdLabels: config.thresholdLabels,
    skippedUsers: scan.stats.skippedUsers,
    missingWatchedUsers: scan.stats.missingWatchedUsers,
    strategy: scan.stats.strategy ?? context.strategy,
    ...(enforcement ? { deactivations } : {}),
  };
}
