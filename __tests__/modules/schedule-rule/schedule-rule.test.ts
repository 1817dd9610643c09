import { Testing } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { ScheduleRule, ScheduleRuleProps, inputWithEventId } from "../../../modules/schedule-rule/schedule-rule";

const FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:key-age";

function synth(props: Partial<ScheduleRuleProps> = {}): string {
  return Testing.synthScope((scope) => {
    new ScheduleRule(scope, "schedule", {
      ruleName: "key-age",
      function: { functionName: "key-age", arn: FUNCTION_ARN },
      functionName: "key-age",
      ...props,
    });
  });
}

describe("ScheduleRule", () => {
  test("runs every 10 minutes by default", () => {
    expect(synth()).toHaveResourceWithProperties(CloudwatchEventRule, {
      name: "key-age",
      schedule_expression: "rate(10 minutes)",
    });
  });

  test("takes another schedule", () => {
    expect(synth({ scheduleExpression: "cron(0 9 * * ? *)" })).toHaveResourceWithProperties(CloudwatchEventRule, {
      schedule_expression: "cron(0 9 * * ? *)",
    });
  });

  test("targets the function it was given", () => {
    expect(synth()).toHaveResourceWithProperties(CloudwatchEventTarget, { arn: FUNCTION_ARN });
    const target = Object.values(JSON.parse(synth()).resource.aws_cloudwatch_event_target)[0] as Record<
      string,
      unknown
    >;
    expect(target.input_transformer).toBeUndefined();
  });

  test("delivers a constant input plus the scheduled event's id and time", () => {
    expect(synth({ input: { kind: "heartbeat" } })).toHaveResourceWithProperties(CloudwatchEventTarget, {
      input_transformer: {
        input_paths: { id: "$.id", time: "$.time" },
        input_template: '{"kind":"heartbeat","id":<id>,"time":<time>}',
      },
    });
    // What EventBridge makes of it (placeholders become JSON strings) is what the handler parses.
    const template = inputWithEventId({ kind: "heartbeat" }).inputTemplate;
    expect(JSON.parse(template.replace("<id>", '"e-1"').replace("<time>", '"2025-06-01T09:00:00Z"'))).toEqual({
      kind: "heartbeat",
      id: "e-1",
      time: "2025-06-01T09:00:00Z",
    });
  });

  test("lets only this rule invoke the function", () => {
    const json = synth();
    const ruleId = Object.keys(JSON.parse(json).resource.aws_cloudwatch_event_rule)[0];
    expect(json).toHaveResourceWithProperties(LambdaPermission, {
      action: "lambda:InvokeFunction",
      function_name: "key-age",
      principal: "events.amazonaws.com",
      source_arn: `\${aws_cloudwatch_event_rule.${ruleId}.arn}`,
    });
  });
});
