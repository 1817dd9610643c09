import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { exposureEventPattern } from "./exposure-event-pattern";

/** Props of {@link ExposureEventForwarder}. */
export interface ExposureEventForwarderProps {
  /** Name of the forwarding rule, and of its role. */
  readonly ruleName: string;
  /** The provider of the region AWS Health delivers IAM's events to (`HEALTH_GLOBAL_EVENTS_REGION`). */
  readonly provider: TerraformProvider;
  /** The event bus to forward to: the default bus of the region the monitor runs in. */
  readonly targetBusArn: string;
}

/**
 * Forwards AWS Health's exposure events from the region they arrive in (us-east-1: IAM's events are
 * global) to the monitor's own region, where {@link ExposureEventRule} starts the run: a rule in that
 * region with the bus as its target, and a role that may put events on exactly that bus.
 */
export class ExposureEventForwarder extends Construct {
  /** The forwarding rule, in the Health events' region. */
  public readonly rule: CloudwatchEventRule;
  /** The role EventBridge uses to put the events on the target bus. */
  public readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ExposureEventForwarderProps) {
    super(scope, id);
    const account = new DataAwsCallerIdentity(this, "account").accountId;
    this.role = new IamRole(this, "role", {
      name: props.ruleName,
      description: "EventBridge forwards AWS Health exposure events to the key-age monitor's region",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sts:AssumeRole",
            // Only this account's rules may use the role (the confused-deputy guard).
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
        ],
      }),
    });
    new IamRolePolicy(this, "policy", {
      name: "put-exposure-events",
      role: this.role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "ForwardExposureEvents", Effect: "Allow", Action: "events:PutEvents", Resource: props.targetBusArn },
        ],
      }),
    });
    this.rule = new CloudwatchEventRule(this, "rule", {
      provider: props.provider,
      name: props.ruleName,
      description: "Forwards AWS Health exposure events to the key-age monitor's region",
      eventPattern: JSON.stringify(exposureEventPattern()),
    });
    new CloudwatchEventTarget(this, "target", {
      provider: props.provider,
      rule: this.rule.name,
      arn: props.targetBusArn,
      roleArn: this.role.arn,
    });
  }
}
