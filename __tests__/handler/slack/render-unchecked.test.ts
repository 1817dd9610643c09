import { renderUncheckedUsers } from "../../../handler/slack/render-unchecked";

describe("renderUncheckedUsers", () => {
  const now = new Date("2026-11-26T10:00:00Z");

  test("counts the unchecked users, names the first ten and never reads as an all-clear", () => {
    const uncheckedUsers = Array.from({ length: 13 }, (_, i) => `user-${String(i).padStart(2, "0")}`).reverse();
    const message = renderUncheckedUsers({
      uncheckedUsers,
      usersChecked: 40,
      accountId: "123456789012",
      environmentName: "prod",
      now,
    });
    const text = JSON.stringify(message);
    expect(message.text).toBe("IAM access keys in prod · 123456789012: the scan ran out of time, 13 users not checked");
    expect(text).toContain("*13 users not checked*");
    expect(text).toContain("`user-00`, `user-01`");
    expect(text).toContain("`user-09` and 3 more");
    expect(text).not.toContain("user-10");
    expect(text).toContain("40 users checked");
    expect(text).not.toMatch(/all clear|none need attention/i);
    expect(message.blocks[0]).toMatchObject({
      type: "header",
      text: { text: "IAM access keys · scan incomplete · prod · 123456789012" },
    });
  });

  // Issue case 7: `@here` is a valid IAM user name, and was posted live in "Not checked: @here".
  test("defuses a user named like a broadcast, and the environment in the fallback", () => {
    const message = renderUncheckedUsers({
      uncheckedUsers: ["@here"],
      usersChecked: 1,
      accountId: "1",
      environmentName: "<!channel>",
      now,
    });
    const text = JSON.stringify(message);
    expect(text).toContain("Not checked: `@\u2060here`");
    expect(message.text).toBe("IAM access keys in &lt;!channel&gt; · 1: the scan ran out of time, 1 user not checked");
    expect(text).not.toMatch(/<!channel>|[^\u2060]@here/);
  });

  test("escapes names for mrkdwn", () => {
    const message = renderUncheckedUsers({ uncheckedUsers: ["a<b>"], usersChecked: 1, accountId: "1", now });
    expect(JSON.stringify(message)).toContain("a&lt;b&gt;");
    expect(message.text).toContain("1 user not checked");
  });
});
