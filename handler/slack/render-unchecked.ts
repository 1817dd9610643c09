import type { MessagesToSend } from "../alerts/messages-to-send";
import { firstNames } from "../scan/scan-budget";
import { codeText, inertText, SLACK_LIMITS, titledHeader, truncateText, type SlackMessage } from "./slack-message";

/** Inputs of {@link renderUncheckedUsers}. */
export interface UncheckedUsersInput {
  /** The users the scan could not check. */
  readonly uncheckedUsers: readonly string[];
  /** Users the scan did check. */
  readonly usersChecked: number;
  /** The scanned account. */
  readonly accountId: string;
  /** The environment label. @default undefined */
  readonly environmentName?: string;
  /** The run's time. */
  readonly now: Date;
}

/**
 * The message of a scan that stopped on its time budget: how many users it could not check and the
 * first few by name. It never reads as an all-clear for them: their keys are unknown, and the next
 * run checks them first. Posted after the digest of what the scan did find.
 */
export function renderUncheckedUsers(input: UncheckedUsersInput): SlackMessage {
  const count = input.uncheckedUsers.length;
  const users = `${count} ${count === 1 ? "user" : "users"}`;
  const { named, more } = firstNames(input.uncheckedUsers);
  const where = input.environmentName ? `${input.environmentName} · ${input.accountId}` : input.accountId;
  const title = "IAM access keys · scan incomplete · ";
  const names = `${named.map((name) => codeText(name)).join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
  return {
    text: truncateText(
      `IAM access keys in ${inertText(where)}: the scan ran out of time, ${users} not checked`,
      SLACK_LIMITS.maxSectionTextChars,
    ),
    blocks: [
      titledHeader(title, where),
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text:
            `:warning: The scan ran out of time (IAM throttling?): *${users} not checked*. Their keys may be ` +
            "old or unused; nothing is cleared for them. The next run checks them first.",
        },
      },
      {
        type: "section",
        text: { type: "mrkdwn", text: truncateText(`Not checked: ${names}`, SLACK_LIMITS.maxSectionTextChars) },
      },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: `${input.usersChecked} ${input.usersChecked === 1 ? "user" : "users"} checked · scanned ${input.now.toISOString()}`,
          },
        ],
      },
    ],
  };
}

/**
 * The run's messages plus, when users were left unchecked, their message last: the digest's messages
 * keep their indexes, so a partial delivery is still recorded message by message.
 */
export function withUncheckedUsers(sent: MessagesToSend, input: UncheckedUsersInput): MessagesToSend {
  if (input.uncheckedUsers.length === 0) return sent;
  return {
    messages: [...sent.messages, renderUncheckedUsers(input)],
    namedPerMessage: [...sent.namedPerMessage, []],
    heartbeatOnly: false,
  };
}
