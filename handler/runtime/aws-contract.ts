/**
 * What the handler needs from AWS, declared once: the edges call exactly these actions and use this
 * table layout, and the infrastructure modules build the role's policy and the table from them.
 * Pure constants, so synth does not load the AWS SDK.
 */

/** IAM actions that take only `Resource: "*"` (IAM has no resource types for them). */
export const ACCOUNT_WIDE_IAM_ACTIONS = {
  /** The per-user API scan lists users. */
  listUsers: ["iam:ListUsers"],
  /**
   * The credential-report scan. `GetAccountAuthorizationDetails` lists every user with their tags in
   * a few pages; it could read all of the account's IAM (users, groups, roles, policy documents),
   * though the scan asks only for users.
   */
  credentialReport: ["iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:GetAccountAuthorizationDetails"],
  /**
   * Both strategies: whether the root user has an access key (`AccountAccessKeysPresent`), which no
   * user listing shows. It reads only the account's IAM entity counts and quotas.
   */
  accountSummary: ["iam:GetAccountSummary"],
} as const;

/**
 * IAM actions on individual users, scoped to `arn:…:user/*`. `ListAttachedUserPolicies` finds AWS's
 * quarantine policy on a user (an exposed key); `GetAccessKeyLastUsed` also tells the owner of a key
 * an AWS Health exposure event named.
 */
export const USER_SCOPED_IAM_ACTIONS = [
  "iam:GetUser",
  "iam:ListAccessKeys",
  "iam:GetAccessKeyLastUsed",
  "iam:ListUserTags",
  "iam:ListAttachedUserPolicies",
] as const;

/**
 * IAM actions of armed enforcement, on individual users (`arn:…:user/*`): granted only when
 * `ENFORCEMENT` is `armed`. Deactivation only; the monitor never deletes a key.
 */
export const ENFORCEMENT_IAM_ACTIONS = ["iam:UpdateAccessKey"] as const;

/** DynamoDB actions of the alert-state store, on its one table. */
export const ALERT_STATE_DYNAMODB_ACTIONS = ["dynamodb:Scan", "dynamodb:PutItem", "dynamodb:DeleteItem"] as const;

/**
 * DynamoDB actions of the Slack app's owner cache (owner-cache-store.ts), on the alert-state table:
 * the addresses a run needs, read by key, and the answers it learnt. Granted with the Slack app only.
 */
export const OWNER_CACHE_DYNAMODB_ACTIONS = [
  "dynamodb:BatchGetItem",
  "dynamodb:PutItem",
  "dynamodb:DeleteItem",
] as const;

/** The alert-state table's string hash key: one item per access key. */
export const ALERT_STATE_HASH_KEY = "accessKeyId";

/** The alert-state table's TTL attribute: epoch seconds, refreshed on every write. */
export const ALERT_STATE_TTL_ATTRIBUTE = "expiresAt";

/**
 * DynamoDB actions of the per-account scan records (organization mode's worker), on the alert-state
 * table: one item per account, read and written by key.
 */
export const ACCOUNT_SCAN_DYNAMODB_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem"] as const;

/** DynamoDB actions of the dispatcher: it reads the accounts' scan records to find stale accounts. */
export const STALE_ACCOUNTS_DYNAMODB_ACTIONS = ["dynamodb:BatchGetItem"] as const;

/** The hash-key prefix of a per-account scan record in the alert-state table; key ids never start with it. */
export const ACCOUNT_SCAN_KEY_PREFIX = "account#";

/**
 * Organizations actions of the worker when an account's tag may name its Slack channel
 * (`SLACK_CHANNEL_FROM_ACCOUNT_TAG`): the account's tags, on account resources only.
 */
export const ACCOUNT_TAG_ORGANIZATIONS_ACTIONS = ["organizations:ListTagsForResource"] as const;

/** The account tag that names the Slack channel of that account's messages. */
export const ACCOUNT_CHANNEL_TAG = "key-age:slack-channel";

/**
 * What `key-age usage` calls to say where a key is used, besides `iam:GetAccessKeyLastUsed` (one of
 * USER_SCOPED_IAM_ACTIONS, which names the key's user): CloudTrail's event history in each region,
 * and the account's regions. Neither has resource-level permissions (`Resource: "*"`). The function
 * needs the same grant once `KEY_USAGE=on` summarises usage in owner messages.
 */
export const KEY_USAGE_ACTIONS = ["cloudtrail:LookupEvents", "ec2:DescribeRegions"] as const;

/**
 * The AWS Health events that name an exposed access key (`detail.affectedEntities[].entityValue`): the
 * EventBridge rules' pattern and the handler's recognition of the event share these values.
 */
export const EXPOSURE_EVENT = {
  source: "aws.health",
  detailType: "AWS Health Event",
  service: "RISK",
  eventTypeCodes: [
    "AWS_RISK_CREDENTIALS_EXPOSED",
    "AWS_RISK_CREDENTIALS_EXPOSURE_SUSPECTED",
    "AWS_RISK_CREDENTIALS_COMPROMISED",
  ],
} as const;

/**
 * Where AWS Health delivers events that are not regional, IAM's among them: a rule in any other region
 * never sees them, so they are forwarded from here to the monitor's region.
 */
export const HEALTH_GLOBAL_EVENTS_REGION = "us-east-1";
