import { CHANNEL_ROUTES_VARIABLE, CHANNEL_TAG_VARIABLE } from "../handler/organization/channel-routing";
import {
  SECURITY_HUB_CONFIG_FIELD,
  SECURITY_HUB_VARIABLE,
  securityHubEnvironment,
} from "../handler/security-hub/security-hub-setting";
import { KEY_USAGE_CONFIG_FIELD, KEY_USAGE_VARIABLE, keyUsageEnvironment } from "../handler/usage/key-usage-setting";
import type { EnvironmentSettings } from "./environment-config";

/**
 * How each handler setting of an environment becomes one of the function's environment variables.
 * The stack deploys exactly this mapping, and synth validates it by running the handler's own
 * `loadConfig` on the result, so a value synth accepts is a value the function accepts.
 */
interface HandlerSetting {
  /** The environment config field. */
  readonly field: keyof EnvironmentSettings;
  /** The handler's variable it sets. */
  readonly variable: string;
  /**
   * The variable's text, or a problem ("expected …") when the field's value has the wrong shape, or
   * `omit` when the value is the handler's default and the variable stays unset.
   */
  readonly toVariable: (
    value: unknown,
  ) => { readonly text: string } | { readonly expected: string } | { readonly omit: true };
}

const text = (expected: string) => (value: unknown) => (typeof value === "string" ? { text: value } : { expected });

/** Every handler setting an environment can carry, with its variable. */
export const HANDLER_SETTINGS: readonly HandlerSetting[] = [
  { field: "slackWebhookParameter", variable: "SLACK_WEBHOOK_PARAMETER", toVariable: text("an SSM parameter name") },
  {
    field: "slackBotTokenParameter",
    variable: "SLACK_BOT_TOKEN_PARAMETER",
    toVariable: text("the name of the SSM parameter that holds the bot token"),
  },
  { field: "slackChannel", variable: "SLACK_CHANNEL", toVariable: text('a channel such as "#key-age"') },
  {
    field: "slackChannelsByAccount",
    variable: CHANNEL_ROUTES_VARIABLE,
    // The handler's parser judges the pairs; here only the shape, so a value is never silently dropped.
    toVariable: (value) =>
      typeof value === "object" &&
      value !== null &&
      !Array.isArray(value) &&
      Object.values(value).every((channel) => typeof channel === "string")
        ? {
            text: Object.entries(value as Record<string, string>)
              .map(([accountId, channel]) => `${accountId}=${channel}`)
              .join(","),
          }
        : { expected: 'an object of account ids to channels, such as { "111111111111": "#team-payments" }' },
  },
  {
    field: "slackChannelFromAccountTag",
    variable: CHANNEL_TAG_VARIABLE,
    toVariable: (value) => (typeof value === "boolean" ? { text: String(value) } : { expected: "true or false" }),
  },
  { field: "slackApiUrl", variable: "SLACK_API_URL", toVariable: text('a URL such as "https://slack.com/api/"') },
  {
    field: "slackRateLimits",
    variable: "SLACK_RATE_LIMITS",
    // The handler's parser judges methods and numbers; here only the shape.
    toVariable: (value) =>
      typeof value === "object" &&
      value !== null &&
      !Array.isArray(value) &&
      Object.values(value).every((count) => typeof count === "number")
        ? {
            text: Object.entries(value as Record<string, number>)
              .map(([method, count]) => `${method}=${count}`)
              .join(","),
          }
        : { expected: 'an object of Web API methods to calls per minute, such as { "users.lookupByEmail": 100 }' },
  },
  { field: "slackOwnerCacheTtl", variable: "SLACK_OWNER_CACHE_TTL", toVariable: text('a duration such as "7d"') },
  { field: "warningAge", variable: "WARNING_AGE", toVariable: text('a duration such as "80d"') },
  { field: "criticalAge", variable: "CRITICAL_AGE", toVariable: text('a duration such as "90d"') },
  { field: "unusedAge", variable: "UNUSED_AGE", toVariable: text('a duration such as "45d"') },
  {
    field: "watchUsers",
    variable: "WATCH_USERS",
    toVariable: (value) => {
      if (!Array.isArray(value) || value.length === 0 || !value.every((name) => typeof name === "string")) {
        return { expected: "a non-empty list of IAM user names" };
      }
      // WATCH_USERS is comma-separated: a name with a comma would silently watch two other users.
      if (value.some((name: string) => name.includes(",") || name.trim() === "")) {
        return { expected: "a non-empty list of IAM user names, each without commas (WATCH_USERS is comma-separated)" };
      }
      return { text: value.join(",") };
    },
  },
  { field: "messageStyle", variable: "MESSAGE_STYLE", toVariable: text('"digest" or "original"') },
  {
    field: "dryRun",
    variable: "DRY_RUN",
    toVariable: (value) => (typeof value === "boolean" ? { text: String(value) } : { expected: "true or false" }),
  },
  { field: "scanStrategy", variable: "SCAN_STRATEGY", toVariable: text('"api", "credential-report" or "auto"') },
  {
    field: "scanConcurrency",
    variable: "SCAN_CONCURRENCY",
    toVariable: (value) =>
      typeof value === "number" && Number.isFinite(value)
        ? { text: String(value) }
        : { expected: "a whole number from 1 to 64" },
  },
  { field: "remindEvery", variable: "REMIND_EVERY", toVariable: text('a duration such as "24h"') },
  { field: "maxExemption", variable: "MAX_EXEMPTION", toVariable: text('a duration such as "365d"') },
  { field: "enforcement", variable: "ENFORCEMENT", toVariable: text('"off", "dry-run" or "armed"') },
  { field: "deactivateAge", variable: "DEACTIVATE_AGE", toVariable: text('a duration such as "120d"') },
  { field: "deactivationNotice", variable: "DEACTIVATION_NOTICE", toVariable: text('a duration such as "7d"') },
  ...(["maxDeactivationsPerDay", "maxDeactivationsPerRun"] as const).map(
    (field): HandlerSetting => ({
      field,
      variable: field === "maxDeactivationsPerDay" ? "MAX_DEACTIVATIONS_PER_DAY" : "MAX_DEACTIVATIONS_PER_RUN",
      toVariable: (value) =>
        typeof value === "number" && Number.isFinite(value)
          ? { text: String(value) }
          : { expected: "a whole number from 1 to 1000" },
    }),
  ),
  { field: "exposedKeys", variable: "EXPOSED_KEYS", toVariable: text('"alert" or "deactivate"') },
  { field: "maxTagAge", variable: "MAX_TAG_AGE", toVariable: text('a duration such as "400d"') },
  {
    field: "sandbox",
    variable: "SANDBOX",
    toVariable: (value) => (typeof value === "boolean" ? { text: String(value) } : { expected: "true or false" }),
  },
  {
    field: SECURITY_HUB_CONFIG_FIELD,
    variable: SECURITY_HUB_VARIABLE,
    // Deployed only when on (securityHubEnvironment), so the default stays implicit.
    toVariable: (value) => {
      if (typeof value !== "boolean") return { expected: "true or false" };
      const text = Object.values(securityHubEnvironment(value))[0];
      return text === undefined ? { omit: true } : { text };
    },
  },
  {
    field: KEY_USAGE_CONFIG_FIELD,
    variable: KEY_USAGE_VARIABLE,
    // Deployed only when on (keyUsageEnvironment), so the default stays implicit.
    toVariable: (value) => {
      if (typeof value !== "boolean") return { expected: "true or false" };
      const text = Object.values(keyUsageEnvironment(value))[0];
      return text === undefined ? { omit: true } : { text };
    },
  },
  {
    field: "maxOwnersPerKey",
    variable: "MAX_OWNERS_PER_KEY",
    toVariable: (value) =>
      typeof value === "number" && Number.isFinite(value)
        ? { text: String(value) }
        : { expected: "a whole number from 1 to 20" },
  },
];

/**
 * The state table of an environment's function (`ALERT_STATE_TABLE`): partitioned by account. Its name
 * differs from the previous layout's, so that an upgrade creates it beside the old one instead of
 * replacing (and emptying) the old one.
 */
export function alertStateTableName(functionName: string): string {
  return `${functionName}-account-state`;
}

/**
 * The previous layout's table of an environment's function (`LEGACY_ALERT_STATE_TABLE`: one hash key,
 * every account in one key space), read once per account to carry its items over.
 */
export function legacyAlertStateTableName(functionName: string): string {
  return `${functionName}-alert-state`;
}

/** The function's name in an environment. */
export function keyAgeFunctionName(environmentName: string): string {
  return `iam-key-age-monitor-${environmentName}`;
}

/** The variables of {@link handlerEnvironment}, plus the fields whose value could not become one. */
export interface HandlerEnvironment {
  /** Variable name to value: only what differs from the handler's defaults. */
  readonly variables: Readonly<Record<string, string>>;
  /** Fields with a value of the wrong shape, and what was expected. */
  readonly shapeProblems: readonly { readonly field: keyof EnvironmentSettings; readonly expected: string }[];
}

/**
 * The environment variables the stack deploys for an environment: its handler settings (only those
 * set; the handler's own defaults cover the rest), `ENVIRONMENT_NAME`, and `ALERT_STATE_TABLE` and
 * `LEGACY_ALERT_STATE_TABLE` when the environment keeps alert state (then also `REMIND_EVERY`).
 */
export function handlerEnvironment(environmentName: string, settings: EnvironmentSettings): HandlerEnvironment {
  const alertState = settings.alertState ?? true;
  const variables: Record<string, string> = { ENVIRONMENT_NAME: environmentName };
  const shapeProblems: { field: keyof EnvironmentSettings; expected: string }[] = [];
  for (const setting of HANDLER_SETTINGS) {
    const value = settings[setting.field];
    if (value === undefined) continue;
    if (setting.variable === "REMIND_EVERY" && !alertState) continue;
    const result = setting.toVariable(value);
    if ("text" in result) variables[setting.variable] = result.text;
    else if ("expected" in result) shapeProblems.push({ field: setting.field, expected: result.expected });
  }
  if (alertState) {
    variables.ALERT_STATE_TABLE = alertStateTableName(keyAgeFunctionName(environmentName));
    variables.LEGACY_ALERT_STATE_TABLE = legacyAlertStateTableName(keyAgeFunctionName(environmentName));
  }
  return { variables, shapeProblems };
}

/** The config field that sets a handler variable, if any. */
export function fieldOfVariable(variable: string): keyof EnvironmentSettings | undefined {
  if (variable === "ALERT_STATE_TABLE" || variable === "LEGACY_ALERT_STATE_TABLE") return "alertState";
  return HANDLER_SETTINGS.find((setting) => setting.variable === variable)?.field;
}
