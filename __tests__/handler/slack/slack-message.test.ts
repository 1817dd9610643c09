import { codeText, escapeMrkdwn, inertText } from "../../../handler/slack/slack-message";

const J = "\u2060"; // the word joiner that defuses markup

describe("escapeMrkdwn", () => {
  it("escapes Slack's three control characters", () => {
    expect(escapeMrkdwn("<!channel> & <@U1>")).toBe("&lt;!channel&gt; &amp; &lt;@U1&gt;");
  });
});

describe("inertText", () => {
  it.each([
    ["<!here>", "&lt;!here&gt;"],
    ["@channel", `@${J}channel`],
    ["hi @here and @everyone", `hi @${J}here and @${J}everyone`],
    ["#general", `#${J}general`],
    ["https://evil.example/x", `https:${J}//evil.${J}example/x`],
    ["mail@evil.example", `mail@evil.${J}example`],
    ["a & b", "a &amp; b"],
  ])("defuses %j", (text, inert) => {
    expect(inertText(text)).toBe(inert);
  });

  it("leaves ordinary text alone", () => {
    for (const text of ["alice", "svc-deploy_1", "90d", 'tag key-age:owner="x" is ignored', "1 of 3, 50%"]) {
      expect(inertText(text)).toBe(text);
    }
  });
});

describe("codeText", () => {
  it("keeps names copyable but defuses markup, and cannot be closed early", () => {
    expect(codeText("svc.deploy@example.com")).toBe("`svc.deploy@example.com`");
    expect(codeText("@here")).toBe(`\`@${J}here\``);
    expect(codeText("`x` <!channel>")).toBe("`ˋxˋ &lt;!channel&gt;`");
    expect(codeText("https://evil.example")).toBe(`\`https:${J}//evil.example\``);
  });
});
