/** CloudWatch namespace of the per-run metrics. */
export const METRIC_NAMESPACE = "IamKeyAgeMonitor";

/** The dimension every metric carries. */
export const METRIC_DIMENSION = "Environment";

/** Wall time of a run, in milliseconds. */
export const SCAN_DURATION_METRIC = "ScanDuration";

/** AWS API requests a run's scan made. */
export const API_CALLS_METRIC = "ApiCalls";

/** IAM attempts a run's scan saw answered with a throttling error. */
export const THROTTLED_REQUESTS_METRIC = "ThrottledRequests";

/** Attempts the SDK repeated during a run's scan, after throttling or transient errors. */
export const RETRIES_METRIC = "Retries";

/** Users a run could not check before its time budget ran out (0 when the scan was complete); alarmed on. */
export const UNCHECKED_USERS_METRIC = "UncheckedUsers";

/** After a credential-report scan: how many of the ok keys the report vouches for. */
export const REPORT_OK_KEYS_METRIC = "ReportOkKeys";

/** After a credential-report scan: how many of the inactive keys the report vouches for. */
export const REPORT_INACTIVE_KEYS_METRIC = "ReportInactiveKeys";

/** After a credential-report scan: how old the report was at the scan, in seconds. */
export const CREDENTIAL_REPORT_AGE_METRIC = "CredentialReportAge";

/**
 * The metric that counts a run's keys of one status: `critical` → `CriticalKeys`. The one source of
 * these names for the emitter, the alarms and the dashboard.
 */
export function keyCountMetric(status: string): string {
  return `${status.charAt(0).toUpperCase()}${status.slice(1)}Keys`;
}

/** The metric of an engaged enforcement brake: 1 in a run that braked, 0 otherwise; alarmed on. */
export const ENFORCEMENT_BRAKE_METRIC = "EnforcementBrakeEngaged";

/** Keys a run deactivated. */
export const KEYS_DEACTIVATED_METRIC = "KeysDeactivated";

/** Keys a dry run would have deactivated. */
export const KEYS_WOULD_DEACTIVATE_METRIC = "KeysWouldDeactivate";

/** What one run's enforcement did, for its metrics. */
export interface EnforcementFigures {
  /** Keys deactivated (`KeysDeactivated`). */
  readonly deactivated: number;
  /** Keys a dry run would have deactivated (`KeysWouldDeactivate`). */
  readonly wouldDeactivate: number;
  /** Whether the brake was engaged ({@link ENFORCEMENT_BRAKE_METRIC}). */
  readonly braked: boolean;
}

/** What one run measured. */
export interface RunFigures {
  /** Keys per status, e.g. `{ critical: 2, warning: 1, … }`. */
  readonly counts: Readonly<Record<string, number>>;
  /** Wall time of the run in milliseconds. */
  readonly durationMs: number;
  /** AWS API requests the scan made. */
  readonly apiCalls: number;
  /**
   * The part of the ok and inactive counts a credential report vouches for, and when IAM generated
   * it. @default undefined: every key was read live
   */
  readonly fromReport?: { readonly ok: number; readonly inactive: number; readonly generatedAt?: Date };
  /** What enforcement did. @default undefined: enforcement is off, no enforcement metrics */
  readonly enforcement?: EnforcementFigures;
  /** IAM requests answered with a throttling error. @default 0 */
  readonly throttledRequests?: number;
  /** Attempts the SDK repeated after an error. @default 0 */
  readonly retries?: number;
  /** Users the scan could not check before its time budget ran out. @default 0 */
  readonly uncheckedUsers?: number;
}

/**
 * The CloudWatch Embedded Metric Format fields for one run, to merge into the run's log line: Lambda
 * turns them into metrics (`CriticalKeys`, `WarningKeys`, …, `ScanDuration`, `ApiCalls`) without any
 * API call. After a credential-report scan, `ReportOkKeys` and `ReportInactiveKeys` say how many of
 * `OkKeys` and `InactiveKeys` come from the report rather than a live read, and `CredentialReportAge`
 * how old that report was at the scan. `ThrottledRequests`, `Retries` and `UncheckedUsers` count the
 * IAM throttling the scan met and the users it could not check in time. Hand-written rather than Powertools Metrics: the format is one documented JSON shape, and
 * this keeps a dependency (and its size) out of the Lambda bundle.
 */
export function embeddedMetrics(figures: RunFigures, environment: string, timestamp: Date): Record<string, unknown> {
  const values: Record<string, number> = {};
  const definitions: { Name: string; Unit: string }[] = [];
  for (const [status, count] of Object.entries(figures.counts)) {
    const name = keyCountMetric(status);
    values[name] = count;
    definitions.push({ Name: name, Unit: "Count" });
  }
  values[SCAN_DURATION_METRIC] = figures.durationMs;
  definitions.push({ Name: SCAN_DURATION_METRIC, Unit: "Milliseconds" });
  values[API_CALLS_METRIC] = figures.apiCalls;
  definitions.push({ Name: API_CALLS_METRIC, Unit: "Count" });
  // Emitted as 0 too, so that an alarm on them sees data and a dashboard shows a flat line.
  for (const [name, value] of [
    [THROTTLED_REQUESTS_METRIC, figures.throttledRequests],
    [RETRIES_METRIC, figures.retries],
    [UNCHECKED_USERS_METRIC, figures.uncheckedUsers],
  ] as const) {
    values[name] = value ?? 0;
    definitions.push({ Name: name, Unit: "Count" });
  }
  if (figures.fromReport) {
    values[REPORT_OK_KEYS_METRIC] = figures.fromReport.ok;
    values[REPORT_INACTIVE_KEYS_METRIC] = figures.fromReport.inactive;
    definitions.push(
      { Name: REPORT_OK_KEYS_METRIC, Unit: "Count" },
      { Name: REPORT_INACTIVE_KEYS_METRIC, Unit: "Count" },
    );
    if (figures.fromReport.generatedAt) {
      values[CREDENTIAL_REPORT_AGE_METRIC] = Math.max(
        0,
        (timestamp.getTime() - figures.fromReport.generatedAt.getTime()) / 1000,
      );
      definitions.push({ Name: CREDENTIAL_REPORT_AGE_METRIC, Unit: "Seconds" });
    }
  }
  if (figures.enforcement) {
    values[KEYS_DEACTIVATED_METRIC] = figures.enforcement.deactivated;
    values[KEYS_WOULD_DEACTIVATE_METRIC] = figures.enforcement.wouldDeactivate;
    values[ENFORCEMENT_BRAKE_METRIC] = figures.enforcement.braked ? 1 : 0;
    for (const name of [KEYS_DEACTIVATED_METRIC, KEYS_WOULD_DEACTIVATE_METRIC, ENFORCEMENT_BRAKE_METRIC]) {
      definitions.push({ Name: name, Unit: "Count" });
    }
  }
  return {
    _aws: {
      Timestamp: timestamp.getTime(),
      CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [[METRIC_DIMENSION]], Metrics: definitions }],
    },
    [METRIC_DIMENSION]: environment,
    ...values,
  };
}
