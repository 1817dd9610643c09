import type { SlackMessage } from "./slack-message";
import { SlackDeliveryError, type DeliveryReport } from "./deliver-to-slack";
import { SlackApiError, type SlackWebApi } from "./slack-web-api";

/**
 * Posts each message to `channel` through `chat.postMessage`, in order: the Slack app's counterpart of
 * the webhook delivery, with the same report and the same error, so the run records exactly what
 * Slack accepted either way. Retries and pacing are the client's (see slack-web-api.ts).
 */
export async function deliverToSlackApp(
  messages: readonly SlackMessage[],
  options: { readonly api: SlackWebApi; readonly channel: string },
): Promise<DeliveryReport> {
  const before = options.api.attempts();
  for (const [index, message] of messages.entries()) {
    try {
      await options.api.postMessage(options.channel, { text: message.text, blocks: message.blocks });
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      const which = messages.length > 1 ? `message ${index + 1} of ${messages.length}` : "the message";
      throw new SlackDeliveryError(`Slack did not accept ${which} in ${options.channel}: ${error.message}`, {
        reason: error.reason,
        messagesPosted: index,
        ...(error.status !== undefined ? { status: error.status } : {}),
      });
    }
  }
  return { messagesPosted: messages.length, attempts: options.api.attempts() - before };
}
