import { Construct } from "constructs";
import { Fn } from "cdktf";
import { CloudformationStackSet } from "@cdktf/provider-aws/lib/cloudformation-stack-set";
import { CloudformationStackSetInstance } from "@cdktf/provider-aws/lib/cloudformation-stack-set-instance";
import { CloudwatchEventPermission } from "@cdktf/provider-aws/lib/cloudwatch-event-permission";
import { HEALTH_GLOBAL_EVENTS_REGION } from "../../handler/runtime/aws-contract";
import { EXPOSURE_FORWARDER_NAME, exposureForwarderTemplate } from "./exposure-forwarder-template";

/** Props of {@link ExposureForwardingStackSet}. */
export interface ExposureForwardingStackSetProps {
  /** The monitor's bus the members forward to: the default bus of the monitor account, in its region. */
  readonly targetBusArn: string;
  /** The organization: only its accounts may put events on the monitor's bus (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
  /** OU or root ids (`r-…` for the whole organization) whose accounts forward their events. */
  readonly organizationalUnits: readonly string[];
  /** `SELF` (management account) or `DELEGATED_ADMIN`. @default "SELF" */
  readonly callAs?: "SELF" | "DELEGATED_ADMIN";
  /** The StackSet's name, also the rule's and the role's in each account. @default EXPOSURE_FORWARDER_NAME */
  readonly stackSetName?: string;
}

/**
 * Organization mode's route for AWS Health exposure events, which arrive in each member account's own
 * us-east-1 default bus: a service-managed, auto-deploying StackSet gives every account under the OUs
 * a rule forwarding them to the monitor's bus, and the monitor's bus admits events from the
 * organization's accounts only. There, the exposure rule starts the dispatcher, which queues the
 * event's account alone.
 */
export class ExposureForwardingStackSet extends Construct {
  public readonly stackSet: CloudformationStackSet;
  public readonly instances: CloudformationStackSetInstance;
  /** The statement on the monitor's bus that lets the organization's accounts put events on it. */
  public readonly busPermission: CloudwatchEventPermission;

  constructor(scope: Construct, id: string, props: ExposureForwardingStackSetProps) {
    super(scope, id);
    const callAs = props.callAs ?? "SELF";
    const name = props.stackSetName ?? EXPOSURE_FORWARDER_NAME;
    this.busPermission = new CloudwatchEventPermission(this, "bus-permission", {
      statementId: name,
      principal: "*",
      action: "events:PutEvents",
      condition: { key: "aws:PrincipalOrgID", type: "StringEquals", value: props.organizationId },
    });
    this.stackSet = new CloudformationStackSet(this, "stack-set", {
      name,
      description: "Forwards each member account's AWS Health exposure events to the IAM access-key age monitor",
      permissionModel: "SERVICE_MANAGED",
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ["CAPABILITY_NAMED_IAM"],
      callAs,
      managedExecution: { active: true },
      operationPreferences: {
        failureTolerancePercentage: 10,
        maxConcurrentPercentage: 25,
        regionConcurrencyType: "PARALLEL",
      },
      // The bus ARN holds the monitor account's id, known at apply: the template is rendered there.
      templateBody: Fn.jsonencode(exposureForwarderTemplate({ targetBusArn: props.targetBusArn, name })),
      lifecycle: { ignoreChanges: ["administration_role_arn"] },
    });
    this.instances = new CloudformationStackSetInstance(this, "instances", {
      stackSetName: this.stackSet.name,
      callAs,
      // AWS Health delivers IAM's events (global ones) here, whatever region the monitor runs in.
      region: HEALTH_GLOBAL_EVENTS_REGION,
      deploymentTargets: { organizationalUnitIds: [...props.organizationalUnits] },
    });
  }
}
