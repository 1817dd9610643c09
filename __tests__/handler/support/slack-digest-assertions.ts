import { SLACK_LIMITS, type SlackMessage } from "../../../handler/slack/slack-message";

const MASKED_KEY = /[A-Z0-9]{4}…[A-Z0-9]{4}/;

/** Asserts one payload keeps Slack's block, section, header and context limits and has a fallback. */
export function expectWithinSlackLimits(message: SlackMessage): void {
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxSectionTextChars);
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.maxBlocks);
  expect(message.blocks[0]?.type).toBe("header");
  for (const block of message.blocks) {
    if (block.type === "header") {
      expect(block.text.type).toBe("plain_text");
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxHeaderTextChars);
    } else if (block.type === "section") {
      expect(block.text.text.length).toBeGreaterThan(0);
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxSectionTextChars);
    } else if (block.type === "context") {
      for (const element of block.elements) {
        expect(element.text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxContextTextChars);
      }
    }
  }
  expect(Object.keys(message).sort()).toEqual(["blocks", "text"]); // no channel/username/icon overrides
}

/** Key lines (lines that show a masked key id) across all payloads. */
export function listedKeyLines(messages: readonly SlackMessage[]): string[] {
  return messages.flatMap((message) =>
    message.blocks.flatMap((block) =>
      block.type === "section" ? block.text.text.split("\n").filter((line) => MASKED_KEY.test(line)) : [],
    ),
  );
}

/** The N of "… and N more", or 0 when every flagged key is listed. */
export function unlistedCount(messages: readonly SlackMessage[]): number {
  const notes = messages.flatMap((message) =>
    message.blocks.flatMap((block) => {
      if (block.type !== "section") return [];
      const match = /… and (\d+) more flagged keys?/.exec(block.text.text);
      return match ? [Number(match[1])] : [];
    }),
  );
  expect(notes.length).toBeLessThanOrEqual(1);
  return notes[0] ?? 0;
}
