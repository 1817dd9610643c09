/** CloudWatch namespace of the per-run metrics. */
export const METRIC_NAMESPACE = "IamKeyAgeMonitor";

/** The dimension every metric carries. */
export const METRIC_DIMENSION = "Environment";

/** The metric of an engaged enforcement brake: 1 in a run that braked, 0 otherwise; alarmed on. */
export const ENFORCEMENT_BRAKE_METRIC = "EnforcementBrakeEngaged";

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
}

/**
 * The CloudWatch Embedded Metric Format fields for one run, to merge into the run's log line: Lambda
 * turns them into metrics (`CriticalKeys`, `WarningKeys`, …, `ScanDuration`, `ApiCalls`) without any
 * API call. After a credential-report scan, `ReportOkKeys` and `ReportInactiveKeys` say how many of
 * `OkKeys` and `InactiveKeys` come from the report rather than a live read, and `CredentialReportAge`
 * how old that report was at the scan. Hand-written rather than Powertools Metrics: the format is one documented JSON shape, and
 * this keeps a dependency (and its size) out of the Lambda bundle.
 */
export function embeddedMetrics(figures: RunFigures, environment: string, timestamp: Date): Record<string, unknown> {
  const values: Record<string, number> = {};
  const definitions: { Name: string; Unit: string }[] = [];
  for (const [status, count] of Object.entries(figures.counts)) {
    const name = `${status.charAt(0).toUpperCase()}${status.slice(1)}Keys`;
    values[name] = count;
    definitions.push({ Name: name, Unit: "Count" });
  }
  values.ScanDuration = figures.durationMs;
  definitions.push({ Name: "ScanDuration", Unit: "Milliseconds" });
  values.ApiCalls = figures.apiCalls;
  definitions.push({ Name: "ApiCalls", Unit: "Count" });
  if (figures.fromReport) {
    values.ReportOkKeys = figures.fromReport.ok;
    values.ReportInactiveKeys = figures.fromReport.inactive;
    definitions.push({ Name: "ReportOkKeys", Unit: "Count" }, { Name: "ReportInactiveKeys", Unit: "Count" });
    if (figures.fromReport.generatedAt) {
      values.CredentialReportAge = Math.max(0, (timestamp.getTime() - figures.fromReport.generatedAt.getTime()) / 1000);
      definitions.push({ Name: "CredentialReportAge", Unit: "Seconds" });
    }
  }
  if (figures.enforcement) {
    values.KeysDeactivated = figures.enforcement.deactivated;
    values.KeysWouldDeactivate = figures.enforcement.wouldDeactivate;
    values[ENFORCEMENT_BRAKE_METRIC] = figures.enforcement.braked ? 1 : 0;
    for (const name of ["KeysDeactivated", "KeysWouldDeactivate", ENFORCEMENT_BRAKE_METRIC]) {
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
