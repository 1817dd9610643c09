import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";

/** Props of {@link DispatcherAlarms}. */
export interface DispatcherAlarmsProps {
  /** The dispatcher function's name, as plain text (see FunctionAlarmsProps.functionName). */
  readonly functionName: string;
  /** Where its failed scheduled runs wait. */
  readonly failedRunQueue: Pick<SqsQueue, "name">;
  /** The monitor's alarm topic. */
  readonly topic: Pick<SnsTopic, "arn">;
  /** Alarm when this metric (the dispatcher's count of stale accounts) is at least 1. @default no such alarm */
  readonly staleAccountsMetric?: {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, string>>;
  };
  /** Alarm period in seconds. @default 600 */
  readonly periodSeconds?: number;
}

/** The dispatcher's alarms on the monitor's topic: a failed dispatch means no account was queued. */
export class DispatcherAlarms extends Construct {
  /** The alarms, by name. */
  public readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;

  constructor(scope: Construct, id: string, props: DispatcherAlarmsProps) {
    super(scope, id);
    const name = props.functionName;
    const alarm = (
      suffix: string,
      description: string,
      namespace: string,
      metricName: string,
      dimensions: Record<string, string>,
      statistic: string,
    ) =>
      new CloudwatchMetricAlarm(this, suffix, {
        alarmName: `${name}-${suffix}`,
        alarmDescription: description,
        namespace,
        metricName,
        dimensions,
        statistic,
        period: props.periodSeconds ?? 600,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [props.topic.arn],
        okActions: [props.topic.arn],
      });
    const alarms: Record<string, CloudwatchMetricAlarm> = {
      errors: alarm(
        "errors",
        "The key-age dispatcher failed: no account was queued for scanning",
        "AWS/Lambda",
        "Errors",
        { FunctionName: name },
        "Sum",
      ),
      "failed-runs": alarm(
        "failed-runs",
        "Failed dispatcher runs are waiting in the failure queue",
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        { QueueName: props.failedRunQueue.name },
        "Maximum",
      ),
    };
    if (props.staleAccountsMetric) {
      const metric = props.staleAccountsMetric;
      alarms["stale-accounts"] = alarm(
        "stale-accounts",
        "Accounts in scope have not been scanned successfully for longer than STALE_ACCOUNT_AFTER",
        metric.namespace,
        metric.metricName,
        { ...metric.dimensions },
        "Maximum",
      );
    }
    this.alarms = alarms;
  }
}
