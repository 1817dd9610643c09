import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import {
  ACCOUNT_TAG_ORGANIZATIONS_ACTIONS,
  DISPATCH_DYNAMODB_ACTIONS,
  ORGANIZATION_PARTITION,
} from "../../handler/runtime/aws-contract";
import { ORGANIZATION_VARIABLES } from "../../handler/organization/organization-config";
import { KeyAgeFunction, type KeyAgeFunctionProps } from "../key-age-function/key-age-function";

/** The dispatcher's listing of the whole organization: an action without resource types (`"*"` only). */
export const LIST_ACCOUNTS_ACTIONS = ["organizations:ListAccounts"] as const;

/** The dispatcher's listing under OUs: these take the OU and root resource types. */
export const LIST_UNDER_PARENT_ACTIONS = [
  "organizations:ListAccountsForParent",
  "organizations:ListOrganizationalUnitsForParent",
] as const;

/**
 * Account messages per worker invocation: the worker runs a batch's accounts side by side, each with
 * the invocation's whole time, so a batch costs the time of its slowest account (see the bench).
 */
export const DEFAULT_BATCH_SIZE = 5;

/**
 * The worker's memory in MB: a batch's accounts are in memory at once. `npm run bench` measured the
 * worst batch, five accounts of 5,000 users (IAM's quota of users per account) scanned side by side
 * with the credential report, at 286 MB (README, performance): over the single-account function's
 * 256 MB, within this with room to spare.
 */
export const WORKER_MEMORY_MB = 512;

/** Props of {@link OrganizationFanOut}. */
export interface OrganizationFanOutProps {
  /** The worker: the key-age function running `index.worker`. */
  readonly worker: {
    /**
     * Its name as plain text (KeyAgeFunction.name): it names the queues and the dispatcher, which are
     * then created side by side with the worker instead of after it.
     */
    readonly name: string;
    readonly function: Pick<LambdaFunction, "arn">;
    readonly role: Pick<IamRole, "name">;
  };
  /** The worker's timeout in seconds (sets the queue's visibility timeout). */
  readonly workerTimeoutSeconds: number;
  /** The member role the worker assumes in every account. */
  readonly memberRoleName: string;
  /** The dispatcher's environment: organization mode's variables (the queue URL is added here). */
  readonly dispatcherEnvironment: Readonly<Record<string, string>>;
  /**
   * How the dispatcher finds accounts: `organization` (ListAccounts), `units` (ListAccountsForParent
   * under OUs; excluded OUs need it too, with either), or `static` (no Organizations call).
   * @default { organization: true, units: false }
   */
  readonly listing?: { readonly organization: boolean; readonly units: boolean };
  /** Worker invocations at once (event source mapping maximum concurrency, 2–1000). @default 5 */
  readonly maxConcurrency?: number;
  /** Receives of a message before it is dead-lettered. @default 3 */
  readonly maxReceiveCount?: number;
  /** Account messages per worker invocation. @default DEFAULT_BATCH_SIZE */
  readonly batchSize?: number;
  /**
   * The alert-state table: the worker keeps a scan record in each account's partition (its own
   * function policy covers it), which the dispatcher reads to find stale accounts and messages still
   * in flight; the dispatcher keeps its own items in the organization's partition. @default none (stateless)
   */
  readonly alertStateTable?: Pick<DynamodbTable, "arn" | "name">;
  /**
   * Let the worker read account tags (`organizations:ListTagsForResource`), for the channel an
   * account's `key-age:slack-channel` tag names. @default false
   */
  readonly readAccountTags?: boolean;
  /**
   * Slack for the organization summary the dispatcher posts on the daily heartbeat: the handler's
   * Slack variables and the parameters the dispatcher may read. @default none (no heartbeat, no Slack access)
   */
  readonly summarySlack?: Pick<
    KeyAgeFunctionProps,
    | "environment"
    | "slackWebhookParameterName"
    | "slackWebhookKmsKeyArn"
    | "slackBotTokenParameterName"
    | "slackBotTokenKmsKeyArn"
  >;
  /** Retention of the dispatcher's logs, in days. @default 365 */
  readonly logRetentionDays?: number;
}

/**
 * The organization's fan-out: a dispatcher function (the bundle's `index.dispatcher`) that queues one
 * message per account on an encrypted queue, the event source mapping that feeds the worker with
 * bounded concurrency and partial batch responses, and the dead-letter queue behind it.
 */
export class OrganizationFanOut extends Construct {
  /** The dispatcher, run by the schedule. */
  public readonly dispatcher: KeyAgeFunction;
  /** One message per account to scan. */
  public readonly queue: SqsQueue;
  /** Account messages that failed `maxReceiveCount` times. */
  public readonly deadLetterQueue: SqsQueue;
  /** Feeds the worker from the queue. */
  public readonly mapping: LambdaEventSourceMapping;

  constructor(scope: Construct, id: string, props: OrganizationFanOutProps) {
    super(scope, id);
    const partition = new DataAwsPartition(this, "partition").partition;
    const workerName = props.worker.name;

    this.deadLetterQueue = new SqsQueue(this, "dead-letter-queue", {
      name: `${workerName}-accounts-dlq`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1_209_600,
    });
    this.queue = new SqsQueue(this, "queue", {
      name: `${workerName}-accounts`,
      sqsManagedSseEnabled: true,
      // AWS's advice for a Lambda event source: at least six times the function's timeout.
      visibilityTimeoutSeconds: Math.min(43_200, 6 * props.workerTimeoutSeconds),
      // An account not scanned within a day is stale news: the next scheduled run queues it again.
      messageRetentionSeconds: 86_400,
      redrivePolicy: JSON.stringify({
        deadLetterTargetArn: this.deadLetterQueue.arn,
        maxReceiveCount: props.maxReceiveCount ?? 3,
      }),
    });

    this.dispatcher = new KeyAgeFunction(this, "dispatcher", {
      functionName: `${workerName}-dispatcher`,
      description: "Queues one message per account in scope for the key-age worker",
      handler: "index.dispatcher",
      scanOwnAccount: false,
      readCredentialReport: false,
      ...(props.summarySlack ?? {}),
      environment: {
        ...props.summarySlack?.environment,
        ...props.dispatcherEnvironment,
        [ORGANIZATION_VARIABLES.accountQueueUrl]: this.queue.url,
        ...(props.alertStateTable ? { ALERT_STATE_TABLE: props.alertStateTable.name } : {}),
      },
      timeoutSeconds: 300,
      logRetentionDays: props.logRetentionDays,
    });
    new IamRolePolicy(this, "dispatcher-policy", {
      name: "key-age-dispatch",
      role: this.dispatcher.role.name,
      policy: new DataAwsIamPolicyDocument(this, "dispatcher-policy-document", {
        statement: [
          { sid: "QueueAccounts", actions: ["sqs:SendMessage"], resources: [this.queue.arn] },
          ...(props.alertStateTable
            ? [
                {
                  sid: "ReadAccountScans",
                  actions: [...DISPATCH_DYNAMODB_ACTIONS.scanRecords],
                  resources: [props.alertStateTable.arn],
                },
                {
                  // Which accounts it queued when: only the organization's partition, never an account's.
                  sid: "ReadWriteDispatchRecord",
                  actions: [...DISPATCH_DYNAMODB_ACTIONS.ownItems],
                  resources: [props.alertStateTable.arn],
                  condition: [
                    {
                      test: "ForAllValues:StringEquals",
                      variable: "dynamodb:LeadingKeys",
                      values: [ORGANIZATION_PARTITION],
                    },
                  ],
                },
              ]
            : []),
          ...((props.listing?.organization ?? true)
            ? [{ sid: "ListAccounts", actions: [...LIST_ACCOUNTS_ACTIONS], resources: ["*"] }]
            : []),
          ...(props.listing?.units
            ? [
                {
                  sid: "ListAccountsUnderUnits",
                  actions: [...LIST_UNDER_PARENT_ACTIONS],
                  resources: [
                    `arn:${partition}:organizations::*:ou/o-*/ou-*`,
                    `arn:${partition}:organizations::*:root/o-*/r-*`,
                  ],
                },
              ]
            : []),
        ],
      }).json,
    });

    const consume = new IamRolePolicy(this, "worker-policy", {
      name: "key-age-accounts",
      role: props.worker.role.name,
      policy: new DataAwsIamPolicyDocument(this, "worker-policy-document", {
        statement: [
          {
            sid: "ConsumeAccounts",
            actions: [
              "sqs:ReceiveMessage",
              "sqs:DeleteMessage",
              "sqs:GetQueueAttributes",
              "sqs:ChangeMessageVisibility",
            ],
            resources: [this.queue.arn],
          },
          {
            // The member role of any account, by name: which accounts is the dispatcher's decision.
            sid: "AssumeMemberRole",
            actions: ["sts:AssumeRole"],
            resources: [`arn:${partition}:iam::*:role/${props.memberRoleName}`],
          },
          ...(props.readAccountTags
            ? [
                {
                  // An account's key-age:slack-channel tag names its Slack channel; account resources only.
                  sid: "ReadAccountTags",
                  actions: [...ACCOUNT_TAG_ORGANIZATIONS_ACTIONS],
                  resources: [`arn:${partition}:organizations::*:account/o-*/*`],
                },
              ]
            : []),
        ],
      }).json,
    });

    this.mapping = new LambdaEventSourceMapping(this, "mapping", {
      eventSourceArn: this.queue.arn,
      functionName: props.worker.function.arn,
      batchSize: props.batchSize ?? DEFAULT_BATCH_SIZE,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: props.maxConcurrency ?? 5 },
      // Lambda checks the role may read the queue when the mapping is created.
      dependsOn: [consume],
    });
  }
}
