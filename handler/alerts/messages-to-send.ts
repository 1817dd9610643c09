import type { Announcement } from "./alert-transitions";
import { renderHeartbeat, type HeartbeatInput, type RenderedDigest } from "../slack/render-digest";
import type { SlackMessage } from "../slack/slack-message";

/** The payloads a run posts, and which keys each one names. */
export interface MessagesToSend {
  /** Payloads to post, in order; empty when there is nothing to say. */
  readonly messages: readonly SlackMessage[];
  /** The announcements each message names by their own line (the heartbeat names none). */
  readonly namedPerMessage: readonly (readonly Announcement[])[];
  /** True when the only message is the heartbeat's all-clear. */
  readonly heartbeatOnly: boolean;
}

/**
 * The digest, or on a heartbeat run with nothing else to post, the all-clear alone: any digest
 * already proves the monitor runs, so the heartbeat never adds a second message to one.
 */
export function messagesToSend(
  digest: RenderedDigest,
  heartbeatRun: boolean,
  heartbeat: HeartbeatInput,
): MessagesToSend {
  if (heartbeatRun && digest.messages.length === 0) {
    return { messages: [renderHeartbeat(heartbeat)], namedPerMessage: [[]], heartbeatOnly: true };
  }
  return { messages: digest.messages, namedPerMessage: digest.namedPerMessage, heartbeatOnly: false };
}
