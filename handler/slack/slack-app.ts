import type { SlackAppConfig } from "../runtime/config";
import { redactSlackToken } from "../runtime/mask";
import type { OwnerLookup, OwnerMessage } from "./owner-messages";
import type { SlackMessage } from "./slack-message";
import type { DeliveryReport } from "./deliver-to-slack";
import { deliverToSlackApp } from "./deliver-to-slack-app";
import { sendOwnerMessages, type OwnerMessagesReport } from "./send-owner-messages";
import { createSlackUserDirectory, type SlackUserDirectory } from "./slack-user-directory";
import { createSlackWebApi } from "./slack-web-api";
import type { SlackTokenProvider } from "./webhook-secret";

/** What one run can do through the Slack app. */
export interface SlackAppSession {
  /** The digest's channel (`SLACK_CHANNEL`). */
  readonly channel: string;
  /** Posts the digest to the channel. */
  deliver(messages: readonly SlackMessage[]): Promise<DeliveryReport>;
  /** Finds the owners' Slack members by email. */
  lookupOwners(emails: readonly string[]): Promise<ReadonlyMap<string, OwnerLookup>>;
  /** Sends the owners their direct messages. */
  sendOwnerMessages(messages: readonly OwnerMessage[]): Promise<OwnerMessagesReport>;
  /** Hides the token in `text`. */
  redact(text: string): string;
  /** The same session (client, owner directory) posting to another channel: an account's own. */
  inChannel(channel: string): SlackAppSession;
}

/** Options of {@link createSlackAppConnector}. */
export interface SlackAppConnectorOptions {
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * Connects a run to the Slack app: resolves the bot token (cached like the webhook URL) and keeps
 * one client and one owner directory per token in the container, so found owners are remembered
 * across warm runs. `remainingTimeMs` bounds this invocation's retries.
 */
export function createSlackAppConnector(
  config: SlackAppConfig,
  token: SlackTokenProvider,
  options: SlackAppConnectorOptions = {},
): (remainingTimeMs?: () => number) => Promise<SlackAppSession> {
  let current: { token: string; session: SlackAppSession } | undefined;
  let deadline: (() => number) | undefined;
  return async (remainingTimeMs) => {
    deadline = remainingTimeMs;
    const value = await token();
    if (current?.token === value) return current.session;
    const api = createSlackWebApi({
      token: value,
      apiUrl: config.apiUrl,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      remainingTimeMs: () => deadline?.() ?? Number.POSITIVE_INFINITY,
    });
    const directory: SlackUserDirectory = createSlackUserDirectory(api);
    const sessionIn = (channel: string): SlackAppSession => ({
      channel,
      deliver: (messages) => deliverToSlackApp(messages, { api, channel }),
      lookupOwners: (emails) => directory.lookupAll(emails),
      sendOwnerMessages: (messages) => sendOwnerMessages(messages, api),
      redact: (text) => redactSlackToken(text, value),
      inChannel: sessionIn,
    });
    const session = sessionIn(config.channel);
    current = { token: value, session };
    return session;
  };
}
