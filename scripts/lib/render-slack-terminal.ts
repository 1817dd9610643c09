import type { SlackBlock, SlackMessage } from "../../handler/core/slack-message";

/** ANSI styles; empty strings when colour is off. */
interface Styles {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
}

const ANSI: Styles = { bold: (t) => `\x1b[1m${t}\x1b[22m`, dim: (t) => `\x1b[2m${t}\x1b[22m` };
const PLAIN: Styles = { bold: (t) => t, dim: (t) => t };

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
      return [styles.bold(mrkdwnToTerminal(block.text.text, PLAIN))];
    case "section":
      return mrkdwnToTerminal(block.text.text, styles).split("\n");
    case "context":
      return block.elements.map((element) => styles.dim(mrkdwnToTerminal(element.text, PLAIN)));
    case "divider":
      return [styles.dim("─".repeat(width))];
  }
}

/** Renders a Slack message as a framed block of terminal text, the way a reader would see it. */
export function renderSlackForTerminal(
  message: SlackMessage,
  options: { color?: boolean; width?: number } = {},
): string {
  const styles = options.color ? ANSI : PLAIN;
  const width = options.width ?? 72;
  const lines = message.blocks.flatMap((block) => renderBlock(block, styles, width - 4));
  return [`┌${"─".repeat(width - 2)}`, ...lines.map((line) => `│ ${line}`), `└${"─".repeat(width - 2)}`].join("\n");
}
