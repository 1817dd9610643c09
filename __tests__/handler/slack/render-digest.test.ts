import { classifyKeys, type Thresholds } from "../../../handler/scan/classify";
import { everyKeyCommand, renderDigest, renderHeartbeat, type DigestInput } from "../../../handler/slack/render-digest";
import { DAY, MINUTE, NOW, activeKey, inventoryOf } from "../support/inventory-builders";
import { expectWithinSlackLimits, listedKeyLines, unlistedCount } from "../support/slack-digest-assertions";

const THRESHOLDS: Thresholds = { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY };
const LABELS = { warningAgeMs: "80d", criticalAgeMs: "90d", unusedAgeMs: "45d" };

/** Builds `n` flagged keys cycling through critical, warning and unused, plus two healthy keys. */
function digestInput(flagged: number, extra: Partial<DigestInput> = {}): DigestInput {
  const keys = Array.from(
    { length: flagged },
    (_, i) => [activeKey(i, 100 * DAY + i * MINUTE, DAY), activeKey(i, 85 * DAY, DAY), activeKey(i, 60 * DAY)][i % 3],
  );
  keys.push(activeKey(9_000_001, DAY, DAY), activeKey(9_000_002, 2 * DAY, DAY));
  return {
    classification: classifyKeys(inventoryOf(keys), THRESHOLDS, NOW),
    accountId: "123456789012",
    environmentName: "prod",
    thresholdLabels: LABELS,
    now: NOW,
    ...extra,
  };
}

describe("renderDigest", () => {
  it("renders nothing when nothing is flagged", () => {
    const digest = renderDigest(digestInput(0));
    expect(digest).toEqual({ messages: [], listedKeys: 0, unlistedKeys: 0, namedPerMessage: [] });
  });

  it.each([1, 49, 50, 51, 1_000])("keeps %d flagged keys within Slack's limits with exact counts", (flagged) => {
    const input = digestInput(flagged);
    const digest = renderDigest(input);
    expect(digest.messages.length).toBeGreaterThanOrEqual(1);
    expect(digest.messages.length).toBeLessThanOrEqual(3);
    digest.messages.forEach(expectWithinSlackLimits);
    const lines = listedKeyLines(digest.messages);
    expect(lines).toHaveLength(digest.listedKeys);
    expect(unlistedCount(digest.messages)).toBe(digest.unlistedKeys);
    expect(lines.length + unlistedCount(digest.messages)).toBe(flagged);
    const counts = input.classification.counts;
    expect(digest.messages[0].blocks[1]).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*Critical:* ${counts.critical}   *Warning:* ${counts.warning}   *Unused:* ${counts.unused}   *OK:* 2   *Inactive:* 0\n${flagged + 2} users scanned`,
      },
    });
    expect(counts.critical + counts.warning + counts.unused).toBe(flagged);
  });

  it("names every key, in as many messages as it takes, when asked to (a run without alert state)", () => {
    const input = digestInput(1_000);
    const digest = renderDigest(input, { nameEveryKey: true });
    expect(digest.messages).toHaveLength(10);
    digest.messages.forEach(expectWithinSlackLimits);
    expect(digest.listedKeys).toBe(1_000);
    expect(digest.unlistedKeys).toBe(0);
    expect(unlistedCount(digest.messages)).toBe(0);
    const text = JSON.stringify(digest.messages);
    for (const finding of input.classification.flagged) expect(text).toContain(finding.accessKeyId.slice(-4));
    expect(new Set(listedKeyLines(digest.messages)).size).toBe(1_000);
  });

  it("lists keys most severe first and summarizes the rest by status", () => {
    const digest = renderDigest(digestInput(1_000));
    const lines = listedKeyLines(digest.messages);
    const firstNonCritical = lines.findIndex((line) => !line.includes("*Critical*"));
    expect(firstNonCritical).toBe(-1); // 334 critical keys outrank everything the 3 messages can list
    expect(digest.listedKeys).toBe(300);
    const last = digest.messages[2].blocks.at(-1);
    expect(last).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text:
          "… and 700 more flagged keys not listed (34 critical, 333 warning, 333 unused). " +
          "Every key now: `npx key-age scan --environment prod` with credentials for account `123456789012`.",
      },
    });
    expect(digest.messages.map((m) => m.blocks[0])).toEqual(
      [1, 2, 3].map((part) => ({
        type: "header",
        text: {
          type: "plain_text",
          text: `IAM access keys need attention · prod · 123456789012 (${part}/3)`,
          emoji: true,
        },
      })),
    );
    expect(digest.messages[1].text).toBe(
      "IAM access keys need attention in prod (123456789012): 334 critical, 333 warning, 333 unused (message 2 of 3)",
    );
  });

  it("keeps within limits with tight custom budgets", () => {
    const digest = renderDigest(digestInput(400), { maxMessages: 2, maxKeysPerMessage: 1_000, maxLinesPerSection: 1 });
    digest.messages.forEach(expectWithinSlackLimits);
    expect(digest.messages).toHaveLength(2);
    expect(listedKeyLines(digest.messages).length + unlistedCount(digest.messages)).toBe(400);
  });

  it("shows user, masked key, age and last use on one line", () => {
    const input: DigestInput = {
      ...digestInput(0),
      classification: classifyKeys(
        {
          users: [
            {
              userName: "alice",
              accessKeys: [{ ...activeKey(1, 92 * DAY, 3 * DAY), accessKeyId: "AKIAIOSFODNN7EXAWXYZ" }],
            },
          ],
        },
        THRESHOLDS,
        NOW,
      ),
    };
    const [line] = listedKeyLines(renderDigest(input).messages);
    expect(line).toBe(":red_circle: *Critical* · `alice` · `AKIA…WXYZ` · age 92d · last used 3d ago (s3)");
  });

  it("says never used for a key without last use", () => {
    const input: DigestInput = {
      ...digestInput(0),
      classification: classifyKeys(inventoryOf([activeKey(7, 50 * DAY)]), THRESHOLDS, NOW),
    };
    expect(listedKeyLines(renderDigest(input).messages)[0]).toMatch(
      /:zzz: \*Unused\* · `user-0001` · `AKIA…0007` · age 50d · never used$/,
    );
  });

  it("escapes &, < and > in user-supplied text", () => {
    const input: DigestInput = {
      ...digestInput(0),
      environmentName: "dev <&> ops",
      classification: classifyKeys(
        { users: [{ userName: "a<b>&c", accessKeys: [activeKey(1, 95 * DAY)] }] },
        THRESHOLDS,
        NOW,
      ),
      missingWatchedUsers: ["<!channel>"],
    };
    const [message] = renderDigest(input).messages;
    const sections = JSON.stringify(message.blocks.filter((b) => b.type !== "header"));
    expect(sections).toContain("a&lt;b&gt;&amp;c");
    expect(sections).toContain("&lt;!channel&gt;");
    expect(sections).not.toMatch(/<!channel>|a<b>/);
    expect(message.text).toContain("dev &lt;&amp;&gt; ops");
    // Slack reads entities in plain_text too, so the header shows the label as written.
    expect(message.blocks[0]).toMatchObject({
      text: { text: "IAM access keys need attention · dev &lt;&amp;&gt; ops · 123456789012" },
    });
  });

  it("cuts a long environment label so the header stays within 150 characters", () => {
    const digest = renderDigest(digestInput(200, { environmentName: "x".repeat(400) }));
    digest.messages.forEach(expectWithinSlackLimits);
    expect(digest.messages[0].blocks[0]).toMatchObject({ text: { text: expect.stringMatching(/x… \(1\/2\)$/) } });
  });

  it("reports watched users that do not exist even when no key is flagged", () => {
    const digest = renderDigest(digestInput(0, { missingWatchedUsers: ["Demogorgon"], skippedUsers: ["gone"] }));
    expect(digest.messages).toHaveLength(1);
    const text = JSON.stringify(digest.messages[0]);
    expect(text).toContain(":warning: *Watched user not found:* `Demogorgon`");
    expect(text).toContain("2 users scanned, 1 skipped because they were deleted during the scan");
    expect(digest.messages[0].text).toContain("1 watched user not found");
  });

  it("bounds a huge list of missing watched users", () => {
    const missing = Array.from({ length: 500 }, (_, i) => `ghost-${"g".repeat(55)}-${i}`);
    const digest = renderDigest(digestInput(0, { missingWatchedUsers: missing }));
    digest.messages.forEach(expectWithinSlackLimits);
    const block = digest.messages[0].blocks[2];
    expect(block.type).toBe("section");
    const text = block.type === "section" ? block.text.text : "";
    const listed = text.match(/`ghost-/g)?.length ?? 0;
    const more = Number(/… and (\d+) more$/.exec(text)?.[1]);
    expect(listed).toBeGreaterThan(10);
    expect(listed + more).toBe(500);
  });

  it("points the overflow note at the CLI command for this environment, with thresholds that differ from the defaults", () => {
    expect(everyKeyCommand({ environmentName: "prod", thresholdLabels: LABELS })).toBe(
      "npx key-age scan --environment prod",
    );
    expect(
      everyKeyCommand({ thresholdLabels: { warningAgeMs: "30d", criticalAgeMs: "90d", unusedAgeMs: "12h" } }),
    ).toBe("npx key-age scan --warning-age 30d --unused-age 12h");
    // A label a shell would split or expand is quoted, so the command lists the same environment.
    expect(everyKeyCommand({ environmentName: "it's $HOME", thresholdLabels: LABELS })).toBe(
      "npx key-age scan --environment 'it'\\''s $HOME'",
    );
    const digest = renderDigest(digestInput(400, { environmentName: "eu prod" }));
    expect(JSON.stringify(digest.messages.at(-1)?.blocks.at(-1))).toContain(
      "Every key now: `npx key-age scan --environment 'eu prod'` with credentials for account `123456789012`.",
    );
  });

  it("labels the totals a credential report vouches for with the report's time, in the digest and the heartbeat", () => {
    const inventory = {
      ...inventoryOf([activeKey(1, 95 * DAY, DAY)]),
      reportOnly: { users: 4, activeKeys: 5, inactiveKeys: 1, generatedAt: new Date("2025-06-01T08:00:00Z") },
    };
    const classification = classifyKeys(inventory, THRESHOLDS, NOW);
    expect(classification.counts).toMatchObject({ critical: 1, ok: 5, inactive: 1 });
    const label =
      "_Of these, 5 OK and 1 inactive keys (4 users) are counted from the credential report of 2025-06-01 08:00 UTC, not read live._";
    const [message] = renderDigest({ ...digestInput(0), classification }).messages;
    const text = (block: unknown) => (block as { text: { text: string } }).text.text;
    expect(text(message.blocks[1]).endsWith(`\n${label}`)).toBe(true);
    const heartbeat = renderHeartbeat({ classification, accountId: "123456789012", now: NOW });
    expect(text(heartbeat.blocks[1])).toContain("7 keys of 5 users checked");
    expect(text(heartbeat.blocks[1]).endsWith(`\n${label}`)).toBe(true);
  });

  describe("original message style", () => {
    const original = (ageMs: number, lastUsedMs?: number): string => {
      const input: DigestInput = {
        ...digestInput(0),
        style: "original",
        classification: classifyKeys(
          {
            users: [
              {
                userName: "Demogorgon",
                accessKeys: [{ ...activeKey(1, ageMs, lastUsedMs), accessKeyId: "AKIAIOSFODNN7EXAWXYZ" }],
              },
            ],
          },
          { warningAgeMs: 12 * MINUTE, criticalAgeMs: 25 * MINUTE, unusedAgeMs: 10 * MINUTE },
          NOW,
        ),
      };
      const digest = renderDigest(input);
      digest.messages.forEach(expectWithinSlackLimits);
      return listedKeyLines(digest.messages)[0];
    };

    it("uses the original warning wording", () => {
      expect(original(13 * MINUTE)).toBe("Demogorgon's key AKIA…WXYZ is near to be out of control.");
    });

    it("uses the original critical wording", () => {
      expect(original(26 * MINUTE)).toBe("Demogorgon's key AKIA…WXYZ is out of control. We must rotate the key!");
    });

    it("words unused keys in the same voice", () => {
      expect(original(11 * MINUTE, 11 * MINUTE)).toBe("Demogorgon's key AKIA…WXYZ has not been used for 11m.");
      expect(original(11 * MINUTE)).toBe(
        "Demogorgon's key AKIA…WXYZ has never been used since it was created 11m ago.",
      );
    });
  });
});
