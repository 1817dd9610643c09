import { Construct } from "constructs";
import { AssetType, Fn, TerraformAsset } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import {
  ACCOUNT_WIDE_IAM_ACTIONS,
  ALERT_STATE_DYNAMODB_ACTIONS,
  OWNER_CACHE_DYNAMODB_ACTIONS,
  ENFORCEMENT_IAM_ACTIONS,
  KEY_USAGE_ACTIONS,
  LEGACY_ALERT_STATE_DYNAMODB_ACTIONS,
  USER_SCOPED_IAM_ACTIONS,
} from "../../handler/runtime/aws-contract";
import { securityHubStatements } from "../../handler/security-hub/security-hub-contract";
import { bundledHandlerDir } from "./bundled-handler-dir";

/**
 * The function's memory, in MB. The bench measures one worker invocation's peak memory at 5,000 users
 * against it (README, performance).
 */
export const DEFAULT_MEMORY_MB = 256;

/** Props of {@link KeyAgeFunction}. */
export interface KeyAgeFunctionProps {
  /** Name of the Lambda function; also names its role and log group. */
  readonly functionName: string;
  /** Environment variables of the function (see the handler's environment contract). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Name of the SSM SecureString parameter holding the Slack webhook URL. The function may read
   * exactly this parameter and nothing else in SSM. @default no SSM access
   */
  readonly slackWebhookParameterName?: string;
  /**
   * ARN of the customer-managed KMS key that encrypts the webhook parameter. Not needed for the
   * default `aws/ssm` key. @default no KMS access
   */
  readonly slackWebhookKmsKeyArn?: string;
  /**
   * Name of the SSM SecureString parameter holding the Slack app's bot token, the alternative to the
   * webhook. The function may read exactly this parameter. @default no access
   */
  readonly slackBotTokenParameterName?: string;
  /** ARN of the customer-managed KMS key that encrypts the bot-token parameter. @default no KMS access */
  readonly slackBotTokenKmsKeyArn?: string;
  /**
   * The alert-state table (`ALERT_STATE_TABLE`). The function may query it and put and delete items in
   * exactly this table. @default no DynamoDB access
   */
  readonly alertStateTable?: Pick<DynamodbTable, "arn">;
  /**
   * The name of the previous layout's table (`LEGACY_ALERT_STATE_TABLE`), which the function may only
   * scan, to carry each account's items over once. @default no access
   */
  readonly legacyAlertStateTableName?: string;
  /**
   * Whether the function may use the IAM credential report (`SCAN_STRATEGY` `credential-report`, or
   * `auto` with thresholds above the report's staleness). Those actions take only `Resource: "*"`, so
   * they are left out when the scan can never use them. @default true
   */
  readonly readCredentialReport?: boolean;
  /**
   * Whether the function may deactivate users' access keys (`iam:UpdateAccessKey` on `user/*`):
   * only for `ENFORCEMENT=armed`. @default false
   */
  readonly deactivateKeys?: boolean;
  /**
   * Whether the function scans the account it runs in (the IAM reads on its own role). Organization
   * mode's dispatcher and worker do not: the worker reads IAM through each account's member role.
   * @default true
   */
  readonly scanOwnAccount?: boolean;
  /**
   * Whether the function imports Security Hub findings into its own account (`SECURITY_HUB=on` in
   * single-account mode): `securityhub:BatchImportFindings` on the account's default product and
   * `securityhub:GetFindings` on its hub, in the function's region. @default false
   */
  readonly importSecurityHubFindings?: boolean;
  /**
   * Whether the function reads CloudTrail's event history to summarise where a key is used
   * (`KEY_USAGE=on`, single-account mode): KEY_USAGE_ACTIONS, which have no resource types. @default false
   */
  readonly lookupKeyUsage?: boolean;
  /** The bundle's export to run: `index.handler`, `index.dispatcher` or `index.worker`. @default "index.handler" */
  readonly handler?: string;
  /** The function's description. @default "Alerts Slack about IAM access keys that are too old or unused" */
  readonly description?: string;
  /** Timeout in seconds. @default 300 */
  readonly timeoutSeconds?: number;
  /** Memory in MB. @default DEFAULT_MEMORY_MB (256) */
  readonly memorySize?: number;
  /** Reserved concurrency; 1 keeps scheduled runs from ever overlapping. @default 1 */
  readonly reservedConcurrency?: number;
  /** Retention of the function's log group, in days: a year, as CKV_AWS_338 asks of audit-relevant logs. @default 365 */
  readonly logRetentionDays?: number;
}

/**
 * The key-age Lambda (the original's Lambda module): the esbuild bundle of `handler/`, an arm64
 * `nodejs22.x` function, its log group with retention, and a role allowed only the IAM reads the
 * scan makes.
 */
export class KeyAgeFunction extends Construct {
  /**
   * The function's name as plain text (`functionName` as given). Name other resources after the
   * function with this: `function.functionName` is a reference, and Terraform would create anything
   * named from it only once the function exists (Lambda's create wait), one resource after another.
   */
  public readonly name: string;
  /** The Lambda function resource. */
  public readonly function: LambdaFunction;
  /** The function's execution role. */
  public readonly role: IamRole;
  /** The function's log group, `/aws/lambda/<name>`. */
  public readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: KeyAgeFunctionProps) {
    super(scope, id);
    this.name = props.functionName;
    const partition = new DataAwsPartition(this, "partition").partition;
    const account = new DataAwsCallerIdentity(this, "account").accountId;
    const region = new DataAwsRegion(this, "region").name;

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays ?? 365,
    });

    const assumeRole = new DataAwsIamPolicyDocument(this, "assume-role", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
        },
      ],
    });

    this.role = new IamRole(this, "role", {
      name: props.functionName,
      assumeRolePolicy: assumeRole.json,
    });

    const userArns = `arn:${partition}:iam::${account}:user/*`;
    const scanOwnAccount = props.scanOwnAccount ?? true;
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      {
        sid: "WriteOwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${this.logGroup.arn}:*`],
      },
    ];
    if (scanOwnAccount) {
      statements.push(
        {
          // IAM has no resource types for these actions: "*" is the only resource they accept.
          sid: "ListUsers",
          actions: [...ACCOUNT_WIDE_IAM_ACTIONS.listUsers],
          resources: ["*"],
        },
        {
          // Whether the root user has an access key: no resource types either, so "*".
          sid: "DetectRootAccessKey",
          actions: [...ACCOUNT_WIDE_IAM_ACTIONS.accountSummary],
          resources: ["*"],
        },
        {
          sid: "ReadUserKeys",
          actions: [...USER_SCOPED_IAM_ACTIONS],
          resources: [userArns],
        },
      );
    }
    if (props.deactivateKeys === true) {
      statements.push({
        // Armed enforcement: deactivation only (the contract has no delete), on IAM users only, so
        // the root user's keys are out of reach.
        sid: "DeactivateUserKeys",
        actions: [...ENFORCEMENT_IAM_ACTIONS],
        resources: [userArns],
      });
    }
    if (props.lookupKeyUsage === true) {
      statements.push({
        // KEY_USAGE=on: neither CloudTrail's LookupEvents nor EC2's DescribeRegions has resource
        // types, so "*" is the only resource they accept; granted only when the setting is on.
        sid: "LookupKeyUsage",
        actions: [...KEY_USAGE_ACTIONS],
        resources: ["*"],
      });
    }
    if (scanOwnAccount && (props.readCredentialReport ?? true)) {
      statements.push({
        // The credential-report scan: "*" only, as above. GetAccountAuthorizationDetails could read all
        // of the account's IAM metadata; the scan asks only for users and their tags.
        sid: "ReadCredentialReport",
        actions: [...ACCOUNT_WIDE_IAM_ACTIONS.credentialReport],
        resources: ["*"],
      });
    }
    // One Slack secret or the other (the webhook URL, or the app's bot token): read exactly that
    // parameter, and decrypt with its customer-managed key only through SSM.
    const secrets = [
      { name: "SlackWebhook", parameter: props.slackWebhookParameterName, kmsKeyArn: props.slackWebhookKmsKeyArn },
      { name: "SlackBotToken", parameter: props.slackBotTokenParameterName, kmsKeyArn: props.slackBotTokenKmsKeyArn },
    ];
    for (const secret of secrets) {
      if (secret.parameter !== undefined) {
        statements.push({
          sid: `Read${secret.name}`,
          actions: ["ssm:GetParameter"],
          resources: [`arn:${partition}:ssm:${region}:${account}:parameter/${secret.parameter.replace(/^\//, "")}`],
        });
      }
      if (secret.kmsKeyArn !== undefined) {
        statements.push({
          sid: `Decrypt${secret.name}`,
          actions: ["kms:Decrypt"],
          resources: [secret.kmsKeyArn],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`ssm.${region}.amazonaws.com`] }],
        });
      }
    }
    // The Security Hub export: the account's own product and hub only, never "*".
    for (const statement of securityHubStatements(props.importSecurityHubFindings === true, {
      partition,
      region,
      account,
    })) {
      statements.push({ sid: statement.sid, actions: [...statement.actions], resources: [...statement.resources] });
    }
    if (props.alertStateTable !== undefined) {
      statements.push({
        sid: "ReadWriteAlertState",
        actions: [...ALERT_STATE_DYNAMODB_ACTIONS],
        resources: [props.alertStateTable.arn],
      });
      // The Slack app remembers owners' member ids in the same table (BatchGetItem by address).
      if (props.slackBotTokenParameterName !== undefined) {
        statements.push({
          sid: "ReadWriteSlackOwnerCache",
          actions: [...OWNER_CACHE_DYNAMODB_ACTIONS],
          resources: [props.alertStateTable.arn],
        });
      }
    }
    if (props.alertStateTable !== undefined && props.legacyAlertStateTableName !== undefined) {
      statements.push({
        // Read once per account, to carry the previous layout's items over; never written.
        sid: "ReadPreviousAlertState",
        actions: [...LEGACY_ALERT_STATE_DYNAMODB_ACTIONS],
        resources: [`arn:${partition}:dynamodb:${region}:${account}:table/${props.legacyAlertStateTableName}`],
      });
    }

    new IamRolePolicy(this, "policy", {
      name: "key-age-scan",
      role: this.role.id,
      policy: new DataAwsIamPolicyDocument(this, "policy-document", { statement: statements }).json,
    });

    const code = new TerraformAsset(this, "code", { path: bundledHandlerDir(), type: AssetType.ARCHIVE });

    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: props.description ?? "Alerts Slack about IAM access keys that are too old or unused",
      role: this.role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: props.handler ?? "index.handler",
      filename: code.path,
      sourceCodeHash: Fn.filebase64sha256(code.path),
      timeout: props.timeoutSeconds ?? 300,
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      reservedConcurrentExecutions: props.reservedConcurrency ?? 1,
      environment: { variables: { ...props.environment } },
      dependsOn: [this.logGroup],
    });
  }
}
