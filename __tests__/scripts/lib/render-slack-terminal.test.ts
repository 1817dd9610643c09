import { renderSlackForTerminal } from "../../../scripts/lib/render-slack-terminal";

describe("renderSlackForTerminal", () => {
  const message = {
    text: "fallback",
    blocks: [
      { type: "header" as const, text: { type: "plain_text" as const, text: "Keys · dev", emoji: true as const } },
      {
        type: "section" as const,
        text: { type: "mrkdwn" as const, text: ":red_circle: *Critical*\n`alice` AKIA…WXYZ &lt;@U1&gt;" },
      },
      { type: "divider" as const },
      { type: "context" as const, elements: [{ type: "mrkdwn" as const, text: "scanned now" }] },
    ],
  };

  test("shows every block as plain framed lines", () => {
    expect(renderSlackForTerminal(message, { width: 20 }).split("\n")).toEqual([
      "┌──────────────────",
      "│ Keys · dev",
      "│ 🔴 Critical",
      "│ `alice` AKIA…WXYZ <@U1>",
      "│ ────────────────",
      "│ scanned now",
      "└──────────────────",
    ]);
  });

  test("uses ANSI bold for mrkdwn bold only when colour is on", () => {
    expect(renderSlackForTerminal(message, { color: true })).toContain("\x1b[1mCritical\x1b[22m");
    expect(renderSlackForTerminal(message)).not.toContain("\x1b[");
  });
});
