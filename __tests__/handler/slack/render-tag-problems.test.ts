import { renderTagProblems } from "../../../handler/slack/render-tag-problems";

describe("renderTagProblems", () => {
  it("lists users and their problems, escaped, so a tag value never becomes markup", () => {
    const rendered = renderTagProblems([
      { userName: "svc", problems: ['tag key-age:owner="<!channel>": "<!channel>" is not a Slack member ID'] },
    ]);
    expect(rendered?.named).toEqual(["svc"]);
    expect(rendered?.block.text.text).toBe(
      ':warning: *Tag problems* (1 user):\n• `svc`: tag key-age:owner="&lt;!channel&gt;": "&lt;!channel&gt;" is not a Slack member ID',
    );
  });

  // Issue case 7: the tag-problems part posted `@channel` and a link bare.
  it("defuses a broadcast and a link quoted from a tag value", () => {
    const rendered = renderTagProblems([
      {
        userName: "@here",
        problems: ['tag key-age:exempt-until="@channel https://evil.example/x" is not a date (YYYY-MM-DD)'],
      },
    ]);
    const text = rendered?.block.text.text ?? "";
    expect(text).toContain(
      '• `@\u2060here`: tag key-age:exempt-until="@\u2060channel https:\u2060//evil.\u2060example/x"',
    );
    expect(text).not.toMatch(/(^|[^\u2060])@(here|channel)|https:\/\/|evil\.example/);
  });

  it("stays within a section's limit, counts the rest and names only what it listed", () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ userName: `user-${i}`, problems: ["x".repeat(60)] }));
    const rendered = renderTagProblems(many);
    expect(rendered?.block.text.text.length).toBeLessThanOrEqual(3000);
    const named = rendered?.named.length ?? 0;
    expect(named).toBeGreaterThan(10);
    expect(named).toBeLessThan(200);
    expect(rendered?.block.text.text).toContain(`… and ${200 - named} more (\`key-age scan\` lists`);
  });

  it("renders nothing without problems", () => {
    expect(renderTagProblems([])).toBeUndefined();
  });
});
