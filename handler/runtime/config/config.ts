export { CONFIG_DEFAULTS } from "./config-defaults";
export { ConfigError, describeConfigProblem, type ConfigProblem } from "./config-problem";
export {
  isSecureSlackUrl,
  isSlackChannel,
  isSlackToken,
  type SlackAppConfig,
  type SlackTokenSource,
  type WebhookSource,
} from "./slack-config";
import { CONFIG_DEFAULTS } from "./config-defaults";
import { ConfigError, type ConfigProblem } from "./config-problem";
import { slackAppConfig, webhookSource, type SlackAppConfig, type WebhookSource } from "./slack-config";
import type { Thresholds } from "../../scan/classify";
import { parseDuration } from "../duration";
import { quoteSetting } from "../mask";
import { SCAN_STRATEGIES, type ScanStrategy } from "../../scan/scan-strategy";
import { parseSecurityHubSetting, SECURITY_HUB_VARIABLE } from "../../security-hub/security-hub-setting";
import { enforcementConfig, type EnforcementConfig } from "./enforcement-config";
import { KEY_USAGE_VARIABLE, parseKeyUsageSetting } from "../../usage/key-usage-setting";
import { ON_OFF_EXPECTED } from "./on-off-setting";
export {
  MAX_DEACTIVATIONS_PER_DAY,
  MIN_DEACTIVATIONS_PER_DAY,
  type EnforcementConfig,
} from "./enforcement-config";

/** How the digest words its lines. */
export type MessageStyle = "digest" | "original";

/** The handler's configuration, read from the environment (the README's "Function environment variables"). */
export interface MonitorConfig {
  /** The webhook source. @default undefined: the Slack app, or a dry run */
  readonly webhook?: WebhookSource;
  /** The Slack app, the alternative to the webhook. @default undefined: the webhook, or a dry run */
  readonly slackApp?: SlackAppConfig;
  /** Age and idle limits. @default 80d / 90d / 45d */
  readonly thresholds: Thresholds;
  /** The thresholds as written, for messages. */
  readonly thresholdLabels: Readonly<Record<keyof Thresholds, string>>;
  /** Users to scan; empty means every user. @default [] */
  readonly watchUsers: readonly string[];
  /** Label shown in messages. @default undefined: messages show only the account */
  readonly environmentName?: string;
  /** Log the payload instead of posting it. @default false */
  readonly dryRun: boolean;
  /** Line wording. @default "digest" */
  readonly messageStyle: MessageStyle;
  /** How keys are found (`SCAN_STRATEGY`); `auto` picks the credential report when thresholds allow. @default "auto" */
  readonly scanStrategy: ScanStrategy;
  /** IAM requests in flight at once (`SCAN_CONCURRENCY`); IAM throttles per account, so keep it modest. @default 12 */
  readonly scanConcurrency: number;
  /**
   * DynamoDB table of the alert state (`ALERT_STATE_TABLE`): announce changes, reminders and
   * resolutions only. @default undefined: stateless, every run posts every flagged key
   */
  readonly alertStateTable?: string;
  /**
   * The table of the previous state layout (`LEGACY_ALERT_STATE_TABLE`, set by the stack): each
   * account's first run carries its items over from it, once. @default undefined: nothing to carry over
   */
  readonly legacyAlertStateTable?: string;
  /** How often a key that stays bad is announced again (`REMIND_EVERY`). @default 24h */
  readonly remindEvery: { readonly ms: number; readonly label: string };
  /**
   * How far ahead a `key-age:exempt-until` date may lie and still be honoured (`MAX_EXEMPTION`):
   * whoever can tag a user must not be able to silence it forever. @default 365d
   */
  readonly maxExemption: { readonly ms: number; readonly label: string };
  /**
   * The highest age a `key-age:*-age` tag may set (`MAX_TAG_AGE`): a higher one is a tag problem and
   * the default applies, so a tag cannot silence a key longer than an exemption could. @default 400d
   */
  readonly maxTagAge: { readonly ms: number; readonly label: string };
  /**
   * Staged deactivation of stale keys (`ENFORCEMENT`, `DEACTIVATE_AGE`, `DEACTIVATION_NOTICE`,
   * `MAX_DEACTIVATIONS_PER_DAY`, `EXPOSED_KEYS`). @default undefined: `ENFORCEMENT=off` and no `DEACTIVATE_AGE`
   */
  readonly enforcement?: EnforcementConfig;
  /**
   * Import one Security Hub finding per flagged key after the digest went out, and archive the
   * findings of resolved keys (`SECURITY_HUB=on`). @default undefined: off
   */
  readonly securityHub?: boolean;
  /**
   * Add a one-line CloudTrail usage summary to owners' direct messages and deactivation notices
   * (`KEY_USAGE=on`), cached in the alert state. @default undefined: off
   */
  readonly keyUsage?: boolean;
  /**
   * Owners one `key-age:owner` tag may name (`MAX_OWNERS_PER_KEY`); more is a tag problem, and only the
   * first are mentioned or messaged, so a hostile tag cannot starve a run of Slack's rate limits. @default 5
   */
  readonly maxOwnersPerKey: number;
}

const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
// IAM's request quota is shared by the whole account: more than this would only buy throttling.
/** Bounds of `SCAN_CONCURRENCY`. */
export const MIN_SCAN_CONCURRENCY = 1;
/** Bounds of `SCAN_CONCURRENCY`. */
export const MAX_SCAN_CONCURRENCY = 64;

/** `SCAN_CONCURRENCY`'s default as a number, for scanners called without a config. */
export const DEFAULT_SCAN_CONCURRENCY = Number(CONFIG_DEFAULTS.SCAN_CONCURRENCY);
/** Bounds of `MAX_OWNERS_PER_KEY`. */
export const MAX_OWNERS_PER_KEY_LIMIT = 20;
const DYNAMODB_TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * Reads and validates the configuration from `env`. Every missing or invalid variable is collected
 * and thrown together in one {@link ConfigError} that names the variable and quotes its value
 * (a webhook URL is quoted masked: it is a secret).
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): MonitorConfig {
  const problems: (ConfigProblem | string)[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };
  const invalid = (variable: string, reason: string | ConfigProblem["reason"]): void => {
    problems.push({ variable, value: env[variable] ?? "", reason: typeof reason === "string" ? () => reason : reason });
  };

  const duration = (name: keyof typeof CONFIG_DEFAULTS): { ms: number; label: string } => {
    const raw = read(name) ?? CONFIG_DEFAULTS[name];
    try {
      return { ms: parseDuration(raw), label: raw };
    } catch (error) {
      invalid(name, (error as Error).message);
      return { ms: Number.NaN, label: raw };
    }
  };
  const warning = duration("WARNING_AGE");
  const critical = duration("CRITICAL_AGE");
  const unused = duration("UNUSED_AGE");
  if (warning.ms > critical.ms) {
    problems.push({
      variable: "WARNING_AGE",
      reason: (name) =>
        `${name("WARNING_AGE")}=${JSON.stringify(warning.label)} exceeds ${name("CRITICAL_AGE")}=${JSON.stringify(critical.label)}: ` +
        "the warning must come before (or together with) the critical alert",
    });
  }

  const dryRunRaw = read("DRY_RUN") ?? CONFIG_DEFAULTS.DRY_RUN;
  const dryRun = dryRunRaw.toLowerCase() === "true";
  if (!dryRun && dryRunRaw.toLowerCase() !== "false") invalid("DRY_RUN", 'expected "true" or "false"');

  const styleRaw = read("MESSAGE_STYLE") ?? CONFIG_DEFAULTS.MESSAGE_STYLE;
  if (styleRaw !== "digest" && styleRaw !== "original") invalid("MESSAGE_STYLE", 'expected "digest" or "original"');

  const watchUsers = uniqueIgnoringCase((read("WATCH_USERS") ?? "").split(",").map((name) => name.trim())).filter(
    (name) => name !== "",
  );
  const badNames = watchUsers.filter((name) => !IAM_USER_NAME.test(name));
  if (badNames.length > 0) {
    invalid(
      "WATCH_USERS",
      `${badNames.map((name) => quoteSetting(name)).join(", ")} ` +
        "is not a valid IAM user name (1-64 characters of letters, digits and +=,.@_-)",
    );
  }

  const slackApp = slackAppConfig(read, problems);
  const webhook = webhookSource(
    read("SLACK_WEBHOOK_PARAMETER"),
    read("SLACK_WEBHOOK_URL"),
    // A token that failed validation is reported by itself; "no destination" would only add noise.
    !dryRun && read("SLACK_BOT_TOKEN_PARAMETER") === undefined && read("SLACK_BOT_TOKEN") === undefined,
    problems,
  );
  if (webhook && slackApp) {
    problems.push(
      `${webhook.kind === "url" ? "SLACK_WEBHOOK_URL" : "SLACK_WEBHOOK_PARAMETER"} and ` +
        `${slackApp.token.kind === "token" ? "SLACK_BOT_TOKEN" : "SLACK_BOT_TOKEN_PARAMETER"} are both set: ` +
        "set exactly one Slack destination, the webhook or the Slack app",
    );
  }

  const scanStrategy = read("SCAN_STRATEGY") ?? CONFIG_DEFAULTS.SCAN_STRATEGY;
  if (!SCAN_STRATEGIES.includes(scanStrategy as ScanStrategy)) {
    invalid("SCAN_STRATEGY", `expected ${SCAN_STRATEGIES.map((s) => JSON.stringify(s)).join(", ")}`);
  }
  const concurrencyRaw = read("SCAN_CONCURRENCY") ?? CONFIG_DEFAULTS.SCAN_CONCURRENCY;
  const scanConcurrency = /^\d+$/.test(concurrencyRaw) ? Number(concurrencyRaw) : Number.NaN;
  if (!(scanConcurrency >= MIN_SCAN_CONCURRENCY && scanConcurrency <= MAX_SCAN_CONCURRENCY)) {
    invalid("SCAN_CONCURRENCY", `expected a whole number from ${MIN_SCAN_CONCURRENCY} to ${MAX_SCAN_CONCURRENCY}`);
  }

  const alertStateTable = read("ALERT_STATE_TABLE");
  if (alertStateTable !== undefined && !DYNAMODB_TABLE_NAME.test(alertStateTable)) {
    invalid("ALERT_STATE_TABLE", "not a DynamoDB table name (3-255 characters of letters, digits and _.-)");
  }
  const legacyAlertStateTable = read("LEGACY_ALERT_STATE_TABLE");
  if (legacyAlertStateTable !== undefined && !DYNAMODB_TABLE_NAME.test(legacyAlertStateTable)) {
    invalid("LEGACY_ALERT_STATE_TABLE", "not a DynamoDB table name (3-255 characters of letters, digits and _.-)");
  }
  const remindEvery = duration("REMIND_EVERY");
  if (remindEvery.ms === 0) invalid("REMIND_EVERY", "must be longer than zero");
  const maxExemption = duration("MAX_EXEMPTION");
  const maxTagAge = duration("MAX_TAG_AGE");
  if (maxTagAge.ms === 0) invalid("MAX_TAG_AGE", "must be longer than zero");

  const enforcement = enforcementConfig(read, env, critical, alertStateTable, duration, problems);
  const securityHub = parseSecurityHubSetting(env[SECURITY_HUB_VARIABLE]);
  if (securityHub.problem !== undefined) invalid(SECURITY_HUB_VARIABLE, ON_OFF_EXPECTED);
  const keyUsage = parseKeyUsageSetting(env[KEY_USAGE_VARIABLE]);
  if (keyUsage.problem !== undefined) invalid(KEY_USAGE_VARIABLE, ON_OFF_EXPECTED);
  // The summaries are cached in the alert state; without it every run would ask CloudTrail again.
  else if (keyUsage.enabled && alertStateTable === undefined) {
    invalid(
      KEY_USAGE_VARIABLE,
      (name) => `needs ${name("ALERT_STATE_TABLE")}: the usage summaries are cached in the alert state`,
    );
  }
  const maxOwnersRaw = read("MAX_OWNERS_PER_KEY") ?? CONFIG_DEFAULTS.MAX_OWNERS_PER_KEY;
  const maxOwnersPerKey = /^\d+$/.test(maxOwnersRaw) ? Number(maxOwnersRaw) : Number.NaN;
  if (!(maxOwnersPerKey >= 1 && maxOwnersPerKey <= MAX_OWNERS_PER_KEY_LIMIT)) {
    invalid("MAX_OWNERS_PER_KEY", `expected a whole number from 1 to ${MAX_OWNERS_PER_KEY_LIMIT}`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  const environmentName = read("ENVIRONMENT_NAME");
  return {
    ...(webhook ? { webhook } : {}),
    ...(slackApp ? { slackApp } : {}),
    thresholds: { warningAgeMs: warning.ms, criticalAgeMs: critical.ms, unusedAgeMs: unused.ms },
    thresholdLabels: { warningAgeMs: warning.label, criticalAgeMs: critical.label, unusedAgeMs: unused.label },
    watchUsers,
    ...(environmentName ? { environmentName } : {}),
    dryRun,
    messageStyle: styleRaw as MessageStyle,
    scanStrategy: scanStrategy as ScanStrategy,
    scanConcurrency,
    ...(alertStateTable ? { alertStateTable } : {}),
    ...(alertStateTable && legacyAlertStateTable ? { legacyAlertStateTable } : {}),
    remindEvery,
    maxExemption,
    maxTagAge,
    ...(enforcement ? { enforcement } : {}),
    ...(securityHub.enabled ? { securityHub: true } : {}),
    ...(keyUsage.enabled ? { keyUsage: true } : {}),
    maxOwnersPerKey,
  };
}

/** Drops later names that differ from an earlier one only in case: IAM user names are unique regardless of case. */
function uniqueIgnoringCase(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
