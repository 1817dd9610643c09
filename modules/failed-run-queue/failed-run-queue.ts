import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";

/** Props of {@link FailedRunQueue}. */
export interface FailedRunQueueProps {
  /** Function whose asynchronous (scheduled) invocations this configures. */
  readonly function: Pick<LambdaFunction, "functionName">;
  /**
   * The function's name as plain text; the queue is `<functionName>-failed-runs`. Not taken from
   * `function.functionName`: that reference would make Terraform wait for the function before it
   * starts creating the queue (SQS's own create wait), where the two can be created side by side.
   */
  readonly functionName: string;
  /** The function's execution role, which must be allowed to send to the queue. */
  readonly role: Pick<IamRole, "name">;
  /** How long a scheduled event may wait for a run; keep it shorter than the schedule period. @default 300 */
  readonly maximumEventAgeSeconds?: number;
  /** Retries of a failed run before its event goes to the queue (0–2). @default 2 */
  readonly maximumRetryAttempts?: number;
  /** How long failed events stay in the queue, in seconds. @default 1209600 (14 days, the maximum) */
  readonly messageRetentionSeconds?: number;
}

/**
 * The failure path of scheduled runs: bounded event age and explicit retries, then the event goes
 * to an encrypted SQS queue, so a failed run is kept for inspection instead of being lost.
 */
export class FailedRunQueue extends Construct {
  /** The on-failure destination. */
  public readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: FailedRunQueueProps) {
    super(scope, id);
    this.queue = new SqsQueue(this, "queue", {
      name: `${props.functionName}-failed-runs`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: props.messageRetentionSeconds ?? 1_209_600,
    });

    const sendPolicy = new IamRolePolicy(this, "send-policy", {
      name: "send-failed-runs",
      role: props.role.name,
      policy: new DataAwsIamPolicyDocument(this, "send-policy-document", {
        statement: [{ sid: "SendFailedRuns", actions: ["sqs:SendMessage"], resources: [this.queue.arn] }],
      }).json,
    });

    new LambdaFunctionEventInvokeConfig(this, "invoke-config", {
      // The reference: the invoke config needs the function to exist.
      functionName: props.function.functionName,
      maximumEventAgeInSeconds: props.maximumEventAgeSeconds ?? 300,
      maximumRetryAttempts: props.maximumRetryAttempts ?? 2,
      destinationConfig: { onFailure: { destination: this.queue.arn } },
      // Lambda checks that the role may send to the destination when the config is created.
      dependsOn: [sendPolicy],
    });
  }
}
