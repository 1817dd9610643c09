/**
 * The export's metrics and log fields. The metrics go out in CloudWatch Embedded Metric Format, in the
 * same namespace and with the same dimension as the run's (handler/runtime/run-metrics.ts), so an alarm on
 * {@link SECURITY_HUB_EXPORT_FAILED_METRIC} sits beside the others.
 */
import { METRIC_DIMENSION, METRIC_NAMESPACE } from "../runtime/run-metrics";

/** Findings imported as ACTIVE (created or updated) in a run. */
export const SECURITY_HUB_IMPORTED_METRIC = "SecurityHubImportedFindings";

/** Findings re-sent as ARCHIVED in a run. */
export const SECURITY_HUB_ARCHIVED_METRIC = "SecurityHubArchivedFindings";

/** Findings the run meant to send that Security Hub did not take (rejected, not sent, or not planned). */
export const SECURITY_HUB_FAILED_METRIC = "SecurityHubFailedFindings";

/** 1 in a run whose export failed in any part, 0 otherwise: the one to alarm on (`>= 1`). */
export const SECURITY_HUB_EXPORT_FAILED_METRIC = "SecurityHubExportFailed";

/** What one export did (see `exportFindings`). */
export interface SecurityHubExportFigures {
  readonly imported: number;
  readonly archived: number;
  readonly failed: number;
  readonly error?: string;
  readonly rejected?: readonly { readonly id: string; readonly code: string; readonly message: string }[];
  readonly untouched?: number;
}

/** The log line of one export: `info` when every finding was taken, `warn` with the cause otherwise. */
export function securityHubLogEntry(result: SecurityHubExportFigures): {
  readonly level: "info" | "warn";
  readonly message: string;
  readonly fields: Record<string, unknown>;
} {
  const failed = result.error !== undefined || result.failed > 0;
  return {
    level: failed ? "warn" : "info",
    message: failed ? "Security Hub export failed" : "Security Hub export finished",
    fields: {
      securityHub: {
        imported: result.imported,
        archived: result.archived,
        failed: result.failed,
        ...(result.untouched ? { untouched: result.untouched } : {}),
        ...(result.error !== undefined ? { error: result.error } : {}),
        ...(result.rejected && result.rejected.length > 0 ? { rejected: result.rejected } : {}),
      },
    },
  };
}

/** The metric values of one export; all four always, so an alarm sees data in every run. */
export function securityHubMetricValues(result: SecurityHubExportFigures): Record<string, number> {
  return {
    [SECURITY_HUB_IMPORTED_METRIC]: result.imported,
    [SECURITY_HUB_ARCHIVED_METRIC]: result.archived,
    [SECURITY_HUB_FAILED_METRIC]: result.failed,
    [SECURITY_HUB_EXPORT_FAILED_METRIC]: result.error !== undefined || result.failed > 0 ? 1 : 0,
  };
}

/**
 * The export's Embedded Metric Format fields, to log as a line of their own (each line with an `_aws`
 * block becomes metrics; the run's summary line has its own block).
 */
export function securityHubEmbeddedMetrics(
  result: SecurityHubExportFigures,
  environment: string,
  timestamp: Date,
): Record<string, unknown> {
  const values = securityHubMetricValues(result);
  return {
    _aws: {
      Timestamp: timestamp.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [[METRIC_DIMENSION]],
          Metrics: Object.keys(values).map((Name) => ({ Name, Unit: "Count" })),
        },
      ],
    },
    [METRIC_DIMENSION]: environment,
    ...values,
  };
}
