import { CloudformationStackSetInstance } from "@cdktf/provider-aws/lib/cloudformation-stack-set-instance";
import { CloudwatchEventPermission } from "@cdktf/provider-aws/lib/cloudwatch-event-permission";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { synthStack, withEnvironment } from "./support/project-config";

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is walked without a schema
type Json = Record<string, any>;

const rules = (parsed: Json) =>
  Object.values((parsed.resource.aws_cloudwatch_event_rule ?? {}) as Json).map((rule: Json) => ({
    name: rule.name as string,
    provider: rule.provider as string | undefined,
  }));

describe("the AWS Health exposure event route", () => {
  it("outside us-east-1: a rule targets the function, and a forwarder brings the events from us-east-1", () => {
    const { parsed } = synthStack("monitor-dev");
    expect(rules(parsed)).toEqual(
      expect.arrayContaining([
        { name: "iam-key-age-monitor-dev-exposure", provider: undefined },
        { name: "iam-key-age-monitor-dev-exposure-forwarder", provider: "aws.health-events" },
      ]),
    );
    const providers = parsed.provider.aws as Json[];
    expect(providers).toContainEqual(expect.objectContaining({ alias: "health-events", region: "us-east-1" }));
    const forward = Object.values(parsed.resource.aws_cloudwatch_event_target as Json).find(
      (target: Json) => target.provider === "aws.health-events",
    );
    expect(forward.arn).toMatch(/^arn:\$\{.*\}:events:eu-west-1:\$\{.*\}:event-bus\/default$/);
  });

  it("in us-east-1 the rule alone does, and exposureEvents: false leaves both out", () => {
    const east = synthStack("monitor-dev", withEnvironment({ region: "us-east-1" })).parsed;
    expect(rules(east).map((rule) => rule.name)).toEqual(expect.arrayContaining(["iam-key-age-monitor-dev-exposure"]));
    expect(rules(east).map((rule) => rule.name)).not.toContain("iam-key-age-monitor-dev-exposure-forwarder");
    const off = synthStack("monitor-dev", withEnvironment({ exposureEvents: false })).parsed;
    expect(
      rules(off)
        .map((rule) => rule.name)
        .sort(),
    ).toEqual(["iam-key-age-monitor-dev", "iam-key-age-monitor-dev-heartbeat"]);
  });

  it("raises the exposed-keys alarm on the run's ExposedKeys metric", () => {
    const { json } = synthStack("monitor-dev");
    expect(json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: expect.stringMatching(/-exposed-keys$/),
      metric_name: "ExposedKeys",
      namespace: "IamKeyAgeMonitor",
    });
  });

  it("in organization mode targets the dispatcher, and the StackSet makes every member forward its events", () => {
    const org = synthStack("monitor-org");
    const rule = Object.values(org.parsed.resource.aws_cloudwatch_event_target as Json).find((target: Json) =>
      String(target.rule).includes("exposure-events"),
    );
    expect(rule.arn).toMatch(/aws_lambda_function\.organization_dispatcher/);
    expect(org.json).toHaveResourceWithProperties(CloudformationStackSetInstance, {
      stack_set_name: expect.stringContaining("exposure-forwarding-stack-set"),
      region: "us-east-1",
      deployment_targets: { organizational_unit_ids: ["r-a1b2"] },
    });
    expect(org.json).toHaveResourceWithProperties(CloudwatchEventPermission, {
      principal: "*",
      action: "events:PutEvents",
      condition: { key: "aws:PrincipalOrgID", type: "StringEquals", value: "o-a1b2c3d4e5" },
    });
    const stackSet = Object.values(org.parsed.resource.aws_cloudformation_stack_set as Json).find(
      (set: Json) => set.name === "key-age-exposure-forwarder",
    );
    expect(stackSet).toMatchObject({ permission_model: "SERVICE_MANAGED", auto_deployment: { enabled: true } });
    expect(String(stackSet.template_body)).toContain("AWS_RISK_CREDENTIALS_EXPOSED");
  });

  it("reads the organization's id from Organizations when the config does not give it", () => {
    const { parsed } = synthStack(
      "monitor-dev",
      withEnvironment({ organization: { memberRoleStackSet: { organizationalUnits: ["r-a1b2"] } } }),
    );
    expect(parsed.data.aws_organizations_organization).toBeDefined();
    const permission = Object.values(parsed.resource.aws_cloudwatch_event_permission as Json)[0];
    expect(permission.condition.value).toMatch(/^\$\{data\.aws_organizations_organization\.[\w-]+\.id\}$/);
  });
});
