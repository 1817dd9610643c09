import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { EnvironmentSettings } from "../../stacks/environment-config";
import { configProblems, synthStack, withEnvironment } from "./support/project-config";

/** monitor-dev synthesized with these settings. */
const synthDev = (settings: Partial<EnvironmentSettings> = {}) => synthStack("monitor-dev", withEnvironment(settings));

describe("MonitorStack alert state and heartbeat", () => {
  test("creates the alert-state table by default and hands it to the function, which may use only that table", () => {
    const { json, parsed } = synthDev({ remindEvery: "12h" });
    expect(json).toHaveResourceWithProperties(DynamodbTable, {
      name: "iam-key-age-monitor-dev-account-state",
      hash_key: "accountId",
      range_key: "itemKey",
      billing_mode: "PAY_PER_REQUEST",
      server_side_encryption: { enabled: true },
      point_in_time_recovery: { enabled: true },
    });
    const tableId = Object.keys(parsed.resource.aws_dynamodb_table)[0];
    const fn = Object.values(parsed.resource.aws_lambda_function)[0] as {
      environment: { variables: Record<string, string> };
    };
    expect(fn.environment.variables).toMatchObject({
      ALERT_STATE_TABLE: `\${aws_dynamodb_table.${tableId}.name}`,
      LEGACY_ALERT_STATE_TABLE: "iam-key-age-monitor-dev-alert-state",
      REMIND_EVERY: "12h",
    });
    // The previous layout's table is forgotten by Terraform, never destroyed: its items are carried over.
    expect(parsed.removed).toEqual([
      { from: "aws_dynamodb_table.alert-state_table_D7024D25", lifecycle: { destroy: false } },
    ]);
    const statements = Object.values(
      parsed.data.aws_iam_policy_document as Record<
        string,
        { statement: { sid?: string; actions: string[]; resources: string[] }[] }
      >,
    )
      .flatMap((doc) => doc.statement)
      .filter((s) => s.actions.some((a) => a.startsWith("dynamodb:")));
    expect(statements).toEqual([
      expect.objectContaining({ sid: "ReadWriteAlertState", resources: [`\${aws_dynamodb_table.${tableId}.arn}`] }),
      expect.objectContaining({
        sid: "ReadPreviousAlertState",
        actions: ["dynamodb:Scan"],
        resources: [expect.stringMatching(/:table\/iam-key-age-monitor-dev-alert-state$/)],
      }),
    ]);
  });

  test("alertState: false keeps the stateless behaviour: no table, no variable, no DynamoDB access", () => {
    const { parsed } = synthDev({ alertState: false });
    expect(parsed.resource.aws_dynamodb_table).toBeUndefined();
    const fn = Object.values(parsed.resource.aws_lambda_function)[0] as {
      environment: { variables: Record<string, string> };
    };
    expect(fn.environment.variables.ALERT_STATE_TABLE).toBeUndefined();
    expect(JSON.stringify(parsed.data.aws_iam_policy_document)).not.toContain("dynamodb:");
  });

  test("adds a daily heartbeat rule that sends the heartbeat input with the event id", () => {
    const { json, parsed } = synthDev({ heartbeatSchedule: "cron(0 9 * * ? *)" });
    expect(json).toHaveResourceWithProperties(CloudwatchEventRule, {
      name: "iam-key-age-monitor-dev-heartbeat",
      schedule_expression: "cron(0 9 * * ? *)",
    });
    expect(json).toHaveResourceWithProperties(CloudwatchEventTarget, {
      input_transformer: {
        input_paths: { id: "$.id", time: "$.time" },
        input_template: '{"kind":"heartbeat","id":<id>,"time":<time>}',
      },
    });
    // The schedule, the heartbeat and the AWS Health exposure events each invoke the function.
    expect(Object.keys(parsed.resource.aws_lambda_permission)).toHaveLength(3);
    const none = synthDev({ heartbeatSchedule: undefined }).parsed;
    const rules = Object.values(none.resource.aws_cloudwatch_event_rule as Record<string, { name: string }>);
    expect(rules.map((rule) => rule.name).sort()).toEqual([
      "iam-key-age-monitor-dev",
      "iam-key-age-monitor-dev-exposure",
      "iam-key-age-monitor-dev-exposure-forwarder",
    ]);
  });
});

describe("validateConfig: alert state and heartbeat", () => {
  test.each([
    ["alertState", "yes"],
    ["remindEvery", "daily"],
    ["remindEvery", "0h"],
    ["heartbeatSchedule", "at 9"],
  ])("names the environment, the field %s and the bad value %j", (field, value) => {
    const found = configProblems(withEnvironment({ [field]: value }));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`environment "dev": field "${field}" has invalid value ${JSON.stringify(value)}`);
  });

  test("a reminder interval without alert state is pointed out", () => {
    expect(configProblems(withEnvironment({ alertState: false, remindEvery: "12h" }))).toEqual([
      'environment "dev": field "remindEvery" ("12h") has no effect with "alertState" false',
    ]);
  });
});
