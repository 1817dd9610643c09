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

// Free text is made inert in one place (inert-text.ts); renderers import it from here or there.
export { codeText, escapeMrkdwn, inertText } from "./inert-text";
import { inertText } from "./inert-text";

/** Cuts `text` to at most `max` characters, ending with `…` when it had to cut. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never end on half a mention or link (`<@U0…`), half an entity (`&am…`) or half a surrogate pair.
  const cutAt = (length: number) =>
    text.slice(0, Math.max(0, length)).replace(/<[^>]*$|&[a-z]{0,3}$|[\uD800-\uDBFF]$/, "");
  const cut = cutAt(max - 1);
  // A code span cut open would swallow the text after it: close it.
  if ((cut.match(/`/g) ?? []).length % 2 === 0) return `${cut}…`;
  const shorter = cutAt(max - 2);
  return (shorter.match(/`/g) ?? []).length % 2 === 0 ? `${shorter}…` : `${shorter}\`…`;
}

/**
 * A header block: a fixed `title`, then `where` (environment and account) made inert and cut to fit
 * Slack's header limit, so a long name never costs the title.
 */
export function titledHeader(title: string, where: string): HeaderBlock {
  return {
    type: "header",
    text: {
      type: "plain_text",
      text: `${title}${truncateText(inertText(where), SLACK_LIMITS.maxHeaderTextChars - title.length)}`,
      emoji: true,
    },
  };
}

/** A section block of mrkdwn text. */
export function sectionBlock(text: string): SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}
