import { ConfigError as HandlerConfigError, loadConfig } from "../handler/runtime/config/config";
import { quoteSetting } from "../handler/runtime/mask";
import { EnvironmentSettings, ProjectConfig, StateBackendSettings } from "./environment-config";
import { fieldOfVariable, handlerEnvironment } from "./handler-environment";
import { scheduleExpressionProblem } from "./schedule-expression";
import { organizationProblems } from "./validate-organization";

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
// A key ARN, not an alias: IAM does not resolve an alias ARN in a policy's Resource to its key.
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/;
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const BUCKET = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TABLE = /^[A-Za-z0-9_.-]{3,255}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PROFILE = /^[\w.+@-]+$/;
// AWS tag limits: keys 1-128 characters, values up to 256; the aws: prefix is reserved.
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/iu;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
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

const PROJECT_FIELDS = { stateBackend: true, environments: true } as const satisfies Record<keyof ProjectConfig, true>;

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
  slackChannelsByAccount: true,
  slackChannelFromAccountTag: true,
  slackApiUrl: true,
  slackRateLimits: true,
  slackOwnerCacheTtl: true,
  warningAge: true,
  criticalAge: true,
  unusedAge: true,
  watchUsers: true,
  messageStyle: true,
  dryRun: true,
  logRetentionDays: true,
  alarmEmail: true,
  alarmOnCriticalKeys: true,
  exposureEvents: true,
  alertState: true,
  scanStrategy: true,
  scanConcurrency: true,
  remindEvery: true,
  enforcement: true,
  deactivateAge: true,
  deactivationNotice: true,
  maxDeactivationsPerDay: true,
  maxDeactivationsPerRun: true,
  exposedKeys: true,
  maxTagAge: true,
  sandbox: true,
  maxOwnersPerKey: true,
  maxExemption: true,
  securityHub: true,
  keyUsage: true,
  heartbeatSchedule: true,
  s3NativeLocking: true,
  deletionProtection: true,
  organization: true,
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
 * (environment, field, value), so synth fails before Terraform ever sees a typo. The handler's
 * settings are checked by the handler's own `loadConfig`, run on the variables the stack deploys;
 * only infrastructure fields (region, schedules, tags, …) have their own checks here.
 */
export function validateConfig(config: ProjectConfig): ProjectConfig {
  if (!isObject(config)) {
    throw new ConfigError([
      `the configuration is ${show(config)}: expected an object with "stateBackend" and "environments"`,
    ]);
  }
  const problems = unknownFieldProblems("configuration", config, PROJECT_FIELDS);
  if (!isObject(config.stateBackend)) {
    problems.push(
      `stateBackend: ${config.stateBackend === undefined ? "missing" : `is ${show(config.stateBackend)}`} ` +
        '(expected an object with "bucket", "lockTable" and "region")',
    );
  } else {
    problems.push(...stateBackendProblems(config.stateBackend));
  }
  if (!isObject(config.environments)) {
    problems.push(
      `environments: ${config.environments === undefined ? "missing" : `is ${show(config.environments)}`} ` +
        "(expected an object with one entry per environment)",
    );
  } else {
    const names = Object.keys(config.environments);
    if (names.length === 0) problems.push("environments: at least one environment is required");
    for (const name of names) {
      const settings: unknown = config.environments[name];
      if (isObject(settings)) problems.push(...environmentProblems(name, settings as unknown as EnvironmentSettings));
      else problems.push(`environment ${show(name)}: is ${show(settings)} (expected an object of settings)`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return typeof value === "string" ? quoteSetting(value) : (JSON.stringify(value) ?? String(value));
}

function check(problems: string[], where: string, field: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) problems.push(`${where}: field "${field}" has invalid value ${show(value)} (expected ${expected})`);
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
  const isString = (test: (value: string) => boolean) => (value: unknown) => typeof value === "string" && test(value);
  // Infrastructure-only fields: the function never sees them.
  check(problems, where, "region", env.region, REGION.test(env.region ?? ""), "an AWS region such as eu-west-1");
  optional(
    "assumeRoleArn",
    isString((v) => ROLE_ARN.test(v)),
    "an IAM role ARN",
  );
  optional(
    "awsVaultProfile",
    isString((v) => PROFILE.test(v)),
    "an aws-vault profile name",
  );
  for (const field of ["schedule", "heartbeatSchedule"] as const) {
    const value: unknown = env[field];
    if (value === undefined) continue;
    const problem =
      typeof value === "string" ? scheduleExpressionProblem(value) : 'expected a string such as "rate(10 minutes)"';
    if (problem) problems.push(`${where}: field "${field}" has invalid value ${show(value)} (${problem})`);
  }
  optional(
    "slackWebhookKmsKeyArn",
    isString((v) => KMS_KEY_ARN.test(v)),
    "a KMS key ARN (arn:…:key/…; an alias ARN does not work in IAM policies)",
  );
  optional(
    "slackBotTokenKmsKeyArn",
    isString((v) => KMS_KEY_ARN.test(v)),
    "a KMS key ARN (arn:…:key/…; an alias ARN does not work in IAM policies)",
  );
  optional(
    "logRetentionDays",
    (v: number) => LOG_RETENTION_DAYS.includes(v),
    `one of ${LOG_RETENTION_DAYS.join(", ")}`,
  );
  optional("s3NativeLocking", (v: boolean) => typeof v === "boolean", "true or false");
  optional("deletionProtection", (v: boolean) => typeof v === "boolean", "true or false");
  optional(
    "alarmEmail",
    isString((v) => EMAIL.test(v)),
    "an email address",
  );
  optional("alarmOnCriticalKeys", (v: boolean) => typeof v === "boolean", "true or false");
  optional("exposureEvents", (v: boolean) => typeof v === "boolean", "true or false");
  optional("alertState", (v: boolean) => typeof v === "boolean", "true or false");
  optional(
    "tags",
    (v: unknown) =>
      isObject(v) &&
      Object.entries(v).every(
        ([key, value]) => TAG_KEY.test(key) && typeof value === "string" && TAG_VALUE.test(value),
      ),
    'an object of tag names to string values, such as { environment: "prod" } (keys up to 128 characters, not aws:…; values up to 256)',
  );
  if (env.remindEvery !== undefined && env.alertState === false) {
    problems.push(`${where}: field "remindEvery" (${show(env.remindEvery)}) has no effect with "alertState" false`);
  }
  problems.push(...handlerSettingProblems(where, name, env));
  problems.push(...organizationProblems(where, env.organization, env.enforcement, env.keyUsage));
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
  for (const field of [
    "slackChannel",
    "slackChannelsByAccount",
    "slackChannelFromAccountTag",
    "slackApiUrl",
    "slackRateLimits",
    "slackOwnerCacheTtl",
    "slackBotTokenKmsKeyArn",
  ] as const) {
    if (env[field] !== undefined && !app) {
      problems.push(`${where}: field "${field}" (${show(env[field])}) has no effect without "slackBotTokenParameter"`);
    }
  }
  for (const field of ["slackChannelsByAccount", "slackChannelFromAccountTag"] as const) {
    if (env[field] !== undefined && env.organization === undefined) {
      problems.push(`${where}: field "${field}" (${show(env[field])}) has no effect without "organization"`);
    }
  }
  if (env.slackWebhookKmsKeyArn !== undefined && !webhook) {
    problems.push(
      `${where}: field "slackWebhookKmsKeyArn" (${show(env.slackWebhookKmsKeyArn)}) has no effect without "slackWebhookParameter"`,
    );
  }
  return problems;
}

/**
 * The handler's settings, judged by the handler itself: `loadConfig` on the variables the stack
 * would deploy, its problems worded by config field instead of variable.
 */
function handlerSettingProblems(where: string, name: string, env: EnvironmentSettings): string[] {
  const { variables, shapeProblems } = handlerEnvironment(name, env);
  const problems = shapeProblems.map(
    ({ field, expected }) => `${where}: field "${field}" has invalid value ${show(env[field])} (expected ${expected})`,
  );
  try {
    loadConfig(variables);
  } catch (error) {
    if (!(error instanceof HandlerConfigError)) throw error;
    const fieldName = (variable: string): string | undefined => {
      const field = fieldOfVariable(variable);
      return field === undefined ? undefined : JSON.stringify(field);
    };
    for (const problem of error.details) {
      // The Slack destination (webhook or Slack app, exactly one) is checked by field above, with
      // the Slack app's own settings; the loader's wording of those would repeat them.
      if (problem.variable === "" || (problem.variable === "SLACK_WEBHOOK_PARAMETER" && problem.value === undefined)) {
        continue;
      }
      const field = fieldOfVariable(problem.variable);
      const reason = problem.reason(fieldName);
      problems.push(
        problem.value !== undefined && field !== undefined
          ? `${where}: field "${field}" has invalid value ${show(env[field])} (${reason})`
          : `${where}: ${reason}`,
      );
    }
  }
  return problems;
}
