import { Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { parseRunTrigger } from "../../../handler/runtime/run-trigger";
import { exposureEventPattern } from "../../../modules/exposure-events/exposure-event-pattern";
import { ExposureEventForwarder } from "../../../modules/exposure-events/exposure-event-forwarder";
import { ExposureEventRule } from "../../../modules/exposure-events/exposure-event-rule";
import { exposureForwarderTemplate } from "../../../modules/exposure-events/exposure-forwarder-template";

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is walked without a schema
type Json = Record<string, any>;

const FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:key-age";
const BUS = "arn:aws:events:eu-west-1:123456789012:event-bus/default";
const PATTERN = {
  source: ["aws.health"],
  "detail-type": ["AWS Health Event"],
  detail: {
    service: ["RISK"],
    eventTypeCode: [
      "AWS_RISK_CREDENTIALS_EXPOSED",
      "AWS_RISK_CREDENTIALS_EXPOSURE_SUSPECTED",
      "AWS_RISK_CREDENTIALS_COMPROMISED",
    ],
  },
};

describe("exposureEventPattern", () => {
  it("matches the three credential-exposure codes of AWS Health's RISK service, which the handler recognises", () => {
    expect(exposureEventPattern()).toEqual(PATTERN);
    for (const eventTypeCode of PATTERN.detail.eventTypeCode) {
      const event = {
        source: "aws.health",
        "detail-type": "AWS Health Event",
        detail: { service: "RISK", eventTypeCode, affectedEntities: [] },
      };
      expect(parseRunTrigger(event).exposure?.eventTypeCode).toBe(eventTypeCode);
    }
  });
});

describe("ExposureEventRule", () => {
  const json = Testing.synthScope((scope) => {
    new ExposureEventRule(scope, "exposure", {
      ruleName: "key-age-exposure",
      function: { functionName: "key-age", arn: FUNCTION_ARN },
      functionName: "key-age",
    });
  });

  it("runs the function for AWS Health exposure events, and only this rule may invoke it", () => {
    const rule = Object.values(JSON.parse(json).resource.aws_cloudwatch_event_rule as Json)[0];
    expect(rule.name).toBe("key-age-exposure");
    expect(JSON.parse(rule.event_pattern)).toEqual(PATTERN);
    expect(rule.schedule_expression).toBeUndefined();
    expect(json).toHaveResourceWithProperties(CloudwatchEventTarget, { arn: FUNCTION_ARN });
    expect(json).toHaveResourceWithProperties(LambdaPermission, {
      principal: "events.amazonaws.com",
      function_name: "key-age",
      source_arn: expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.[\w-]+\.arn\}$/),
    });
  });
});

describe("ExposureEventForwarder", () => {
  const json = Testing.synthScope((scope) => {
    const provider = new AwsProvider(scope, "health", { alias: "health-events", region: "us-east-1" });
    new ExposureEventForwarder(scope, "forwarder", { ruleName: "key-age-forwarder", provider, targetBusArn: BUS });
  });
  const parsed = JSON.parse(json);

  it("forwards from us-east-1, where AWS Health delivers IAM's events, to the monitor region's bus", () => {
    expect(json).toHaveResourceWithProperties(CloudwatchEventRule, {
      name: "key-age-forwarder",
      provider: "aws.health-events",
    });
    expect(json).toHaveResourceWithProperties(CloudwatchEventTarget, {
      provider: "aws.health-events",
      arn: BUS,
      role_arn: expect.stringMatching(/aws_iam_role\.[\w-]+\.arn/),
    });
  });

  it("uses a role EventBridge of this account alone may assume, allowed to put events on that bus only", () => {
    const role = Object.values(parsed.resource.aws_iam_role as Json)[0];
    const trust = JSON.parse(role.assume_role_policy);
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "events.amazonaws.com" },
        Condition: { StringEquals: { "aws:SourceAccount": expect.stringContaining("aws_caller_identity") } },
      }),
    ]);
    const policy = JSON.parse((Object.values(parsed.resource.aws_iam_role_policy as Json)[0] as Json).policy);
    expect(policy.Statement).toEqual([
      { Sid: "ForwardExposureEvents", Effect: "Allow", Action: "events:PutEvents", Resource: BUS },
    ]);
  });
});

describe("exposureForwarderTemplate", () => {
  it("gives each member account the same rule and a role scoped to the monitor's bus", () => {
    const template = exposureForwarderTemplate({ targetBusArn: BUS }) as Json;
    const rule = template.Resources.ForwardExposureEvents.Properties;
    expect(rule).toMatchObject({ Name: "key-age-exposure-forwarder", EventPattern: PATTERN, State: "ENABLED" });
    expect(rule.Targets).toEqual([
      { Id: "key-age-monitor", Arn: BUS, RoleArn: { "Fn::GetAtt": ["ForwarderRole", "Arn"] } },
    ]);
    const role = template.Resources.ForwarderRole.Properties;
    expect(role.Policies[0].PolicyDocument.Statement).toEqual([
      { Sid: "ForwardExposureEvents", Effect: "Allow", Action: "events:PutEvents", Resource: BUS },
    ]);
    expect(role.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
    });
  });
});
