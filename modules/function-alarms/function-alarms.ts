import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";

/** A custom metric to alarm on when it goes above zero. */
export interface CustomMetric {
  /** CloudWatch namespace. */
  readonly namespace: string;
  /** Metric name. */
  readonly metricName: string;
  /** Dimensions. @default {} */
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** Props of {@link FunctionAlarms}. */
export interface FunctionAlarmsProps {
  /**
   * Name of the function to watch, as plain text; it also names the topic, its key and the alarms.
   * Alarms need no function to exist: a reference to the function's name would only make Terraform
   * create all of them after it.
   */
  readonly functionName: string;
  /** The queue that keeps the function's failed runs. */
  readonly failedRunQueue: Pick<SqsQueue, "name">;
  /** Email address subscribed to the alarm topic (confirmed by the recipient). @default none */
  readonly email?: string;
  /** Also alarm when this metric (the run's count of critical keys) is above zero. @default no such alarm */
  readonly criticalKeysMetric?: CustomMetric;
  /** Also alarm when this metric (the run's engaged enforcement brake, 0 or 1) is above zero. @default no such alarm */
  readonly enforcementBrakeMetric?: CustomMetric;
  /**
   * Also alarm when this metric (the run's count of users left unchecked when its time budget ran
   * out) stays above zero for `uncheckedUsersPeriods` periods in a row. @default no such alarm
   */
  readonly uncheckedUsersMetric?: CustomMetric;
  /**
   * Also alarm when this metric (1 in a run whose Security Hub export failed in any part) reaches 1:
   * the digest still went out, but Security Hub is missing findings or archives. @default no such alarm
   */
  readonly securityHubExportFailedMetric?: CustomMetric;
  /** Periods in a row with unchecked users before that alarm fires. @default 3 */
  readonly uncheckedUsersPeriods?: number;
  /** Alarm period in seconds. @default 600 */
  readonly periodSeconds?: number;
}

/**
 * Tells people when the monitor itself is broken: alarms on the function's errors and throttles, on
 * failed deliveries to the failure destination and on failed runs waiting in it, all notifying an
 * encrypted SNS topic.
 */
export class FunctionAlarms extends Construct {
  /** The topic every alarm notifies. */
  public readonly topic: SnsTopic;
  /** The alarms, by name. */
  public readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;

  constructor(scope: Construct, id: string, props: FunctionAlarmsProps) {
    super(scope, id);
    const functionName = props.functionName;
    const partition = new DataAwsPartition(this, "partition").partition;
    const account = new DataAwsCallerIdentity(this, "account").accountId;
    const region = new DataAwsRegion(this, "region").name;

    // The AWS-managed SNS key cannot be used by CloudWatch, so the topic gets its own key.
    const key = new KmsKey(this, "topic-key", {
      description: `Encrypts the alarm topic of ${functionName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: new DataAwsIamPolicyDocument(this, "topic-key-policy", {
        statement: [
          {
            // The default key policy: the account's IAM policies decide who administers the key.
            sid: "DelegateToAccountIam",
            principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${account}:root`] }],
            actions: ["kms:*"],
            resources: ["*"],
          },
          {
            sid: "CloudWatchPublishesAlarms",
            principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
            actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
            resources: ["*"],
            // Only on behalf of this account's own alarms of this function (confused-deputy protection).
            condition: [
              { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
              {
                test: "ArnLike",
                variable: "aws:SourceArn",
                values: [`arn:${partition}:cloudwatch:${region}:${account}:alarm:${functionName}-*`],
              },
            ],
          },
        ],
      }).json,
    });

    this.topic = new SnsTopic(this, "topic", {
      name: `${functionName}-alarms`,
      kmsMasterKeyId: key.arn,
    });
    if (props.email !== undefined) {
      new SnsTopicSubscription(this, "email", { topicArn: this.topic.arn, protocol: "email", endpoint: props.email });
    }

    const period = props.periodSeconds ?? 600;
    const alarm = (name: string, description: string, metric: CustomMetric, statistic: string, periods = 1) =>
      new CloudwatchMetricAlarm(this, name, {
        alarmName: `${functionName}-${name}`,
        alarmDescription: description,
        namespace: metric.namespace,
        metricName: metric.metricName,
        dimensions: { ...metric.dimensions },
        statistic,
        period,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
      });
    const lambdaMetric = (metricName: string) => ({
      namespace: "AWS/Lambda",
      metricName,
      dimensions: { FunctionName: functionName },
    });

    const alarms: Record<string, CloudwatchMetricAlarm> = {
      errors: alarm("errors", "The key-age scan failed: keys may be going unchecked", lambdaMetric("Errors"), "Sum"),
      // With one run at a time, a heartbeat or a retry that meets a running scan is throttled and
      // retried by Lambda: only throttling that persists for three periods is a problem.
      throttles: alarm("throttles", "Key-age runs keep being throttled", lambdaMetric("Throttles"), "Sum", 3),
      "destination-failures": alarm(
        "destination-failures",
        "A failed key-age run could not be sent to its failure queue",
        lambdaMetric("DestinationDeliveryFailures"),
        "Sum",
      ),
      "failed-runs": alarm(
        "failed-runs",
        "Failed key-age runs are waiting in the failure queue",
        {
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: props.failedRunQueue.name },
        },
        "Maximum",
      ),
    };
    if (props.criticalKeysMetric !== undefined) {
      alarms["critical-keys"] = alarm(
        "critical-keys",
        "IAM access keys are past the critical age",
        props.criticalKeysMetric,
        "Maximum",
      );
    }
    if (props.enforcementBrakeMetric !== undefined) {
      alarms["enforcement-brake"] = alarm(
        "enforcement-brake",
        "Enforcement brake engaged: more keys are due for deactivation than allowed in one run, none was deactivated",
        props.enforcementBrakeMetric,
        "Maximum",
      );
    }
    if (props.uncheckedUsersMetric !== undefined) {
      // A single incomplete run already fails (the errors alarm); this one says the account keeps
      // outrunning the budget, so users go unchecked run after run and the cause needs fixing.
      alarms["unchecked-users"] = alarm(
        "unchecked-users",
        "Key-age runs keep running out of time before checking every user (IAM throttling?)",
        props.uncheckedUsersMetric,
        "Minimum",
        props.uncheckedUsersPeriods ?? 3,
      );
    }
    if (props.securityHubExportFailedMetric !== undefined) {
      alarms["security-hub-export"] = alarm(
        "security-hub-export",
        "The Security Hub export failed (not enabled, a missing permission, throttling): see the run's log; Slack was told",
        props.securityHubExportFailedMetric,
        "Maximum",
      );
    }
    this.alarms = alarms;
  }
}
