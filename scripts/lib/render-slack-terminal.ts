import { ANSI_STYLE, PLAIN_STYLE, type TerminalStyle } from "../../cli/terminal-style";
import type { SlackBlock, SlackMessage } from "../../handler/slack/slack-message";

/** The styles a rendered message uses. */
type Styles = Pick<TerminalStyle, "bold" | "dim">;

const EMOJI: Readonly<Record<string, string>> = {
  ":red_circle:": "🔴",
  ":large_orange_circle:": "🟠",
  ":zzz:": "💤",
  ":white_check_mark:": "✅",
  ":black_circle:": "⚫",
  ":warning:": "⚠️",
  ":rotating_light:": "🚨",
};

/** Turns Slack mrkdwn into terminal text: bold, emoji shortcodes, links and HTML entities. */
function mrkdwnToTerminal(text: string, styles: Styles): string {
  return text
    .replace(/:[a-z_]+:/g, (code) => EMOJI[code] ?? code)
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, "$2 ($1)")
    .replace(/\*([^*\n]+)\*/g, (_, inner: string) => styles.bold(inner))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function renderBlock(block: SlackBlock, styles: Styles, width: number): string[] {
  switch (block.type) {
    case "header":
      return [styles.bold(mrkdwnToTerminal(block.text.text, PLAIN_STYLE))];
    case "section":
      return mrkdwnToTerminal(block.text.text, styles).split("\n");
    case "context":
      return block.elements.map((element) => styles.dim(mrkdwnToTerminal(element.text, PLAIN_STYLE)));
    case "divider":
      return [styles.dim("─".repeat(width))];
  }
}

/** Renders a Slack message as a framed block of terminal text, the way a reader would see it. */
export function renderSlackForTerminal(
  message: SlackMessage,
  options: { color?: boolean; width?: number } = {},
): string {
  const styles = options.color ? ANSI_STYLE : PLAIN_STYLE;
  const width = options.width ?? 72;
  const lines = message.blocks.flatMap((block) => renderBlock(block, styles, width - 4));
  return [`┌${"─".repeat(width - 2)}`, ...lines.map((line) => `│ ${line}`), `└${"─".repeat(width - 2)}`].join("\n");
}
