import { DURATION_FORMAT_HINT, parseDuration } from "../handler/core/duration";
import {
  CONFIG_DEFAULTS,
  MAX_DEACTIVATIONS_PER_RUN,
  MAX_SCAN_CONCURRENCY,
  MIN_DEACTIVATIONS_PER_RUN,
  MIN_SCAN_CONCURRENCY,
  isHttpUrl,
  isSlackChannel,
} from "../handler/core/config";
import { ENFORCEMENT_MODES, type EnforcementMode } from "../handler/core/enforcement-mode";
import { quoteSetting } from "../handler/core/mask";
import { SCAN_STRATEGIES, type ScanStrategy } from "../handler/core/scan-strategy";
import { EnvironmentSettings, ProjectConfig, StateBackendSettings } from "./environment-config";

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
// A key ARN, not an alias: IAM does not resolve an alias ARN in a policy's Resource to its key.
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/;
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const BUCKET = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TABLE = /^[A-Za-z0-9_.-]{3,255}$/;
const SSM_PARAMETER = /^\/?[A-Za-z0-9_.\-/]{1,1011}$/;
const IAM_USER = /^[\w+=,.@-]{1,64}$/;
const SCHEDULE = /^(rate\(1 (minute|hour|day)\)|rate\(([2-9]|[1-9]\d+) (minutes|hours|days)\)|cron\([^)]+\))$/;
// "a whole number and a unit m, h, d or w, such as …", worded to follow "expected".
const DURATION_SHAPE = DURATION_FORMAT_HINT.replace(/^expected /, "");
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PROFILE = /^[\w.+@-]+$/;
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

// Every field the config types know, checked at run time too: synth runs without type-checking, so a
// misspelt field ("warningage") would otherwise be ignored without a word.
const STATE_BACKEND_FIELDS = {
  bucket: true,
  lockTable: true,
  region: true,
  assumeRoleArn: true,
  awsVaultProfile: true,
  noncurrentVersionExpirationDays: true,
  deletionProtection: true,
} as const satisfies Record<keyof StateBackendSettings, true>;

const ENVIRONMENT_FIELDS = {
  region: true,
  assumeRoleArn: true,
  awsVaultProfile: true,
  schedule: true,
  slackWebhookParameter: true,
  slackWebhookKmsKeyArn: true,
  slackBotTokenParameter: true,
  slackBotTokenKmsKeyArn: true,
  slackChannel: true,
  slackApiUrl: true,
  warningAge: true,
  criticalAge: true,
  unusedAge: true,
  watchUsers: true,
  messageStyle: true,
  dryRun: true,
  logRetentionDays: true,
  alarmEmail: true,
  alarmOnCriticalKeys: true,
  alertState: true,
  scanStrategy: true,
  scanConcurrency: true,
  remindEvery: true,
  enforcement: true,
  deactivateAge: true,
  deactivationNotice: true,
  maxDeactivationsPerRun: true,
  heartbeatSchedule: true,
  s3NativeLocking: true,
  deletionProtection: true,
  tags: true,
} as const satisfies Record<keyof EnvironmentSettings, true>;

/** Raised when the deployment configuration has bad values; lists every one of them. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid deployment configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/**
 * Checks every field of the configuration and throws one {@link ConfigError} naming each bad value
 * (environment, field, value), so synth fails before Terraform ever sees a typo.
 */
export function validateConfig(config: ProjectConfig): ProjectConfig {
  const problems = [...stateBackendProblems(config.stateBackend)];
  const names = Object.keys(config.environments);
  if (names.length === 0) problems.push("environments: at least one environment is required");
  for (const name of names) problems.push(...environmentProblems(name, config.environments[name]));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function show(value: unknown): string {
  return typeof value === "string" ? quoteSetting(value) : (JSON.stringify(value) ?? String(value));
}

function check(problems: string[], where: string, field: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) problems.push(`${where}: field "${field}" has invalid value ${show(value)} (expected ${expected})`);
}

function durationMs(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  try {
    return parseDuration(value);
  } catch {
    return undefined;
  }
}

/** Names fields that no config type declares, with the closest known name when one differs only in case. */
function unknownFieldProblems(where: string, value: object, known: Readonly<Record<string, true>>): string[] {
  return Object.keys(value)
    .filter((field) => !Object.prototype.hasOwnProperty.call(known, field))
    .map((field) => {
      const near = Object.keys(known).find((name) => name.toLowerCase() === field.toLowerCase());
      return `${where}: unknown field ${show(field)}${near ? ` (did you mean "${near}"?)` : ""}`;
    });
}

function stateBackendProblems(backend: StateBackendSettings): string[] {
  const where = "stateBackend";
  const problems: string[] = unknownFieldProblems(where, backend, STATE_BACKEND_FIELDS);
  check(problems, where, "bucket", backend.bucket, BUCKET.test(backend.bucket ?? ""), "an S3 bucket name");
  check(problems, where, "lockTable", backend.lockTable, TABLE.test(backend.lockTable ?? ""), "a DynamoDB table name");
  check(
    problems,
    where,
    "region",
    backend.region,
    REGION.test(backend.region ?? ""),
    "an AWS region such as eu-west-1",
  );
  if (backend.assumeRoleArn !== undefined) {
    check(
      problems,
      where,
      "assumeRoleArn",
      backend.assumeRoleArn,
      ROLE_ARN.test(backend.assumeRoleArn),
      "an IAM role ARN",
    );
  }
  if (backend.awsVaultProfile !== undefined) {
    check(
      problems,
      where,
      "awsVaultProfile",
      backend.awsVaultProfile,
      PROFILE.test(backend.awsVaultProfile),
      "an aws-vault profile name",
    );
  }
  if (backend.noncurrentVersionExpirationDays !== undefined) {
    const days = backend.noncurrentVersionExpirationDays;
    check(
      problems,
      where,
      "noncurrentVersionExpirationDays",
      days,
      Number.isInteger(days) && days >= 1 && days <= 3650,
      "a whole number of days from 1 to 3650",
    );
  }
  if (backend.deletionProtection !== undefined) {
    check(
      problems,
      where,
      "deletionProtection",
      backend.deletionProtection,
      typeof backend.deletionProtection === "boolean",
      "true or false",
    );
  }
  return problems;
}

function environmentProblems(name: string, env: EnvironmentSettings): string[] {
  const problems: string[] = [];
  if (!ENVIRONMENT_NAME.test(name)) {
    problems.push(`environment ${show(name)}: the name must be lowercase letters, digits and dashes (at most 20)`);
  }
  const where = `environment "${name}"`;
  problems.push(...unknownFieldProblems(where, env, ENVIRONMENT_FIELDS));
  const optional = (field: keyof EnvironmentSettings, test: (value: never) => boolean, expected: string) => {
    const value = env[field];
    if (value !== undefined) check(problems, where, field, value, test(value as never), expected);
  };
  check(problems, where, "region", env.region, REGION.test(env.region ?? ""), "an AWS region such as eu-west-1");
  optional("assumeRoleArn", (v: string) => ROLE_ARN.test(v), "an IAM role ARN");
  optional("awsVaultProfile", (v: string) => PROFILE.test(v), "an aws-vault profile name");
  optional("schedule", (v: string) => SCHEDULE.test(v), 'an EventBridge schedule such as "rate(10 minutes)"');
  optional("slackWebhookParameter", (v: string) => SSM_PARAMETER.test(v), "an SSM parameter name");
  for (const field of ["slackWebhookKmsKeyArn", "slackBotTokenKmsKeyArn"] as const) {
    optional(
      field,
      (v: string) => KMS_KEY_ARN.test(v),
      "a KMS key ARN (arn:…:key/…; an alias ARN does not work in IAM policies)",
    );
  }
  optional(
    "slackBotTokenParameter",
    (v: string) => SSM_PARAMETER.test(v) && !/xox[a-z]-/.test(v),
    "the name of the SSM parameter that holds the bot token, not the token",
  );
  optional(
    "slackChannel",
    (v: string) => isSlackChannel(v),
    'a channel id such as "C0123ABCD" or a name such as "#key-age"',
  );
  optional("slackApiUrl", (v: string) => isHttpUrl(v), 'an http(s) URL such as "https://slack.com/api/"');
  for (const field of ["warningAge", "criticalAge", "unusedAge"] as const) {
    optional(field, (v: string) => durationMs(v) !== undefined, DURATION_SHAPE);
  }
  const warning = durationMs(env.warningAge ?? "80d");
  const critical = durationMs(env.criticalAge ?? "90d");
  // The same rule as the handler's WARNING_AGE/CRITICAL_AGE check: equal ages mean "critical at once".
  if (warning !== undefined && critical !== undefined && warning > critical) {
    problems.push(
      `${where}: field "warningAge" (${show(env.warningAge ?? "80d")}) must not exceed "criticalAge" (${show(env.criticalAge ?? "90d")})`,
    );
  }
  optional(
    "watchUsers",
    (v: readonly string[]) => Array.isArray(v) && v.length > 0 && v.every((user) => IAM_USER.test(user)),
    "a non-empty list of IAM user names",
  );
  optional("messageStyle", (v: string) => v === "digest" || v === "original", '"digest" or "original"');
  optional("dryRun", (v: boolean) => typeof v === "boolean", "true or false");
  optional(
    "logRetentionDays",
    (v: number) => LOG_RETENTION_DAYS.includes(v),
    `one of ${LOG_RETENTION_DAYS.join(", ")}`,
  );
  optional("s3NativeLocking", (v: boolean) => typeof v === "boolean", "true or false");
  optional("deletionProtection", (v: boolean) => typeof v === "boolean", "true or false");
  optional("alarmEmail", (v: string) => EMAIL.test(v), "an email address");
  optional("alarmOnCriticalKeys", (v: boolean) => typeof v === "boolean", "true or false");
  optional("alertState", (v: boolean) => typeof v === "boolean", "true or false");
  optional(
    "scanStrategy",
    (v: string) => SCAN_STRATEGIES.includes(v as ScanStrategy),
    SCAN_STRATEGIES.map((x) => JSON.stringify(x)).join(", "),
  );
  optional(
    "scanConcurrency",
    (v: number) => Number.isInteger(v) && v >= MIN_SCAN_CONCURRENCY && v <= MAX_SCAN_CONCURRENCY,
    `a whole number from ${MIN_SCAN_CONCURRENCY} to ${MAX_SCAN_CONCURRENCY}`,
  );
  optional("remindEvery", (v: string) => (durationMs(v) ?? 0) > 0, `${DURATION_SHAPE}, longer than zero`);
  optional("heartbeatSchedule", (v: string) => SCHEDULE.test(v), 'an EventBridge schedule such as "cron(0 9 * * ? *)"');
  if (env.remindEvery !== undefined && env.alertState === false) {
    problems.push(`${where}: field "remindEvery" (${show(env.remindEvery)}) has no effect with "alertState" false`);
  }
  problems.push(...enforcementProblems(where, env));
  problems.push(...slackDestinationProblems(where, env));
  return problems;
}

/** Exactly one Slack destination, the webhook or the Slack app with its channel, unless it is a dry run. */
function slackDestinationProblems(where: string, env: EnvironmentSettings): string[] {
  const problems: string[] = [];
  const webhook = env.slackWebhookParameter !== undefined;
  const app = env.slackBotTokenParameter !== undefined;
  if (webhook && app) {
    problems.push(
      `${where}: fields "slackWebhookParameter" and "slackBotTokenParameter" are both set: set exactly one Slack destination`,
    );
  } else if (!webhook && !app && env.dryRun !== true) {
    problems.push(
      `${where}: field "slackWebhookParameter" is missing (required unless "dryRun" is true, or the Slack app's ` +
        '"slackBotTokenParameter" with "slackChannel" is set)',
    );
  }
  if (app && env.slackChannel === undefined) {
    problems.push(`${where}: field "slackChannel" is missing (the Slack app needs the digest's channel)`);
  }
  for (const field of ["slackChannel", "slackApiUrl", "slackBotTokenKmsKeyArn"] as const) {
    if (env[field] !== undefined && !app) {
      problems.push(`${where}: field "${field}" (${show(env[field])}) has no effect without "slackBotTokenParameter"`);
    }
  }
  if (env.slackWebhookKmsKeyArn !== undefined && !webhook) {
    problems.push(
      `${where}: field "slackWebhookKmsKeyArn" (${show(env.slackWebhookKmsKeyArn)}) has no effect without "slackWebhookParameter"`,
    );
  }
  return problems;
}

// The same rules as the handler's ENFORCEMENT/DEACTIVATE_AGE/DEACTIVATION_NOTICE/MAX_DEACTIVATIONS_PER_RUN checks.
function enforcementProblems(where: string, env: EnvironmentSettings): string[] {
  const problems: string[] = [];
  const optional = (field: keyof EnvironmentSettings, ok: (value: never) => boolean, expected: string) => {
    const value = env[field];
    if (value !== undefined) check(problems, where, field, value, ok(value as never), expected);
  };
  optional(
    "enforcement",
    (v: string) => ENFORCEMENT_MODES.includes(v as EnforcementMode),
    ENFORCEMENT_MODES.map((mode) => JSON.stringify(mode)).join(", "),
  );
  optional("deactivateAge", (v: string) => durationMs(v) !== undefined, DURATION_SHAPE);
  optional("deactivationNotice", (v: string) => durationMs(v) !== undefined, DURATION_SHAPE);
  optional(
    "maxDeactivationsPerRun",
    (v: number) => Number.isInteger(v) && v >= MIN_DEACTIVATIONS_PER_RUN && v <= MAX_DEACTIVATIONS_PER_RUN,
    `a whole number from ${MIN_DEACTIVATIONS_PER_RUN} to ${MAX_DEACTIVATIONS_PER_RUN}`,
  );
  const mode = env.enforcement ?? CONFIG_DEFAULTS.ENFORCEMENT;
  const enforcing = mode === "dry-run" || mode === "armed";
  if (enforcing && env.deactivateAge === undefined) {
    problems.push(`${where}: field "deactivateAge" is missing (required when "enforcement" is ${show(mode)})`);
  }
  if (enforcing && env.alertState === false) {
    problems.push(
      `${where}: field "enforcement" (${show(mode)}) needs "alertState": the advance notice is recorded there`,
    );
  }
  const age = durationMs(env.deactivateAge);
  const critical = durationMs(env.criticalAge ?? CONFIG_DEFAULTS.CRITICAL_AGE);
  if (age !== undefined && critical !== undefined && age < critical) {
    problems.push(
      `${where}: field "deactivateAge" (${show(env.deactivateAge)}) must not be below "criticalAge" ` +
        `(${show(env.criticalAge ?? CONFIG_DEFAULTS.CRITICAL_AGE)}): a key is critical before it is deactivated`,
    );
  }
  return problems;
}
