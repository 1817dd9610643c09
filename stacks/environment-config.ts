import type { MessageStyle } from "../handler/runtime/config/config";
import type { EnforcementMode, ExposedKeysAction } from "../handler/enforcement/enforcement-mode";
import type { ScanStrategy } from "../handler/scan/scan-strategy";
import type { OrganizationSettings } from "./organization-settings";

/** Where every monitor stack keeps its Terraform state (created by the `state-backend` stack). */
export interface StateBackendSettings {
  /** S3 bucket for state files (globally unique name). */
  readonly bucket: string;
  /** DynamoDB table for state locks. */
  readonly lockTable: string;
  /** Region of the bucket and the table. */
  readonly region: string;
  /** Role to assume when creating the backend. @default the caller's own credentials */
  readonly assumeRoleArn?: string;
  /** aws-vault profile that wraps `npm run bootstrap`. @default none */
  readonly awsVaultProfile?: string;
  /** Days a replaced or deleted state version is kept in the bucket (1–3650). @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** DynamoDB deletion protection on the lock table. @default true */
  readonly deletionProtection?: boolean;
}

/** Settings of one environment: one `monitor-<name>` stack. */
export interface EnvironmentSettings {
  /** AWS region the monitor runs in. */
  readonly region: string;
  /** Role the AWS provider assumes (the original assumed one through aws-vault). @default none */
  readonly assumeRoleArn?: string;
  /** aws-vault profile that wraps `cdktf diff|deploy|destroy` for this environment. @default none */
  readonly awsVaultProfile?: string;
  /** EventBridge schedule expression. @default "rate(10 minutes)" */
  readonly schedule?: string;
  /**
   * Name of the SSM SecureString that holds the Slack webhook URL. The operator creates it outside
   * Terraform, so the secret never enters state. Required unless `dryRun` is true.
   */
  readonly slackWebhookParameter?: string;
  /** Customer-managed KMS key of that parameter. @default the `aws/ssm` key */
  readonly slackWebhookKmsKeyArn?: string;
  /**
   * Name of the SSM SecureString that holds a Slack app's bot token (`SLACK_BOT_TOKEN_PARAMETER`), the
   * alternative to the webhook: posts with `chat.postMessage` to `slackChannel` and sends key owners
   * direct messages. Created outside Terraform, like the webhook. @default none
   */
  readonly slackBotTokenParameter?: string;
  /** Customer-managed KMS key of the bot-token parameter. @default the `aws/ssm` key */
  readonly slackBotTokenKmsKeyArn?: string;
  /** `SLACK_CHANNEL`: the digest's channel for the Slack app, an id (`C0123ABCD`) or a name. Required with the token. */
  readonly slackChannel?: string;
  /**
   * `SLACK_CHANNELS_BY_ACCOUNT`: with `organization` and the Slack app, the channel of each member
   * account's messages, by account id, such as `{ "111111111111": "#team-payments" }`. An account not
   * listed goes to `slackChannel`. @default {} (every account to `slackChannel`)
   */
  readonly slackChannelsByAccount?: Readonly<Record<string, string>>;
  /**
   * `SLACK_CHANNEL_FROM_ACCOUNT_TAG`: with `organization` and the Slack app, an account's
   * `key-age:slack-channel` tag (in Organizations) names its channel when `slackChannelsByAccount`
   * does not list it; grants the worker `organizations:ListTagsForResource`. @default false
   */
  readonly slackChannelFromAccountTag?: boolean;
  /** `SLACK_API_URL`: the Web API's base URL, for a corporate proxy. @default "https://slack.com/api/" */
  readonly slackApiUrl?: string;
  /**
   * `SLACK_RATE_LIMITS`: the Slack app's pace per Web API method, calls per minute, over Slack's
   * tiers, e.g. `{ "users.lookupByEmail": 100 }`. @default users.lookupByEmail 50, chat.postMessage 300
   */
  readonly slackRateLimits?: Readonly<Record<string, number>>;
  /** `SLACK_OWNER_CACHE_TTL`: how long an owner's Slack member id, found by email, is remembered. @default "7d" */
  readonly slackOwnerCacheTtl?: string;
  /** `WARNING_AGE`. @default "80d" */
  readonly warningAge?: string;
  /** `CRITICAL_AGE`. @default "90d" */
  readonly criticalAge?: string;
  /** `UNUSED_AGE`. @default "45d" */
  readonly unusedAge?: string;
  /** `WATCH_USERS`: only these IAM users are checked. @default all users */
  readonly watchUsers?: readonly string[];
  /** `MESSAGE_STYLE`. @default "digest" */
  readonly messageStyle?: MessageStyle;
  /** `DRY_RUN`: log the Slack payload instead of posting it. @default false */
  readonly dryRun?: boolean;
  /** Retention of the function's logs, in days. @default 365 */
  readonly logRetentionDays?: number;
  /** Email address that receives the monitor's own alarms (the recipient confirms it). @default none */
  readonly alarmEmail?: string;
  /** Also alarm when a run finds critical keys (in addition to the Slack alert). @default false */
  readonly alarmOnCriticalKeys?: boolean;
  /**
   * AWS Health exposure events start a run at once: an EventBridge rule targets the function (the
   * dispatcher in organization mode), a forwarder brings the events from us-east-1 when the monitor
   * runs elsewhere, and with `organization.memberRoleStackSet` every member account forwards its own.
   * @default true
   */
  readonly exposureEvents?: boolean;
  /**
   * Keep alert state in a DynamoDB table (`ALERT_STATE_TABLE`): post only new and worse keys,
   * reminders and resolutions instead of every flagged key on every run. @default true
   */
  readonly alertState?: boolean;
  /** `SCAN_STRATEGY`: "api", "credential-report" or "auto". @default "auto" */
  readonly scanStrategy?: ScanStrategy;
  /** `SCAN_CONCURRENCY`: IAM requests in flight at once (1–64). @default 12 */
  readonly scanConcurrency?: number;
  /** `REMIND_EVERY`: how often a key that stays bad is announced again (with `alertState`). @default "24h" */
  readonly remindEvery?: string;
  /**
   * `ENFORCEMENT`: `"off"`, `"dry-run"` (announce what would be deactivated) or `"armed"` (deactivate
   * keys; only then does the role get `iam:UpdateAccessKey`). Needs `deactivateAge` and `alertState`.
   * @default "off"
   */
  readonly enforcement?: EnforcementMode;
  /** `DEACTIVATE_AGE`: key age at which an active key is deactivated; at least `criticalAge`. @default none */
  readonly deactivateAge?: string;
  /**
   * `DEACTIVATION_NOTICE`: minimum time between the notice naming the date and the deactivation;
   * at least 24h when `enforcement` is `"armed"`, unless `sandbox` is true. @default "7d"
   */
  readonly deactivationNotice?: string;
  /**
   * `MAX_DEACTIVATIONS_PER_DAY`: at most this many keys are deactivated in any 24 hours (the rolling
   * brake, 1–1000). @default 5
   */
  readonly maxDeactivationsPerDay?: number;
  /** The old name of `maxDeactivationsPerDay` (`MAX_DEACTIVATIONS_PER_RUN`), still read; set only one. @deprecated */
  readonly maxDeactivationsPerRun?: number;
  /** `MAX_OWNERS_PER_KEY`: owners one `key-age:owner` tag may name (1–20); more is a tag problem. @default 5 */
  readonly maxOwnersPerKey?: number;
  /**
   * `EXPOSED_KEYS`: `"deactivate"` switches a key AWS reports as exposed off without the notice
   * period (armed; the brake still applies). @default "alert"
   */
  readonly exposedKeys?: ExposedKeysAction;
  /**
   * `MAX_TAG_AGE`: the highest age a `key-age:warning-age`, `critical-age` or `deactivate-age` tag
   * may set; a higher one is a tag problem and the default applies. @default "400d"
   */
  readonly maxTagAge?: string;
  /** `SANDBOX`: a throwaway environment (the demo), where an armed notice may be shorter than 24h. @default false */
  readonly sandbox?: boolean;
  /**
   * `MAX_EXEMPTION`: a `key-age:exempt-until` date further ahead than this is not honoured, so
   * whoever can tag a user cannot silence it forever. @default "365d"
   */
  readonly maxExemption?: string;
  /**
   * `SECURITY_HUB=on`: every run imports one Security Hub finding per flagged key into the account
   * that owns it (in organization mode through the member role) and archives the findings of resolved
   * keys. Grants `securityhub:BatchImportFindings` and `securityhub:GetFindings` on the account's own
   * product and hub only when true, and adds an alarm on failed exports. @default false
   */
  readonly securityHub?: boolean;
  /**
   * `KEY_USAGE=on`: owners' direct messages and deactivation notices carry a one-line summary of the
   * key's CloudTrail management events of the last 30 days, cached a day in the alert state. Grants
   * `cloudtrail:LookupEvents` and `ec2:DescribeRegions` only when true; needs `alertState`; not with
   * `organization`. @default false
   */
  readonly keyUsage?: boolean;
  /**
   * EventBridge schedule of the daily heartbeat, which posts "N keys checked, none need attention"
   * when nothing else is posted, e.g. "cron(0 9 * * ? *)" (09:00 UTC). In organization mode the
   * dispatcher posts one organization summary instead. @default none
   */
  readonly heartbeatSchedule?: string;
  /**
   * DynamoDB deletion protection on the environment's alert-state table: deleting it (`cdktf destroy`
   * included) fails until this is switched off and deployed. Switch it off for throwaway environments.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** Lock state with an S3 lock file as well as the DynamoDB table (`use_lockfile`). @default true */
  readonly s3NativeLocking?: boolean;
  /**
   * Organization mode: a dispatcher queues every account in scope and a worker scans each through its
   * member role. @default undefined: single-account mode, the account the stack is deployed in
   */
  readonly organization?: OrganizationSettings;
  /** Tags applied to every resource of the environment. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The whole deployment configuration: the shared state backend and the environments. */
export interface ProjectConfig {
  /** The shared remote-state backend. */
  readonly stateBackend: StateBackendSettings;
  /** One entry per environment; the key is the environment's name (`monitor-<name>`). */
  readonly environments: Readonly<Record<string, EnvironmentSettings>>;
}
