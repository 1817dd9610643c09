import type { Thresholds } from "../scan/classify";
import { CHANNEL_ROUTES_VARIABLE, CHANNEL_TAG_VARIABLE, parseChannelRoutes } from "../organization/channel-routing";
import { parseDuration } from "./duration";
import { maskSlackToken, maskWebhookUrl, quoteSetting } from "./mask";
import { SCAN_STRATEGIES, type ScanStrategy } from "../scan/scan-strategy";
import { ENFORCEMENT_MODES, type EnforcementMode } from "../enforcement/enforcement-mode";

/** How the digest words its lines. */
export type MessageStyle = "digest" | "original";

/** Where the Slack webhook URL comes from. */
export type WebhookSource =
  | { readonly kind: "ssm-parameter"; readonly parameterName: string }
  | { readonly kind: "url"; readonly url: string };

/** Where the Slack app's bot token comes from. */
export type SlackTokenSource =
  | { readonly kind: "ssm-parameter"; readonly parameterName: string }
  | { readonly kind: "token"; readonly token: string };

/** Slack app delivery: `chat.postMessage` to a channel, and direct messages to key owners. */
export interface SlackAppConfig {
  /** The bot token (`SLACK_BOT_TOKEN_PARAMETER` or `SLACK_BOT_TOKEN`). */
  readonly token: SlackTokenSource;
  /** The channel the digest goes to (`SLACK_CHANNEL`): an id such as `C0123ABCD`, or a name. */
  readonly channel: string;
  /** Base URL of the Web API, ending in `/` (`SLACK_API_URL`). @default "https://slack.com/api/" */
  readonly apiUrl: string;
  /**
   * Organization mode: the channel of each member account's messages (`SLACK_CHANNELS_BY_ACCOUNT`);
   * an account not listed goes to `channel`. @default {}
   */
  readonly channelsByAccount: Readonly<Record<string, string>>;
  /**
   * Organization mode: an account's `key-age:slack-channel` tag, read through Organizations, names its
   * channel when `channelsByAccount` does not list it (`SLACK_CHANNEL_FROM_ACCOUNT_TAG`). @default false
   */
  readonly channelFromAccountTag: boolean;
}

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
  /** How often a key that stays bad is announced again (`REMIND_EVERY`). @default 24h */
  readonly remindEvery: { readonly ms: number; readonly label: string };
  /**
   * How far ahead a `key-age:exempt-until` date may lie and still be honoured (`MAX_EXEMPTION`):
   * whoever can tag a user must not be able to silence it forever. @default 365d
   */
  readonly maxExemption: { readonly ms: number; readonly label: string };
  /**
   * Staged deactivation of stale keys (`ENFORCEMENT`, `DEACTIVATE_AGE`, `DEACTIVATION_NOTICE`,
   * `MAX_DEACTIVATIONS_PER_RUN`). @default undefined: `ENFORCEMENT=off` and no `DEACTIVATE_AGE`
   */
  readonly enforcement?: EnforcementConfig;
}

/** The enforcement settings; present when `ENFORCEMENT` is not `off` or `DEACTIVATE_AGE` is set. */
export interface EnforcementConfig {
  /** `off`: only forecasts dates (CLI); `dry-run`: everything but the IAM call; `armed`: deactivates. */
  readonly mode: EnforcementMode;
  /** Key age at which an active key is deactivated (at least the critical age). */
  readonly deactivateAge: { readonly ms: number; readonly label: string };
  /** Minimum time between the first notice naming the date and the deactivation. @default 7d */
  readonly notice: { readonly ms: number; readonly label: string };
  /** Above this many keys due in one run, none is deactivated (the brake). @default 5 */
  readonly maxPerRun: number;
}

/** Defaults of the environment contract. */
export const CONFIG_DEFAULTS = {
  WARNING_AGE: "80d",
  CRITICAL_AGE: "90d",
  UNUSED_AGE: "45d",
  DRY_RUN: "false",
  MESSAGE_STYLE: "digest",
  SCAN_STRATEGY: "auto",
  SCAN_CONCURRENCY: "12",
  REMIND_EVERY: "24h",
  ENFORCEMENT: "off",
  DEACTIVATION_NOTICE: "7d",
  MAX_DEACTIVATIONS_PER_RUN: "5",
  SLACK_API_URL: "https://slack.com/api/",
  MAX_EXEMPTION: "365d",
} as const;

/**
 * One problem of the configuration, kept structured so that each reader can name the setting its
 * own way: the handler and the CLI by the variable (`WARNING_AGE`), synth by the config field
 * (`warningAge`) it deploys as that variable.
 */
export interface ConfigProblem {
  /** The variable at fault (the first one, when the problem involves two). */
  readonly variable: string;
  /** The offending value as given. @default undefined: the problem is not about one value (e.g. a missing setting) */
  readonly value?: string;
  /**
   * What is wrong, naming any setting through `name`; without a `value` it is the whole sentence.
   * `name` answers undefined for a variable the reader cannot set (synth has no `SLACK_WEBHOOK_URL`).
   */
  readonly reason: (name: (variable: string) => string | undefined) => string;
}

/** Renders a problem by variable name: `WARNING_AGE="1x": expected …`. */
export function describeConfigProblem(problem: ConfigProblem): string {
  const reason = problem.reason((variable) => variable);
  return problem.value === undefined ? reason : `${problem.variable}=${quoteSetting(problem.value)}: ${reason}`;
}

/** Thrown by {@link loadConfig}; lists every problem, one per line. */
export class ConfigError extends Error {
  /** One entry per invalid or missing variable, worded by variable name. */
  readonly problems: readonly string[];
  /** The same problems, structured. */
  readonly details: readonly ConfigProblem[];

  constructor(problems: readonly (string | ConfigProblem)[]) {
    const texts = problems.map((problem) => (typeof problem === "string" ? problem : describeConfigProblem(problem)));
    super(`Invalid handler configuration:\n- ${texts.join("\n- ")}`);
    this.name = "ConfigError";
    this.problems = texts;
    this.details = problems.map((problem, index) =>
      typeof problem === "string" ? { variable: "", reason: () => texts[index] } : problem,
    );
  }
}

const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
// IAM's request quota is shared by the whole account: more than this would only buy throttling.
/** Bounds of `SCAN_CONCURRENCY`. */
export const MIN_SCAN_CONCURRENCY = 1;
/** Bounds of `SCAN_CONCURRENCY`. */
export const MAX_SCAN_CONCURRENCY = 64;

/** `SCAN_CONCURRENCY`'s default as a number, for scanners called without a config. */
export const DEFAULT_SCAN_CONCURRENCY = Number(CONFIG_DEFAULTS.SCAN_CONCURRENCY);
// SSM's API takes names of up to 2048 characters, but a parameter's full ARN may be at most 1011
// (the rest is room for system attributes): 1011 is the limit a name can actually reach.
const SSM_PARAMETER_NAME = /^(arn:aws[a-z-]*:ssm:\S+|[a-zA-Z0-9_.\-/]+)$/;
const SSM_PARAMETER_MAX_CHARS = 1011;
/** Bounds of `MAX_DEACTIVATIONS_PER_RUN`. */
export const MIN_DEACTIVATIONS_PER_RUN = 1;
/** Bounds of `MAX_DEACTIVATIONS_PER_RUN`. */
export const MAX_DEACTIVATIONS_PER_RUN = 1000;
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
  const remindEvery = duration("REMIND_EVERY");
  if (remindEvery.ms === 0) invalid("REMIND_EVERY", "must be longer than zero");
  const maxExemption = duration("MAX_EXEMPTION");

  const enforcement = enforcementConfig(read, env, critical, alertStateTable, duration, problems);

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
    remindEvery,
    maxExemption,
    ...(enforcement ? { enforcement } : {}),
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

function enforcementConfig(
  read: (name: string) => string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  critical: { ms: number; label: string },
  alertStateTable: string | undefined,
  duration: (name: keyof typeof CONFIG_DEFAULTS) => { ms: number; label: string },
  problems: (ConfigProblem | string)[],
): EnforcementConfig | undefined {
  const mode = read("ENFORCEMENT") ?? CONFIG_DEFAULTS.ENFORCEMENT;
  if (!ENFORCEMENT_MODES.includes(mode as EnforcementMode)) {
    problems.push({
      variable: "ENFORCEMENT",
      value: env.ENFORCEMENT ?? "",
      reason: () => `expected ${ENFORCEMENT_MODES.map((m) => JSON.stringify(m)).join(", ")}`,
    });
    return undefined;
  }
  const notice = duration("DEACTIVATION_NOTICE");
  const maxRaw = read("MAX_DEACTIVATIONS_PER_RUN") ?? CONFIG_DEFAULTS.MAX_DEACTIVATIONS_PER_RUN;
  const maxPerRun = /^\d+$/.test(maxRaw) ? Number(maxRaw) : Number.NaN;
  if (!(maxPerRun >= MIN_DEACTIVATIONS_PER_RUN && maxPerRun <= MAX_DEACTIVATIONS_PER_RUN)) {
    problems.push({
      variable: "MAX_DEACTIVATIONS_PER_RUN",
      value: env.MAX_DEACTIVATIONS_PER_RUN ?? "",
      reason: () => `expected a whole number from ${MIN_DEACTIVATIONS_PER_RUN} to ${MAX_DEACTIVATIONS_PER_RUN}`,
    });
  }
  const ageRaw = read("DEACTIVATE_AGE");
  if (ageRaw === undefined) {
    if (mode !== "off") {
      problems.push({
        variable: "DEACTIVATE_AGE",
        reason: (name) =>
          `${name("DEACTIVATE_AGE")} is unset: it is required when ${name("ENFORCEMENT")} is ${JSON.stringify(mode)}`,
      });
    }
    return undefined;
  }
  let ageMs = Number.NaN;
  try {
    ageMs = parseDuration(ageRaw);
  } catch (error) {
    const message = (error as Error).message;
    problems.push({ variable: "DEACTIVATE_AGE", value: env.DEACTIVATE_AGE ?? "", reason: () => message });
  }
  if (ageMs < critical.ms) {
    problems.push({
      variable: "DEACTIVATE_AGE",
      reason: (name) =>
        `${name("DEACTIVATE_AGE")}=${JSON.stringify(ageRaw)} is below ${name("CRITICAL_AGE")}=${JSON.stringify(critical.label)}: ` +
        "a key must be critical (and announced) before it can be deactivated",
    });
  }
  // The notice is only proven by a record of the message that named the date.
  if (mode !== "off" && alertStateTable === undefined) {
    problems.push({
      variable: "ENFORCEMENT",
      reason: (name) =>
        `${name("ENFORCEMENT")}=${JSON.stringify(mode)} needs ${name("ALERT_STATE_TABLE")}: the advance notice is recorded in the alert state`,
    });
  }
  return { mode: mode as EnforcementMode, deactivateAge: { ms: ageMs, label: ageRaw }, notice, maxPerRun };
}

function webhookSource(
  parameterName: string | undefined,
  url: string | undefined,
  required: boolean,
  problems: (ConfigProblem | string)[],
): WebhookSource | undefined {
  if (parameterName && url) {
    problems.push({
      variable: "SLACK_WEBHOOK_PARAMETER",
      reason: (name) =>
        `${name("SLACK_WEBHOOK_PARAMETER")}=${quoteSetting(parameterName)} and ${name("SLACK_WEBHOOK_URL")}=${JSON.stringify(maskWebhookUrl(url))} ` +
        "are both set: set exactly one webhook source",
    });
    return undefined;
  }
  if (parameterName) {
    if (!SSM_PARAMETER_NAME.test(parameterName) || parameterName.length > SSM_PARAMETER_MAX_CHARS) {
      const looksLikeUrl = /:\/\//.test(parameterName);
      problems.push({
        variable: "SLACK_WEBHOOK_PARAMETER",
        value: parameterName,
        reason: (name) => {
          if (!looksLikeUrl) {
            return `not a valid SSM parameter name or ARN (at most ${SSM_PARAMETER_MAX_CHARS} characters of letters, digits and _.-/)`;
          }
          const urlName = name("SLACK_WEBHOOK_URL");
          return `this looks like the webhook URL itself: name the SSM parameter that holds it${urlName ? `, or use ${urlName}` : ""}`;
        },
      });
      return undefined;
    }
    return { kind: "ssm-parameter", parameterName };
  }
  if (url) {
    if (!isSecureSlackUrl(url)) {
      problems.push({
        variable: "SLACK_WEBHOOK_URL",
        reason: (name) =>
          `${name("SLACK_WEBHOOK_URL")}=${JSON.stringify(maskWebhookUrl(url))} (masked): expected an https URL ` +
          "(http only to a loopback address, for local tests)",
      });
      return undefined;
    }
    return { kind: "url", url };
  }
  if (required) {
    problems.push({
      variable: "SLACK_WEBHOOK_PARAMETER",
      reason: (name) =>
        name("SLACK_WEBHOOK_URL")
          ? "SLACK_WEBHOOK_PARAMETER and SLACK_WEBHOOK_URL are both unset, and so are SLACK_BOT_TOKEN_PARAMETER and " +
            "SLACK_BOT_TOKEN: set exactly one Slack destination, a webhook or the Slack app's token with SLACK_CHANNEL " +
            "(or DRY_RUN=true to only log the message)"
          : `${name("SLACK_WEBHOOK_PARAMETER")} is missing (required unless ${name("DRY_RUN")} is true, or the Slack ` +
            `app's ${name("SLACK_BOT_TOKEN_PARAMETER")} with ${name("SLACK_CHANNEL")} is set)`,
    });
  }
  return undefined;
}

/**
 * The Slack app settings, or undefined when no bot token is set. A token needs a channel and a
 * channel needs a token; the token is only ever quoted masked.
 */
function slackAppConfig(
  read: (name: string) => string | undefined,
  problems: (ConfigProblem | string)[],
): SlackAppConfig | undefined {
  const parameterName = read("SLACK_BOT_TOKEN_PARAMETER");
  const token = read("SLACK_BOT_TOKEN");
  const channel = read("SLACK_CHANNEL");
  const apiUrlRaw = read("SLACK_API_URL");
  const routesText = read(CHANNEL_ROUTES_VARIABLE);
  const tagText = read(CHANNEL_TAG_VARIABLE);
  const count = problems.length;
  // The token travels with every call: the same rule as the webhook URL, https or loopback only.
  if (apiUrlRaw !== undefined && !isSecureSlackUrl(apiUrlRaw)) {
    problems.push({
      variable: "SLACK_API_URL",
      value: apiUrlRaw,
      reason: () =>
        'expected an https URL such as "https://slack.com/api/" (http only to a loopback address, for local tests)',
    });
  }
  if (parameterName === undefined && token === undefined) {
    if (channel !== undefined) {
      problems.push(
        `SLACK_CHANNEL=${quoteSetting(channel)} is set without SLACK_BOT_TOKEN_PARAMETER or SLACK_BOT_TOKEN: ` +
          "the channel is only used by the Slack app (a webhook decides its own channel)",
      );
    }
    if (routesText !== undefined) {
      problems.push(
        `${CHANNEL_ROUTES_VARIABLE}=${quoteSetting(routesText)} is set without SLACK_BOT_TOKEN_PARAMETER or ` +
          "SLACK_BOT_TOKEN: channels by account are only used by the Slack app",
      );
    }
    if (tagText !== undefined && tagText.toLowerCase() !== "false") {
      problems.push(
        `${CHANNEL_TAG_VARIABLE}=${quoteSetting(tagText)} is set without SLACK_BOT_TOKEN_PARAMETER or ` +
          "SLACK_BOT_TOKEN: channels by account are only used by the Slack app",
      );
    }
    return undefined;
  }
  let source: SlackTokenSource | undefined;
  if (parameterName !== undefined && token !== undefined) {
    problems.push(
      `SLACK_BOT_TOKEN_PARAMETER=${quoteSetting(parameterName)} and SLACK_BOT_TOKEN=${JSON.stringify(maskSlackToken(token))} ` +
        "(masked) are both set: set exactly one token source",
    );
  } else if (parameterName !== undefined) {
    // A token is a valid parameter name too: catch the token pasted into the wrong variable first.
    if (SSM_PARAMETER_NAME.test(parameterName) && !/xox[a-z]-/.test(parameterName)) {
      source = { kind: "ssm-parameter", parameterName };
    } else {
      problems.push({
        variable: "SLACK_BOT_TOKEN_PARAMETER",
        value: parameterName,
        reason: (name) =>
          /xox[a-z]-/.test(parameterName)
            ? `this looks like the token itself: name the SSM parameter that holds it${
                name("SLACK_BOT_TOKEN") ? `, or use ${name("SLACK_BOT_TOKEN")}` : ""
              }`
            : "not a valid SSM parameter name or ARN",
      });
    }
  } else if (token !== undefined) {
    if (isSlackToken(token)) source = { kind: "token", token };
    else {
      problems.push(
        `SLACK_BOT_TOKEN=${JSON.stringify(maskSlackToken(token))} (masked): expected a Slack bot token (xoxb-…)`,
      );
    }
  }
  if (channel === undefined) {
    problems.push(
      `SLACK_CHANNEL is unset: the Slack app needs a default channel for the digest, such as "C0123ABCD" or "#key-age"`,
    );
  } else if (!isSlackChannel(channel)) {
    problems.push({
      variable: "SLACK_CHANNEL",
      value: channel,
      reason: () => 'expected a channel id such as "C0123ABCD" or a channel name such as "#key-age"',
    });
  }
  const parsed = routesText === undefined ? undefined : parseChannelRoutes(routesText, isSlackChannel);
  for (const reason of parsed?.problems ?? []) {
    problems.push({ variable: CHANNEL_ROUTES_VARIABLE, value: routesText, reason: () => reason });
  }
  const tagFlag = (tagText ?? "false").toLowerCase();
  if (tagFlag !== "true" && tagFlag !== "false") {
    problems.push({ variable: CHANNEL_TAG_VARIABLE, value: tagText ?? "", reason: () => 'expected "true" or "false"' });
  }
  if (problems.length > count || source === undefined || channel === undefined) return undefined;
  const apiUrl = apiUrlRaw ?? CONFIG_DEFAULTS.SLACK_API_URL;
  return {
    token: source,
    channel,
    apiUrl: apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`,
    channelsByAccount: parsed?.routes ?? {},
    channelFromAccountTag: tagFlag === "true",
  };
}

/** True for a conversation id (`C…`, `G…`) or a channel name as Slack allows it (lowercase, digits, `-_.`). */
export function isSlackChannel(value: string): boolean {
  return /^([CG][A-Z0-9]{2,20}|#?[a-z0-9][a-z0-9._-]{0,79})$/.test(value);
}

/** True for a Slack token's shape (`xoxb-…`); the SSM read checks a stored token with it too. */
export function isSlackToken(value: string): boolean {
  return /^xox[a-z]-[A-Za-z0-9-]+$/.test(value);
}

/**
 * An https URL, or plain http to a loopback address (a local fake Slack): the webhook URL and the
 * bot token are secrets and the digest names keys, so none may cross a network in clear text.
 */
function isSecureSlackUrl(text: string): boolean {
  try {
    const { protocol, hostname } = new URL(text);
    if (protocol === "https:") return true;
    return protocol === "http:" && isLoopbackHost(hostname);
  } catch {
    return false;
  }
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}
