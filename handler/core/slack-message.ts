/** Slack's documented limits for one message posted through an incoming webhook. */
export const SLACK_LIMITS = {
  /** Blocks per message. */
  maxBlocks: 50,
  /** Characters in a section block's text. */
  maxSectionTextChars: 3000,
  /** Characters in a header block's plain text. */
  maxHeaderTextChars: 150,
  /** Characters in one context element's text. */
  maxContextTextChars: 3000,
} as const;

/** A Block Kit header block. */
export interface HeaderBlock {
  readonly type: "header";
  readonly text: { readonly type: "plain_text"; readonly text: string; readonly emoji: true };
}

/** A Block Kit section block with mrkdwn text. */
export interface SectionBlock {
  readonly type: "section";
  readonly text: { readonly type: "mrkdwn"; readonly text: string };
}

/** A Block Kit divider. */
export interface DividerBlock {
  readonly type: "divider";
}

/** A Block Kit context block with mrkdwn elements. */
export interface ContextBlock {
  readonly type: "context";
  readonly elements: readonly { readonly type: "mrkdwn"; readonly text: string }[];
}

/** The blocks the digest uses. */
export type SlackBlock = HeaderBlock | SectionBlock | DividerBlock | ContextBlock;

/**
 * One incoming-webhook payload. It carries no channel, username or icon overrides: the webhook's
 * own settings decide where and as whom it posts.
 */
export interface SlackMessage {
  /** Plain fallback for notifications and clients that cannot show blocks. */
  readonly text: string;
  /** The Block Kit layout. */
  readonly blocks: readonly SlackBlock[];
}

/** Escapes `&`, `<` and `>` as Slack's mrkdwn requires for text that is not markup. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Cuts `text` to at most `max` characters, ending with `…` when it had to cut. */
export function truncateText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
