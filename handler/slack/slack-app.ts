import type { SlackAppConfig } from "../runtime/config/config";
import { redactSlackToken } from "../runtime/mask";
import type { DeliveryReport } from "./deliver-to-slack";
import { deliverToSlackApp } from "./deliver-to-slack-app";
import { freshOwners, type CachedOwner } from "./owners/owner-cache";
import { createMemoryOwnerCacheStore, type OwnerCacheStore } from "./owners/owner-cache-store";
import type { OwnerMessage } from "./owners/render-owner-messages";
import { tellOwners, type OwnerOutcome, type TellOwnersReport } from "./owners/tell-owners";
import type { SlackMessage } from "./slack-message";
import { createSlackWebApi } from "./slack-web-api";
import type { SlackTokenProvider } from "./webhook-secret";

/**
 * Time kept back from the owners' lookups and messages at the end of an invocation: for the last
 * alert-state and cache writes and the summary line.
 */
export const OWNER_MARGIN_MS = 10_000;

/** The owners' side of a session: the cache of member ids and the direct messages. */
export interface SlackOwners {
  /** The cache's fresh entries for these addresses; throws an OwnerCacheError when it cannot be read. */
  cached(emails: readonly string[]): Promise<ReadonlyMap<string, CachedOwner>>;
  /** The cache itself, to remember what a run learnt. */
  readonly cache: OwnerCacheStore;
  /** How long a member found is remembered (`SLACK_OWNER_CACHE_TTL`). */
  readonly cacheTtlMs: number;
  /**
   * Looks the owners up and sends their direct messages until the invocation's end less
   * {@link OWNER_MARGIN_MS} (see tell-owners.ts).
   */
  tell(
    messages: readonly OwnerMessage[],
    cached: ReadonlyMap<string, CachedOwner>,
    onOutcome?: (outcome: OwnerOutcome) => void,
  ): Promise<TellOwnersReport>;
}

/** What one run can do through the Slack app. */
export interface SlackAppSession {
  /** The digest's channel (`SLACK_CHANNEL`). */
  readonly channel: string;
  /** Posts the digest to the channel. */
  deliver(messages: readonly SlackMessage[]): Promise<DeliveryReport>;
  /** The key owners: their member ids and direct messages. */
  readonly owners: SlackOwners;
  /** Hides the token in `text`. */
  redact(text: string): string;
  /** The same session (client, limits, owner cache) posting to another channel: an account's own. */
  inChannel(channel: string): SlackAppSession;
}

/** Options of {@link createSlackAppConnector}. */
export interface SlackAppConnectorOptions {
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** Where owners' member ids are remembered. @default the container's memory */
  readonly ownerCache?: OwnerCacheStore;
  /** @default Date.now */
  readonly clock?: () => number;
}

/**
 * Connects a run to the Slack app: resolves the bot token (cached like the webhook URL) and keeps one
 * client per token in the container, so its per-method rate limits and Slack's `Retry-After` carry
 * across warm runs. `remainingTimeMs` bounds this invocation's retries and its owners' work.
 */
export function createSlackAppConnector(
  config: SlackAppConfig,
  token: SlackTokenProvider,
  options: SlackAppConnectorOptions = {},
): (remainingTimeMs?: () => number) => Promise<SlackAppSession> {
  const clock = options.clock ?? Date.now;
  const cache = options.ownerCache ?? createMemoryOwnerCacheStore();
  let current: { token: string; session: SlackAppSession } | undefined;
  let deadline: (() => number) | undefined;
  return async (remainingTimeMs) => {
    deadline = remainingTimeMs;
    const value = await token();
    if (current?.token === value) return current.session;
    const api = createSlackWebApi({
      token: value,
      apiUrl: config.apiUrl,
      rateLimits: config.rateLimits,
      clock,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      remainingTimeMs: () => deadline?.() ?? Number.POSITIVE_INFINITY,
    });
    const owners: SlackOwners = {
      cache,
      cacheTtlMs: config.ownerCacheTtl.ms,
      cached: async (emails) => freshOwners(await cache.get(emails), new Date(clock())),
      tell: (messages, cached, onOutcome) =>
        tellOwners(messages, {
          api,
          cached,
          clock,
          deadline: clock() + (deadline?.() ?? Number.POSITIVE_INFINITY) - OWNER_MARGIN_MS,
          ...(onOutcome ? { onOutcome } : {}),
        }),
    };
    const sessionIn = (channel: string): SlackAppSession => ({
      channel,
      deliver: (messages) => deliverToSlackApp(messages, { api, channel }),
      owners,
      redact: (text) => redactSlackToken(text, value),
      inChannel: sessionIn,
    });
    const session = sessionIn(config.channel);
    current = { token: value, session };
    return session;
  };
}
