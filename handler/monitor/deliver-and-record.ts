import type { AlertPlan, StateChange } from "../alerts/alert-transitions";
import type { MessagesToSend } from "../alerts/messages-to-send";
import { changesToRecord, messagesPostedBefore } from "../alerts/record-after-delivery";
import { errorFields } from "../runtime/error-fields";
import type { Logger } from "../runtime/logger";
import type { SlackMessage } from "../slack/slack-message";
import type { OwnerStep } from "./owner-step";
import type { RunMonitorDeps } from "./run-monitor-deps";

/** Where the digest goes: the webhook, or the Slack app's channel. */
export interface DigestChannel {
  deliver(messages: readonly SlackMessage[]): Promise<{ messagesPosted: number }>;
}

/** The webhook as a {@link DigestChannel}. */
export function webhookChannel(deps: RunMonitorDeps, webhookUrl: string): DigestChannel {
  return { deliver: (messages) => deps.deliver(messages, webhookUrl) };
}

/** Posts one message (the enforcement message) where the digest went. */
export function deliverOne(channel: DigestChannel): (message: SlackMessage) => Promise<void> {
  return async (message) => {
    await channel.deliver([message]);
  };
}

/** What the channel's delivery recorded. */
export interface ChannelDelivery {
  readonly messagesPosted: number;
  /** The alert-state changes of the delivery, before the owners' state was folded in. */
  readonly complete: readonly StateChange[];
}

/**
 * Posts the messages, then records in the alert state what Slack accepted: everything after a
 * complete delivery, the announcements of the accepted messages after a failure part-way. With the
 * Slack app the same write marks every owner of a named key pending, before any owner is looked up,
 * so a run killed later loses no owner. A failure to record after a failed delivery is logged, not
 * thrown: the delivery error is the one the run fails with.
 */
export async function deliverAndRecord(
  deps: RunMonitorDeps,
  sent: MessagesToSend,
  plan: AlertPlan | undefined,
  channel: DigestChannel | undefined,
  owners: OwnerStep | undefined,
  logger: Logger,
): Promise<ChannelDelivery> {
  const record = plan && deps.alertState ? deps.alertState.apply : undefined;
  const withOwners = (changes: readonly StateChange[]) => (owners ? owners.withOwnersPending(changes) : changes);
  let messagesPosted = 0;
  if (sent.messages.length > 0 && channel) {
    try {
      messagesPosted = (await channel.deliver(sent.messages)).messagesPosted;
    } catch (error) {
      const partial =
        plan && record
          ? changesToRecord(plan, sent.namedPerMessage, {
              complete: false,
              messagesPosted: messagesPostedBefore(error),
            })
          : [];
      const changes = withOwners(partial);
      if (record && changes.length > 0) {
        await record(changes).catch((recordError: unknown) =>
          logger.warn(
            "could not record the announcements Slack accepted before the failure; they will be sent again",
            errorFields(recordError),
          ),
        );
      }
      throw error;
    }
  }
  const complete = plan ? changesToRecord(plan, sent.namedPerMessage, { complete: true }) : [];
  // Recorded only now that Slack accepted every message: a failed run announces it all again.
  if (plan && record) await record(withOwners(complete));
  return { messagesPosted, complete };
}
