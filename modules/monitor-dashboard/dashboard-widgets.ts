import {
  API_CALLS_METRIC,
  CREDENTIAL_REPORT_AGE_METRIC,
  keyCountMetric,
  METRIC_NAMESPACE,
  REPORT_INACTIVE_KEYS_METRIC,
  REPORT_OK_KEYS_METRIC,
  RETRIES_METRIC,
  SCAN_DURATION_METRIC,
  THROTTLED_REQUESTS_METRIC,
  UNCHECKED_USERS_METRIC,
} from "../../handler/runtime/run-metrics";
import {
  SECURITY_HUB_ARCHIVED_METRIC,
  SECURITY_HUB_EXPORT_FAILED_METRIC,
  SECURITY_HUB_FAILED_METRIC,
  SECURITY_HUB_IMPORTED_METRIC,
} from "../../handler/security-hub/security-hub-metrics";

/** One metric in a widget: `[namespace, name, dimension, value, …, options]`, CloudWatch's own shape. */
export type MetricLine = readonly (string | Readonly<Record<string, unknown>>)[];

/** A CloudWatch dashboard widget before layout (position and size are added by {@link layOutWidgets}). */
export interface DashboardWidget {
  /** `metric`, `alarm` or `text`. */
  readonly type: "metric" | "alarm" | "text";
  /** Grid columns (of 24). @default 12 */
  readonly width?: number;
  /** Grid rows. @default 6 */
  readonly height?: number;
  /** The widget's properties, as the dashboard body format defines them. */
  readonly properties: Readonly<Record<string, unknown>>;
}

/** Where the graphs read from, shared by every metric widget. */
export interface WidgetContext {
  /** Region of the metrics. */
  readonly region: string;
  /** Graph period in seconds. */
  readonly periodSeconds: number;
}

const STATUS_COLOURS: Readonly<Record<string, string>> = {
  critical: "#d62728",
  warning: "#ff7f0e",
  unused: "#9467bd",
  ok: "#2ca02c",
  exempt: "#7f7f7f",
  inactive: "#bcbd22",
};

function dimensionPairs(dimensions: Readonly<Record<string, string>>): string[] {
  return Object.entries(dimensions).flat();
}

/** A line of one of the run's own metrics (namespace `IamKeyAgeMonitor`). */
export function runMetric(
  name: string,
  dimensions: Readonly<Record<string, string>>,
  options: Readonly<Record<string, unknown>> = {},
): MetricLine {
  return [METRIC_NAMESPACE, name, ...dimensionPairs(dimensions), options];
}

/** A line of an AWS service metric (`AWS/Lambda`, `AWS/SQS`, …). */
export function serviceMetric(
  namespace: string,
  name: string,
  dimensions: Readonly<Record<string, string>>,
  options: Readonly<Record<string, unknown>> = {},
): MetricLine {
  return [namespace, name, ...dimensionPairs(dimensions), options];
}

/** A time-series graph. */
export function graph(
  context: WidgetContext,
  title: string,
  metrics: readonly MetricLine[],
  options: { readonly stat?: string; readonly stacked?: boolean; readonly yLabel?: string } = {},
): DashboardWidget {
  return {
    type: "metric",
    properties: {
      title,
      region: context.region,
      view: "timeSeries",
      stacked: options.stacked ?? false,
      period: context.periodSeconds,
      stat: options.stat ?? "Maximum",
      metrics,
      ...(options.yLabel ? { yAxis: { left: { label: options.yLabel, showUnits: false, min: 0 } } } : {}),
    },
  };
}

/**
 * Keys of the given statuses over time, one line per status, from one set of run-metric dimensions.
 * Today the dimensions are the environment; a per-account widget in organization mode is this same
 * widget with the account among the dimensions.
 */
export function keysByStatusWidget(
  context: WidgetContext,
  title: string,
  statuses: readonly string[],
  dimensions: Readonly<Record<string, string>>,
): DashboardWidget {
  const lines = statuses.map((status) =>
    runMetric(keyCountMetric(status), dimensions, { label: status, color: STATUS_COLOURS[status] ?? "#1f77b4" }),
  );
  return graph(context, title, lines, { stat: "Maximum", yLabel: "keys" });
}

/** How long each run's scan took. */
export function scanDurationWidget(
  context: WidgetContext,
  dimensions: Readonly<Record<string, string>>,
): DashboardWidget {
  return graph(
    context,
    "Scan duration (ms)",
    [
      runMetric(SCAN_DURATION_METRIC, dimensions, { label: "average", stat: "Average" }),
      runMetric(SCAN_DURATION_METRIC, dimensions, { label: "longest", stat: "Maximum" }),
    ],
    { yLabel: "ms" },
  );
}

/** How many IAM (and other AWS) calls the scans made. */
export function apiCallsWidget(context: WidgetContext, dimensions: Readonly<Record<string, string>>): DashboardWidget {
  return graph(context, "IAM calls per period", [runMetric(API_CALLS_METRIC, dimensions, { label: "calls" })], {
    stat: "Sum",
    yLabel: "calls",
  });
}

/** IAM throttling the scans met (throttled attempts, retries) and the users left unchecked for lack of time. */
export function throttlingWidget(
  context: WidgetContext,
  dimensions: Readonly<Record<string, string>>,
): DashboardWidget {
  return graph(
    context,
    "IAM throttling: throttled attempts, retries, unchecked users",
    [
      runMetric(THROTTLED_REQUESTS_METRIC, dimensions, { label: "throttled attempts", stat: "Sum" }),
      runMetric(RETRIES_METRIC, dimensions, { label: "retries", stat: "Sum" }),
      runMetric(UNCHECKED_USERS_METRIC, dimensions, { label: "users not checked in time", yAxis: "right" }),
    ],
    { stat: "Maximum", yLabel: "requests" },
  );
}

/** After credential-report scans: the keys the report vouched for, and how old the report was. */
export function credentialReportWidget(
  context: WidgetContext,
  dimensions: Readonly<Record<string, string>>,
): DashboardWidget {
  return graph(
    context,
    "Credential report: keys it vouched for, its age",
    [
      runMetric(REPORT_OK_KEYS_METRIC, dimensions, { label: "ok keys from the report" }),
      runMetric(REPORT_INACTIVE_KEYS_METRIC, dimensions, { label: "inactive keys from the report" }),
      runMetric(CREDENTIAL_REPORT_AGE_METRIC, dimensions, { label: "report age (s)", yAxis: "right" }),
    ],
    { stat: "Maximum", yLabel: "keys" },
  );
}

/** Invocations, errors (failed runs), throttles and failed deliveries to the failure queue. */
export function functionHealthWidget(context: WidgetContext, functionName: string): DashboardWidget {
  const lambda = (name: string, color: string) =>
    serviceMetric("AWS/Lambda", name, { FunctionName: functionName }, { label: name, color });
  return graph(
    context,
    "Runs: invocations, errors (failed runs), throttles",
    [
      lambda("Invocations", "#1f77b4"),
      lambda("Errors", "#d62728"),
      lambda("Throttles", "#ff7f0e"),
      lambda("DestinationDeliveryFailures", "#8c564b"),
    ],
    { stat: "Sum", yLabel: "count" },
  );
}

/** Failed runs waiting in the on-failure queue. */
export function failedRunQueueWidget(context: WidgetContext, queueName: string): DashboardWidget {
  return graph(
    context,
    "Failed runs waiting in the queue",
    [
      serviceMetric(
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        { QueueName: queueName },
        { label: "messages", color: "#d62728" },
      ),
    ],
    { stat: "Maximum", yLabel: "messages" },
  );
}

/** The state of the monitor's own alarms. */
export function alarmsWidget(alarmArns: readonly string[]): DashboardWidget {
  return { type: "alarm", height: 3, width: 24, properties: { title: "Alarms", alarms: alarmArns } };
}

/** Places widgets left to right, two per row of 24 columns, wrapping when a row is full. */
export function layOutWidgets(widgets: readonly DashboardWidget[]): Record<string, unknown>[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return widgets.map((widget) => {
    const width = widget.width ?? 12;
    const height = widget.height ?? 6;
    if (x + width > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const placed = { type: widget.type, x, y, width, height, properties: widget.properties };
    x += width;
    rowHeight = Math.max(rowHeight, height);
    return placed;
  });
}

/** The Security Hub export (`SECURITY_HUB=on`): findings imported, archived and not taken, and failed runs. */
export function securityHubWidget(
  context: WidgetContext,
  dimensions: Readonly<Record<string, string>>,
): DashboardWidget {
  return graph(
    context,
    "Security Hub: findings imported, archived, not taken",
    [
      runMetric(SECURITY_HUB_IMPORTED_METRIC, dimensions, { label: "imported (active)" }),
      runMetric(SECURITY_HUB_ARCHIVED_METRIC, dimensions, { label: "archived" }),
      runMetric(SECURITY_HUB_FAILED_METRIC, dimensions, { label: "not taken" }),
      runMetric(SECURITY_HUB_EXPORT_FAILED_METRIC, dimensions, { label: "failed export", yAxis: "right" }),
    ],
    { stat: "Maximum", yLabel: "findings" },
  );
}
