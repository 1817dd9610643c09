import { CHANNEL_ROUTES_VARIABLE, CHANNEL_TAG_VARIABLE, parseChannelRoutes } from "../../organization/channel-routing";
import { CONFIG_DEFAULTS } from "./config-defaults";
import type { ConfigProblem } from "./config-problem";
import { parseDuration } from "../duration";
import { maskSlackToken, maskWebhookUrl, quoteSetting } from "../mask";
import { parseSlackRateLimits, SLACK_RATE_LIMITS_VARIABLE } from "./slack-rate-limits";

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
  /**
   * The client's own pace per Web API method, calls per minute (`SLACK_RATE_LIMITS` over Slack's
   * tiers). @default users.lookupByEmail 50, conversations.open 50, chat.postMessage 300
   */
  readonly rateLimits: Readonly<Record<string, number>>;
  /** How long an owner's Slack member id, found by email, is remembered (`SLACK_OWNER_CACHE_TTL`). @default 7d */
  readonly ownerCacheTtl: { readonly ms: number; readonly label: string };
}

// SSM's API takes names of up to 2048 characters, but a parameter's full ARN may be at most 1011
// (the rest is room for system attributes): 1011 is the limit a name can actually reach.
const SSM_PARAMETER_NAME = /^(arn:aws[a-z-]*:ssm:\S+|[a-zA-Z0-9_.\-/]+)$/;
const SSM_PARAMETER_MAX_CHARS = 1011;
/** The webhook settings (`SLACK_WEBHOOK_PARAMETER` or `SLACK_WEBHOOK_URL`), problems collected. */
export function webhookSource(
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
export function slackAppConfig(
  read: (name: string) => string | undefined,
  problems: (ConfigProblem | string)[],
): SlackAppConfig | undefined {
  const parameterName = read("SLACK_BOT_TOKEN_PARAMETER");
  const token = read("SLACK_BOT_TOKEN");
  const channel = read("SLACK_CHANNEL");
  const apiUrlRaw = read("SLACK_API_URL");
  const routesText = read(CHANNEL_ROUTES_VARIABLE);
  const tagText = read(CHANNEL_TAG_VARIABLE);
  const ratesText = read(SLACK_RATE_LIMITS_VARIABLE);
  const cacheTtlText = read("SLACK_OWNER_CACHE_TTL");
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
    for (const [variable, value] of [
      [SLACK_RATE_LIMITS_VARIABLE, ratesText],
      ["SLACK_OWNER_CACHE_TTL", cacheTtlText],
    ] as const) {
      if (value !== undefined) {
        problems.push(
          `${variable}=${quoteSetting(value)} is set without SLACK_BOT_TOKEN_PARAMETER or SLACK_BOT_TOKEN: ` +
            "it is only used by the Slack app",
        );
      }
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
  const rates = parseSlackRateLimits(ratesText);
  for (const reason of rates.problems) {
    problems.push({ variable: SLACK_RATE_LIMITS_VARIABLE, value: ratesText ?? "", reason: () => reason });
  }
  const ownerCacheTtl = ownerCacheDuration(cacheTtlText ?? CONFIG_DEFAULTS.SLACK_OWNER_CACHE_TTL, problems);
  if (problems.length > count || source === undefined || channel === undefined) return undefined;
  const apiUrl = apiUrlRaw ?? CONFIG_DEFAULTS.SLACK_API_URL;
  return {
    token: source,
    channel,
    apiUrl: apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`,
    channelsByAccount: parsed?.routes ?? {},
    channelFromAccountTag: tagFlag === "true",
    rateLimits: rates.limits,
    ownerCacheTtl,
  };
}

/** `SLACK_OWNER_CACHE_TTL`: a duration longer than zero. */
function ownerCacheDuration(
  label: string,
  problems: (ConfigProblem | string)[],
): { readonly ms: number; readonly label: string } {
  try {
    const ms = parseDuration(label);
    if (ms > 0) return { ms, label };
    problems.push({ variable: "SLACK_OWNER_CACHE_TTL", value: label, reason: () => "must be longer than zero" });
  } catch (error) {
    const message = (error as Error).message;
    problems.push({ variable: "SLACK_OWNER_CACHE_TTL", value: label, reason: () => message });
  }
  return { ms: Number.NaN, label };
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
 * bot token are secrets and the digest names keys, so none may cross a network in clear text. The one
 * rule for a webhook URL set directly, read from SSM, and for `SLACK_API_URL`.
 */
export function isSecureSlackUrl(text: string): boolean {
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
