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

// U+2060 WORD JOINER: invisible, yet it stops Slack (and its `link_names` parsing) from reading what
// follows as markup. A zero-width space would do too, but could wrap a line in the middle of a name.
const JOINER = "\u2060";
// `@here`, `@channel`, `@everyone`, `@name` and `#channel` only count at the start of a word.
const WORD_START_SIGIL = /(^|[^\p{L}\p{N}_])([@#])(?=[\p{L}\p{N}_])/gu;

/**
 * Makes free text (a user name, a tag value, an environment name) inert in mrkdwn and in plain text:
 * escapes Slack's control characters, so `<!channel>` or `<https://x|y>` stays text, and breaks
 * what Slack would otherwise turn into a mention, a broadcast, a channel link or a link
 * (`@channel`, `@here`, `#general`, `https://…`, `evil.example`, `a@b.example`) with an invisible
 * word joiner. A backtick becomes a look-alike `ˋ`, so free text never opens a code span. The only mentions a message may carry are the validated `key-age:owner` ones, which
 * are added as markup, never passed through here.
 */
export function inertText(text: string): string {
  return escapeMrkdwn(text)
    .replace(/`/g, "ˋ")
    .replace(WORD_START_SIGIL, `$1$2${JOINER}`)
    .replace(/:\/\//g, `:${JOINER}//`)
    .replace(/([\p{L}\p{N}])\.(?=[\p{L}\p{N}])/gu, `$1.${JOINER}`);
}

/**
 * Shows free text as inline code: Slack neither links nor formats inside it, so dots stay as they are
 * (a copied user name must work in a shell), while `<`, `&`, `>`, `@here`-style words and `://` are
 * still defused, and a backtick, which would end the code span, becomes a look-alike `ˋ`.
 */
export function codeText(text: string): string {
  const inner = escapeMrkdwn(text)
    .replace(/`/g, "ˋ")
    .replace(WORD_START_SIGIL, `$1$2${JOINER}`)
    .replace(/:\/\//g, `:${JOINER}//`);
  return `\`${inner}\``;
}

/** Cuts `text` to at most `max` characters, ending with `…` when it had to cut. */
export function truncateText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
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
