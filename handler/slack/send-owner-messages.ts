import { errorMessage } from "../runtime/error-fields";
import type { OwnerMessage } from "./owner-messages";
import type { SlackWebApi } from "./slack-web-api";

/** What happened to the owners' direct messages. */
export interface OwnerMessagesReport {
  /** Addresses whose message Slack accepted. */
  readonly sent: readonly string[];
  /** Addresses whose message failed, with Slack's reason; they stay pending and are retried next run. */
  readonly failed: readonly { readonly email: string; readonly reason: string }[];
}

/**
 * Posts each owner's direct message to the member id (`chat.postMessage` opens the app's conversation
 * with them, so no `conversations.open` and no `im:write` scope are needed). One owner's failure does
 * not stop the others, and never fails the run: the channel already named every key.
 */
export async function sendOwnerMessages(
  messages: readonly OwnerMessage[],
  api: SlackWebApi,
): Promise<OwnerMessagesReport> {
  const sent: string[] = [];
  const failed: { email: string; reason: string }[] = [];
  for (const owner of messages) {
    try {
      await api.postMessage(owner.userId, { text: owner.message.text, blocks: owner.message.blocks });
      sent.push(owner.email);
    } catch (error) {
      failed.push({ email: owner.email, reason: errorMessage(error) });
    }
  }
  return { sent, failed };
}
