import { exposureEventPattern } from "./exposure-event-pattern";

/** The name of the forwarding rule and of its role in each member account. */
export const EXPOSURE_FORWARDER_NAME = "key-age-exposure-forwarder";

/** Options of {@link exposureForwarderTemplate}. */
export interface ExposureForwarderTemplateOptions {
  /** The monitor's bus: the default event bus of the monitor account, in the monitor's region. */
  readonly targetBusArn: string;
  /** The rule's and the role's name. @default EXPOSURE_FORWARDER_NAME */
  readonly name?: string;
}

/**
 * The CloudFormation template a member account gets (through the StackSet, in us-east-1, where AWS
 * Health delivers IAM's events): a rule matching the account's AWS Health exposure events, forwarding
 * them to the monitor's bus, and the role EventBridge uses for that, allowed to put events on exactly
 * that bus. The forwarded event keeps its `account`, so the dispatcher knows which account to scan.
 */
export function exposureForwarderTemplate(options: ExposureForwarderTemplateOptions): Record<string, unknown> {
  const name = options.name ?? EXPOSURE_FORWARDER_NAME;
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "Forwards this account's AWS Health exposure events to the IAM access-key age monitor",
    Resources: {
      ForwarderRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: name,
          Description: "EventBridge forwards AWS Health exposure events to the key-age monitor",
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: "put-exposure-events",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [
                  {
                    Sid: "ForwardExposureEvents",
                    Effect: "Allow",
                    Action: "events:PutEvents",
                    Resource: options.targetBusArn,
                  },
                ],
              },
            },
          ],
        },
      },
      ForwardExposureEvents: {
        Type: "AWS::Events::Rule",
        Properties: {
          Name: name,
          Description: "Forwards AWS Health exposure events to the key-age monitor",
          EventPattern: exposureEventPattern(),
          State: "ENABLED",
          Targets: [
            { Id: "key-age-monitor", Arn: options.targetBusArn, RoleArn: { "Fn::GetAtt": ["ForwarderRole", "Arn"] } },
          ],
        },
      },
    },
  };
}
