import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { ACCOUNT_CHANNEL_TAG } from "../runtime/aws-contract";
import { SUPPORT_CLIENT_CONFIG } from "../runtime/client-config";
import { isSlackChannel } from "../runtime/config/config";
import { errorFields } from "../runtime/error-fields";
import type { Logger } from "../runtime/logger";
import { SlackDeliveryError, type DeliveryReport } from "../slack/deliver-to-slack";
import type { SlackAppSession } from "../slack/slack-app";
import type { SlackMessage } from "../slack/slack-message";
import { slackDeps, type Container, type HandlerContext } from "../container";
import { readAccountChannelTag } from "./account-channel-tag";
import { accountRoute, isUnusableChannel, renderRouteFallback, type AccountRoute } from "./channel-routing";
import { accountLabel, type OrganizationAccount } from "./organization-scope";

/**
 * What one account's run learnt about its route, shared by its Slack sessions (the digest's and the
 * account-status line's), so the fallback line is posted once per run, not once per session.
 */
export interface RouteMemory {
  /** The account's channel refused a post: later sessions go straight to the default channel. */
  fellBack?: boolean;
}

/**
 * The Slack side of one account's run: with the Slack app, its messages go to the account's channel
 * (`SLACK_CHANNELS_BY_ACCOUNT`, then the account's `key-age:slack-channel` tag when
 * `SLACK_CHANNEL_FROM_ACCOUNT_TAG` is true, else `SLACK_CHANNEL`); a webhook has one channel for all.
 * A channel the app cannot post to sends the account's messages to `SLACK_CHANNEL` instead, after one
 * line naming the tag or map entry, so a wrong route never silences an account.
 */
export function accountSlackDeps(
  state: Container,
  account: OrganizationAccount,
  logger: Logger,
  context?: HandlerContext,
  abortSignal?: AbortSignal,
  memory: RouteMemory = {},
): ReturnType<typeof slackDeps> {
  const deps = slackDeps(state, context);
  const app = state.config.slackApp;
  const connect = deps.slackApp;
  if (!app || !connect) return deps;
  let session: Promise<SlackAppSession> | undefined;
  const open = async (): Promise<SlackAppSession> => {
    const tagged =
      app.channelsByAccount[account.id] || !app.channelFromAccountTag
        ? undefined
        : await taggedChannel(account.id, logger, abortSignal);
    const route = accountRoute(account.id, app.channelsByAccount, app.channel, tagged);
    const base = await connect();
    if (route.source === "default" || memory.fellBack)
      return base.inChannel(memory.fellBack ? app.channel : route.channel);
    return withFallback(base.inChannel(route.channel), base.inChannel(app.channel), route, accountLabel(account), {
      logger,
      memory,
    });
  };
  return { ...deps, slackApp: () => (session ??= open()) };
}

/**
 * A session posting to the account's own channel that, when Slack says the app cannot post there,
 * posts the notice and the messages not yet accepted to the default channel, and keeps to it for the
 * rest of the run.
 */
function withFallback(
  routed: SlackAppSession,
  fallback: SlackAppSession,
  route: AccountRoute,
  account: string,
  { logger, memory }: { readonly logger: Logger; readonly memory: RouteMemory },
): SlackAppSession {
  let current = routed;
  const deliver = async (messages: readonly SlackMessage[]): Promise<DeliveryReport> => {
    if (current === fallback) return fallback.deliver(messages);
    try {
      return await routed.deliver(messages);
    } catch (error) {
      if (!(error instanceof SlackDeliveryError) || !isUnusableChannel(error.reason)) throw error;
      logger.warn("the account's channel cannot be posted to; its messages go to the default channel", {
        channel: route.channel,
        source: route.source,
        reason: error.reason,
        defaultChannel: fallback.channel,
      });
      current = fallback;
      memory.fellBack = true;
      const before = error.messagesPosted;
      const notice = renderRouteFallback({ account, route, reason: error.reason, defaultChannel: fallback.channel });
      try {
        await fallback.deliver([notice]);
        const rest = await fallback.deliver(messages.slice(before));
        return { messagesPosted: before + rest.messagesPosted, attempts: rest.attempts };
      } catch (fallbackError) {
        // The announcements of the messages either channel accepted are still recorded.
        if (fallbackError instanceof SlackDeliveryError) {
          throw new SlackDeliveryError(fallbackError.message, {
            reason: fallbackError.reason,
            messagesPosted: before + fallbackError.messagesPosted,
            ...(fallbackError.status !== undefined ? { status: fallbackError.status } : {}),
          });
        }
        throw fallbackError;
      }
    }
  };
  return {
    get channel() {
      return current.channel;
    },
    deliver,
    owners: routed.owners,
    redact: (text) => routed.redact(text),
    inChannel: (channel) => routed.inChannel(channel),
  };
}

let organizations: OrganizationsClient | undefined;

/**
 * The channel the account's tag names, or undefined: a tag that is no channel, or a failed read, is
 * logged and the account's messages go to the default channel, so its keys are still named.
 */
async function taggedChannel(
  accountId: string,
  logger: Logger,
  abortSignal?: AbortSignal,
): Promise<string | undefined> {
  try {
    const value = await readAccountChannelTag(
      (organizations ??= new OrganizationsClient(SUPPORT_CLIENT_CONFIG)),
      accountId,
      abortSignal,
    );
    if (value === undefined || isSlackChannel(value)) return value;
    logger.warn("account channel tag is not a Slack channel; using the default channel", {
      account: accountId,
      tag: ACCOUNT_CHANNEL_TAG,
      value,
    });
  } catch (error) {
    logger.warn("account channel tag could not be read; using the default channel", {
      account: accountId,
      tag: ACCOUNT_CHANNEL_TAG,
      ...errorFields(error),
    });
  }
  return undefined;
}

/** Posts one message the way the run posts its digest: the Slack app, the webhook, or the log (dry run). */
export async function postOne(
  deps: ReturnType<typeof slackDeps>,
  message: SlackMessage,
  logger: Logger,
): Promise<void> {
  if (deps.config.dryRun) {
    logger.info("dry run: Slack payload not posted", { payload: message });
    return;
  }
  if (deps.slackApp) {
    await (await deps.slackApp()).deliver([message]);
    return;
  }
  if (!deps.webhookUrl) throw new Error("No webhook source configured and DRY_RUN is not true");
  await deps.deliver([message], await deps.webhookUrl());
}
