import { Testing } from "cdktf";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { FunctionAlarms, FunctionAlarmsProps } from "../../../modules/function-alarms/function-alarms";

function synth(props: Partial<FunctionAlarmsProps> = {}) {
  const json = Testing.synthScope((scope) => {
    new FunctionAlarms(scope, "alarms", {
      functionName: "key-age",
      failedRunQueue: { name: "key-age-failed-runs" },
      ...props,
    });
  });
  return { json, parsed: JSON.parse(json) };
}

describe("FunctionAlarms", () => {
  test("alarms on errors, throttles, destination failures and queued failed runs", () => {
    const { json, parsed } = synth();
    const names = Object.values(
      parsed.resource.aws_cloudwatch_metric_alarm as Record<string, { alarm_name: string }>,
    ).map((a) => a.alarm_name);
    expect(names.sort()).toEqual([
      "key-age-destination-failures",
      "key-age-errors",
      "key-age-failed-runs",
      "key-age-throttles",
    ]);
    for (const metric of ["Errors", "Throttles", "DestinationDeliveryFailures"]) {
      expect(json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
        namespace: "AWS/Lambda",
        metric_name: metric,
        dimensions: { FunctionName: "key-age" },
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
      });
    }
    expect(json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "key-age-failed-runs" },
    });
  });

  test("throttling alarms only when it persists: a throttled scheduled run is retried by Lambda", () => {
    expect(synth().json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: "Throttles",
      evaluation_periods: 3,
      datapoints_to_alarm: 3,
    });
    expect(synth().json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: "Errors",
      evaluation_periods: 1,
    });
  });

  test("every alarm notifies the topic, which is encrypted with a rotating key CloudWatch may use", () => {
    const { json, parsed } = synth();
    const topicId = Object.keys(parsed.resource.aws_sns_topic)[0];
    for (const alarm of Object.values(parsed.resource.aws_cloudwatch_metric_alarm) as { alarm_actions: string[] }[]) {
      expect(alarm.alarm_actions).toEqual([`\${aws_sns_topic.${topicId}.arn}`]);
    }
    expect(
      (Object.values(parsed.resource.aws_sns_topic)[0] as { kms_master_key_id: string }).kms_master_key_id,
    ).toMatch(/aws_kms_key\..+\.arn/);
    expect(json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    expect(JSON.stringify(parsed.data.aws_iam_policy_document)).toContain("cloudwatch.amazonaws.com");
  });

  test("CloudWatch may use the topic's key only for this account's alarms of this function", () => {
    const { parsed } = synth();
    const documents = Object.values(parsed.data.aws_iam_policy_document) as {
      statement: { sid: string; condition?: { test: string; variable: string; values: string[] }[] }[];
    }[];
    const statement = documents.flatMap((doc) => doc.statement).find((s) => s.sid === "CloudWatchPublishesAlarms");
    expect(statement?.condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: [expect.stringMatching(/caller_identity/)] },
      {
        test: "ArnLike",
        variable: "aws:SourceArn",
        values: [
          expect.stringMatching(
            /^arn:\$\{data\.aws_partition\..+\}:cloudwatch:\$\{data\.aws_region\..+\}:\$\{data\.aws_caller_identity\..+\}:alarm:key-age-\*$/,
          ),
        ],
      },
    ]);
  });

  test("subscribes an email address only when one is given", () => {
    expect(synth().json).not.toHaveResource(SnsTopicSubscription);
    expect(synth({ email: "ops@example.com" }).json).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: "email",
      endpoint: "ops@example.com",
    });
  });

  test("the critical-keys alarm is off unless a metric is given", () => {
    expect(JSON.stringify(synth().parsed)).not.toContain("critical-keys");
    const { json } = synth({
      criticalKeysMetric: {
        namespace: "IamKeyAgeMonitor",
        metricName: "CriticalKeys",
        dimensions: { Environment: "dev" },
      },
    });
    expect(json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "key-age-critical-keys",
      namespace: "IamKeyAgeMonitor",
      metric_name: "CriticalKeys",
      dimensions: { Environment: "dev" },
    });
  });

  test("the unchecked-users alarm fires only when runs keep stopping on their time budget", () => {
    expect(JSON.stringify(synth().parsed)).not.toContain("unchecked-users");
    const { json } = synth({
      uncheckedUsersMetric: {
        namespace: "IamKeyAgeMonitor",
        metricName: "UncheckedUsers",
        dimensions: { Environment: "dev" },
      },
    });
    expect(json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "key-age-unchecked-users",
      metric_name: "UncheckedUsers",
      statistic: "Minimum",
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      evaluation_periods: 3,
      datapoints_to_alarm: 3,
      treat_missing_data: "notBreaching",
    });
  });

  test("the Security Hub alarm fires on the first failed export, only when a metric is given", () => {
    expect(JSON.stringify(synth().parsed)).not.toContain("security-hub-export");
    const { json } = synth({
      securityHubExportFailedMetric: {
        namespace: "IamKeyAgeMonitor",
        metricName: "SecurityHubExportFailed",
        dimensions: { Environment: "dev" },
      },
    });
    expect(json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "key-age-security-hub-export",
      metric_name: "SecurityHubExportFailed",
      statistic: "Maximum",
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      evaluation_periods: 1,
      treat_missing_data: "notBreaching",
    });
  });
});
