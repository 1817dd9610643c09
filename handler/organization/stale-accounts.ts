import type { AccountScanRecord } from "./account-scan-record";
import { METRIC_DIMENSION, METRIC_NAMESPACE } from "../runtime/run-metrics";

/** Accounts in scope not scanned successfully within `STALE_ACCOUNT_AFTER`; alarmed on. */
export const STALE_ACCOUNTS_METRIC = "StaleAccounts";

/** Accounts the dispatcher left out because their last message was still queued or running. */
export const ACCOUNTS_IN_FLIGHT_METRIC = "AccountsInFlight";

/**
 * The accounts whose last successful scan (or, never successful, whose first failure) is older than
 * `afterMs`. An account without a record is new: it has had no chance to be scanned yet.
 */
export function staleAccounts(records: readonly AccountScanRecord[], now: Date, afterMs: number): AccountScanRecord[] {
  return records.filter((record) => {
    const since = record.lastSuccessAt ?? record.failingSince;
    return since !== undefined && now.getTime() - since.getTime() > afterMs;
  });
}

/**
 * The dispatcher's metric line (CloudWatch embedded metric format): stale accounts in scope, and the
 * accounts still in flight (a sweep that does not keep up with the schedule shows here first).
 */
export function staleAccountsMetric(
  count: number,
  environment: string,
  timestamp: Date,
  inFlight = 0,
): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: timestamp.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [[METRIC_DIMENSION]],
          Metrics: [
            { Name: STALE_ACCOUNTS_METRIC, Unit: "Count" },
            { Name: ACCOUNTS_IN_FLIGHT_METRIC, Unit: "Count" },
          ],
        },
      ],
    },
    [METRIC_DIMENSION]: environment,
    [STALE_ACCOUNTS_METRIC]: count,
    [ACCOUNTS_IN_FLIGHT_METRIC]: inFlight,
  };
}
