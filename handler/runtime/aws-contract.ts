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

/**
 * DynamoDB actions of a run on the state table: one account's items (every kind) in one `Query` of
 * its partition, then item by item `PutItem` and `DeleteItem`; the account's lease is a `PutItem` and
 * a `DeleteItem` with a condition, which needs no further action.
 */
export const ALERT_STATE_DYNAMODB_ACTIONS = ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem"] as const;

/**
 * DynamoDB actions of the Slack app's owner cache (owner-cache-store.ts), on the state table (its own
 * partition, OWNER_CACHE_PARTITION): the addresses a run needs, read by key, and the answers it
 * learnt. Granted with the Slack app only.
 */
export const OWNER_CACHE_DYNAMODB_ACTIONS = [
  "dynamodb:BatchGetItem",
  "dynamodb:PutItem",
  "dynamodb:DeleteItem",
] as const;

/** The state table's partition key (string): the account whose items these are (see handler/alerts/state-keys.ts). */
export const ALERT_STATE_PARTITION_KEY = "accountId";

/** The state table's sort key (string): the item's kind as a prefix, then its id (`key#AKIA…`). */
export const ALERT_STATE_SORT_KEY = "itemKey";

/** The state table's TTL attribute: epoch seconds, refreshed on every write. */
export const ALERT_STATE_TTL_ATTRIBUTE = "expiresAt";

/**
 * DynamoDB actions on the table of the previous layout (one hash key, `accessKeyId`, every account
 * in one key space): each account's first run reads its items once with a `Scan` and carries them
 * into its partition of the state table.
 */
export const LEGACY_ALERT_STATE_DYNAMODB_ACTIONS = ["dynamodb:Scan"] as const;

/** The hash key of the previous layout's table. */
export const LEGACY_ALERT_STATE_HASH_KEY = "accessKeyId";

/**
 * DynamoDB actions of the dispatcher on the state table: the accounts' scan records by key (stale
 * accounts, messages still in flight), and its own items in the organization's partition (which
 * accounts it queued when), which the policy confines to that partition.
 */
export const DISPATCH_DYNAMODB_ACTIONS = {
  scanRecords: ["dynamodb:BatchGetItem"],
  ownItems: ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem"],
} as const;

/** The partition of the state table that holds the dispatcher's items; no account id looks like it. */
export const ORGANIZATION_PARTITION = "#organization";

/**
 * The state table's partition of the Slack app's owner cache (owner-cache-store.ts): one item per
 * address, sort key `slack-owner#<email>`; no account's run reads it.
 */
export const OWNER_CACHE_PARTITION = "#slack-owners";

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
