import { Construct } from "constructs";
import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsOrganizationsOrganization } from "@cdktf/provider-aws/lib/data-aws-organizations-organization";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { HEALTH_GLOBAL_EVENTS_REGION } from "../handler/runtime/aws-contract";
import { ExposureEventForwarder } from "../modules/exposure-events/exposure-event-forwarder";
import { ExposureEventRule } from "../modules/exposure-events/exposure-event-rule";
import { ExposureForwardingStackSet } from "../modules/exposure-events/exposure-forwarding-stack-set";

/** What {@link exposureEventRoute} wires. */
export interface ExposureEventRouteProps {
  /** Prefix of the rules' and roles' names: the function's name. */
  readonly namePrefix: string;
  /** The function the events start: the key-age function, or organization mode's dispatcher. */
  readonly target: Pick<LambdaFunction, "functionName" | "arn">;
  /** The target's name as plain text. */
  readonly targetName: string;
  /** The region the monitor runs in. */
  readonly region: string;
  /** The stack provider's settings, for the provider of the Health events' region. */
  readonly provider: Pick<AwsProviderConfig, "assumeRole" | "defaultTags">;
  /** Organization mode with a StackSet: member accounts forward their events too. @default undefined */
  readonly members?: {
    /** The organization's id. @default read from Organizations at plan (`DescribeOrganization`) */
    readonly organizationId?: string;
    readonly organizationalUnits: readonly string[];
    readonly callAs?: "SELF" | "DELEGATED_ADMIN";
  };
}

/** The route's parts. */
export interface ExposureEventRoute {
  /** The rule that starts the run, in the monitor's region. */
  readonly rule: ExposureEventRule;
  /** The forwarder from us-east-1, when the monitor runs elsewhere. @default undefined */
  readonly forwarder?: ExposureEventForwarder;
  /** The member accounts' forwarders (organization mode). @default undefined */
  readonly members?: ExposureForwardingStackSet;
}

/**
 * AWS Health exposure events start a run at once: a rule in the monitor's region targets the function;
 * AWS Health delivers IAM's events in us-east-1 only, so when the monitor runs elsewhere a rule there
 * forwards them to the monitor region's default bus; in organization mode the members' own events come
 * to that bus through the forwarding StackSet.
 */
export function exposureEventRoute(scope: Construct, props: ExposureEventRouteProps): ExposureEventRoute {
  const rule = new ExposureEventRule(scope, "exposure-events", {
    ruleName: `${props.namePrefix}-exposure`,
    function: props.target,
    functionName: props.targetName,
  });
  const partition = new DataAwsPartition(scope, "exposure-partition").partition;
  const account = new DataAwsCallerIdentity(scope, "exposure-account").accountId;
  const monitorBusArn = `arn:${partition}:events:${props.region}:${account}:event-bus/default`;
  let forwarder: ExposureEventForwarder | undefined;
  if (props.region !== HEALTH_GLOBAL_EVENTS_REGION) {
    forwarder = new ExposureEventForwarder(scope, "exposure-forwarder", {
      ruleName: `${props.namePrefix}-exposure-forwarder`,
      provider: new AwsProvider(scope, "aws-health-events", {
        alias: "health-events",
        region: HEALTH_GLOBAL_EVENTS_REGION,
        ...props.provider,
      }),
      targetBusArn: monitorBusArn,
    });
  }
  const members = props.members
    ? new ExposureForwardingStackSet(scope, "exposure-forwarding-stack-set", {
        targetBusArn: monitorBusArn,
        // Any account of an organization may describe it: no new permission for the deployer.
        organizationId:
          props.members.organizationId ?? new DataAwsOrganizationsOrganization(scope, "exposure-organization").id,
        organizationalUnits: props.members.organizationalUnits,
        ...(props.members.callAs ? { callAs: props.members.callAs } : {}),
      })
    : undefined;
  return { rule, ...(forwarder ? { forwarder } : {}), ...(members ? { members } : {}) };
}
