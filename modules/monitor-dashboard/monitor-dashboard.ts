import { Construct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { FLAGGED_STATUSES, SEVERITY_ORDER } from "../../handler/scan/classify";
import {
  alarmsWidget,
  apiCallsWidget,
  credentialReportWidget,
  type DashboardWidget,
  failedRunQueueWidget,
  functionHealthWidget,
  keysByStatusWidget,
  layOutWidgets,
  scanDurationWidget,
  throttlingWidget,
} from "./dashboard-widgets";

/** Props of {@link MonitorDashboard}. */
export interface MonitorDashboardProps {
  /** Name of the dashboard. */
  readonly dashboardName: string;
  /** Region of the function and its metrics. */
  readonly region: string;
  /**
   * Name of the key-age function whose runs the dashboard shows, as plain text: the dashboard needs no
   * function to exist, and a reference would make Terraform create it only after the function.
   */
  readonly functionName: string;
  /** The queue that keeps the function's failed runs. */
  readonly failedRunQueue: Pick<SqsQueue, "name">;
  /** Dimensions of the run's own metrics, as the function emits them, e.g. `{ Environment: "prod" }`. */
  readonly runMetricDimensions: Readonly<Record<string, string>>;
  /** Alarms whose state the dashboard shows. @default no alarm widget */
  readonly alarms?: readonly Pick<CloudwatchMetricAlarm, "arn">[];
  /**
   * Widgets appended after the standard ones, for instance keys by status per account in
   * organization mode (`keysByStatusWidget` with the account among the dimensions). @default []
   */
  readonly additionalWidgets?: readonly DashboardWidget[];
  /** Graph period in seconds; match the schedule. @default 600 */
  readonly periodSeconds?: number;
}

/**
 * One CloudWatch dashboard for one monitor, built only from metrics that exist: the run's own
 * (flagged and other keys by status, scan duration, IAM calls and throttling, the credential report), the function's (runs, errors,
 * throttles) and the failure queue's depth, plus the state of the monitor's alarms.
 */
export class MonitorDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: CloudwatchDashboard;
  /** Where to open it in the AWS console. */
  public readonly consoleUrl: string;

  constructor(scope: Construct, id: string, props: MonitorDashboardProps) {
    super(scope, id);
    const context = { region: props.region, periodSeconds: props.periodSeconds ?? 600 };
    const dimensions = props.runMetricDimensions;
    const otherStatuses = SEVERITY_ORDER.filter((status) => !FLAGGED_STATUSES.includes(status));
    const widgets: DashboardWidget[] = [
      ...(props.alarms && props.alarms.length > 0 ? [alarmsWidget(props.alarms.map((alarm) => alarm.arn))] : []),
      keysByStatusWidget(context, "Flagged keys by status", FLAGGED_STATUSES, dimensions),
      keysByStatusWidget(context, "Other keys by status", otherStatuses, dimensions),
      scanDurationWidget(context, dimensions),
      apiCallsWidget(context, dimensions),
      throttlingWidget(context, dimensions),
      credentialReportWidget(context, dimensions),
      functionHealthWidget(context, props.functionName),
      failedRunQueueWidget(context, props.failedRunQueue.name),
      ...(props.additionalWidgets ?? []),
    ];
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.dashboardName,
      dashboardBody: JSON.stringify({ widgets: layOutWidgets(widgets) }),
    });
    this.consoleUrl = `https://${props.region}.console.aws.amazon.com/cloudwatch/home?region=${props.region}#dashboards/dashboard/${this.dashboard.dashboardName}`;
  }
}
