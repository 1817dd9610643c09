import fc from "fast-check";
import type { Announcement } from "../../../handler/alerts/alert-transitions";
import type { EnforcementEvent } from "../../../handler/enforcement/plan-enforcement";
import { renderEnforcement } from "../../../handler/enforcement/render-enforcement";
import { renderAccountStatus } from "../../../handler/organization/render-account-status";
import { renderOrganizationSummary } from "../../../handler/organization/render-organization-summary";
import type { Classification, KeyFinding } from "../../../handler/scan/classify";
import { codeText, inertText } from "../../../handler/slack/inert-text";
import { renderOwnerMessages } from "../../../handler/slack/owners/render-owner-messages";
import { renderDigest, renderHeartbeat } from "../../../handler/slack/render-digest";
import { renderUncheckedUsers } from "../../../handler/slack/render-unchecked";
import { SLACK_LIMITS, type SlackMessage } from "../../../handler/slack/slack-message";
import { ROTATE_ACCESS_KEYS_DOCS_URL } from "../../../handler/slack/remediation";

const NOW = new Date("2026-12-05T12:00:00.000Z");
const DAY = 86_400_000;
const JOINER = "\u2060";

describe("inertText", () => {
  it.each([
    ["<!channel>", "&lt;!channel&gt;"],
    ["@here", `@${JOINER}here`],
    ["<@U123>", `&lt;@${JOINER}U123&gt;`],
    ["<https://evil|x>", `&lt;https:${JOINER}//evil|x&gt;`],
    ["&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;"],
    ["*bold*", "∗bold∗"],
    ["_italic_ and ~strike~", "ˍitalicˍ and ∼strike∼"],
    ["`code`", "ˋcodeˋ"],
    ["line\n> quote", "line &gt; quote"],
    ["evil.example", `evil.${JOINER}example`],
  ])("makes %j inert", (input, expected) => {
    expect(inertText(input)).toBe(expected);
  });

  it("leaves markers inside a word alone: snake_case names read as written", () => {
    expect(inertText("svc_deploy_bot x_it_y")).toBe("svc_deploy_bot x_it_y");
  });

  it("keeps dots and underscores in a code span, so a copied name works in a shell", () => {
    expect(codeText("svc_deploy.bot")).toBe("`svc_deploy.bot`");
    expect(codeText("@here`x")).toBe(`\`@${JOINER}hereˋx\``);
  });
});

// Hostile fragments: broadcasts, mentions, links, escaped look-alikes, formatting, code, line breaks.
const FRAGMENTS = [
  "<!channel>",
  "<!here>",
  "<!everyone>",
  "@here",
  "@channel",
  "<@U123>",
  "<!subteam^S123>",
  "<https://evil.example|x>",
  "&lt;!channel&gt;",
  "&amp;",
  "*bold*",
  "_it_",
  "~st~",
  "`code`",
  "```block```",
  "https://evil.example/x",
  "evil.example",
  "#general",
  "a@b.example",
  "\n> quote",
  "\r\n• item",
  " ",
  "x",
  "&",
  "<",
  ">",
  "|",
  ":",
];
const hostile = fc.oneof(
  fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 12 }).map((parts) => parts.join("")),
  fc.string({ minLength: 1, maxLength: 80 }),
  // Very long values: cut somewhere inside a fragment, or far beyond every limit.
  fc
    .tuple(fc.constantFrom(...FRAGMENTS), fc.integer({ min: 20, max: 1_500 }))
    .map(([fragment, times]) => `x${fragment.repeat(times)}`),
);

// The only markup a message may carry: the validated owner mention given below, and the AWS guide link.
const OWNER = "<@U0OWNER>";
const ALLOWED_MARKUP = [OWNER, `<${ROTATE_ACCESS_KEYS_DOCS_URL}|How to rotate access keys (AWS)>`];

/** Every text Slack reads in a message: the fallback and each block's text. */
function textsOf(message: SlackMessage): string[] {
  return [
    message.text,
    ...message.blocks.flatMap((block) =>
      block.type === "header" || block.type === "section"
        ? [block.text.text]
        : block.type === "context"
          ? block.elements.map((element) => element.text)
          : [],
    ),
  ];
}

/** Asserts that nothing in the message mentions, links or formats what came from `input`. */
function expectInert(message: SlackMessage): void {
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxSectionTextChars);
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.maxBlocks);
  for (const block of message.blocks) {
    if (block.type === "header") expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxHeaderTextChars);
    if (block.type === "section") expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxSectionTextChars);
  }
  for (const raw of textsOf(message)) {
    const text = ALLOWED_MARKUP.reduce((rest, markup) => rest.split(markup).join(""), raw);
    // No control character is left: every <, > is escaped, and every & starts an entity.
    expect(text).not.toMatch(/[<>]/);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    // No broadcast, mention or channel link: a sigil at a word's start is never followed by a word.
    expect(text).not.toMatch(/(^|[^\p{L}\p{N}_])[@#][\p{L}\p{N}_]/u);
    // Every code span the renderer opened is closed; inside one Slack neither links nor formats.
    expect((text.match(/`/g) ?? []).length % 2).toBe(0);
    const outsideCode = text.replace(/`[^`]*`/g, "");
    // No link: `://` is broken everywhere, `host.example` outside code.
    expect(text).not.toContain("://");
    expect(outsideCode).not.toMatch(/evil\.example/);
    // No formatting from the input.
    for (const marker of ["*bold*", "~st~"]) expect(outsideCode).not.toContain(marker);
    expect(outsideCode).not.toMatch(/(^|[^A-Za-z0-9])_it_($|[^A-Za-z0-9])/);
    expect(text).not.toContain("`code`");
    // Free text is one line: no quote or list can start inside it.
    for (const line of text.split("\n").slice(1)) expect(line).not.toMatch(/^(&gt;|>|•\s*x)/);
  }
}

function finding(userName: string, text: string, overrides: Partial<KeyFinding> = {}): KeyFinding {
  return {
    userName,
    accessKeyId: "AKIAHOSTILE000000001",
    state: "Active",
    status: "critical",
    createDate: new Date(NOW.getTime() - 100 * DAY),
    ageMs: 100 * DAY,
    lastUsedDate: new Date(NOW.getTime() - DAY),
    lastUsedService: text,
    owners: [OWNER],
    ownerEmails: [`${text.replace(/[\s@<>]/g, "")}x@example.com`],
    tagProblems: [`tag key-age:exempt-until=${JSON.stringify(text)} is not a date`, text],
    customLimits: { warningAge: text, criticalAge: text },
    ...overrides,
  };
}

function classification(findings: readonly KeyFinding[], text: string): Classification {
  return {
    findings,
    flagged: findings,
    counts: { critical: findings.length, warning: 0, unused: 0, exempt: 0, ok: 0, inactive: 0, exposed: 0 },
    usersScanned: findings.length,
    tagProblems: [{ userName: text, problems: [text, `tag key-age:owner=${JSON.stringify(text)} is not an owner`] }],
  };
}

const LABELS = { warningAgeMs: "80d", criticalAgeMs: "90d", unusedAgeMs: "45d" };

/** Every renderer of a Slack message, fed the same hostile string in every free-text field. */
const RENDERERS: readonly [string, (text: string) => readonly SlackMessage[]][] = [
  [
    "digest (stateless, both styles), key lines, tag problems, headers and fallback",
    (text) =>
      (["digest", "original"] as const).flatMap(
        (style) =>
          renderDigest(
            {
              classification: classification([finding(text, text), finding(`${text}2`, text)], text),
              accountId: text,
              environmentName: text,
              missingWatchedUsers: [text],
              skippedUsers: [text],
              thresholdLabels: LABELS,
              style,
              now: NOW,
              tagProblems: classification([], text).tagProblems,
            },
            { nameEveryKey: true },
          ).messages,
      ),
  ],
  [
    "digest with announcements (new, reminder, resolved)",
    (text) => {
      const bad = finding(text, text) as KeyFinding & { status: "critical" };
      const previous = {
        accessKeyId: bad.accessKeyId,
        userName: text,
        status: "critical" as const,
        announcedAt: NOW,
        since: new Date(NOW.getTime() - DAY),
        expiresAt: NOW,
      };
      const change = { type: "delete" as const, accessKeyId: bad.accessKeyId };
      const announcements: Announcement[] = [
        { kind: "new", finding: bad, change },
        { kind: "reminder", finding: bad, previous, change },
        { kind: "resolved", previous, reason: "exempted", finding: { ...bad, exemptUntil: text }, change },
        { kind: "resolved", previous, reason: "deleted", change },
      ];
      return (["digest", "original"] as const).flatMap(
        (style) =>
          renderDigest({
            classification: classification([bad], text),
            accountId: text,
            environmentName: text,
            thresholdLabels: LABELS,
            style,
            now: NOW,
            announcements,
            tagProblems: classification([], text).tagProblems,
          }).messages,
      );
    },
  ],
  [
    "heartbeat",
    (text) => [
      renderHeartbeat({
        classification: classification([finding(text, text)], text),
        accountId: text,
        environmentName: text,
        missingWatchedUsers: [text, text],
        now: NOW,
      }),
    ],
  ],
  [
    "scan incomplete: unchecked users",
    (text) => [
      renderUncheckedUsers({
        uncheckedUsers: [text, `${text}b`],
        usersChecked: 3,
        accountId: text,
        environmentName: text,
        now: NOW,
      }),
    ],
  ],
  [
    "organization: an account that could not be scanned, and its resolution",
    (text) =>
      (["failure", "reminder", "resolved"] as const).map((kind) =>
        renderAccountStatus({
          kind,
          record: {
            accountId: "111111111111",
            accountName: text,
            lastAttemptAt: NOW,
            lastError: text,
            failingSince: NOW,
          },
          environmentName: text,
          roleName: text,
        }),
      ),
  ],
  [
    "organization summary",
    (text) => [
      renderOrganizationSummary({
        accounts: [
          { id: "111111111111", name: text },
          { id: "222222222222", name: text },
          { id: "333333333333", name: text },
        ],
        records: [
          { accountId: "111111111111", accountName: text, lastAttemptAt: NOW, lastError: text, failingSince: NOW },
          { accountId: "222222222222", lastAttemptAt: NOW, lastSuccessAt: NOW, counts: { critical: 2 } },
        ],
        environmentName: text,
        now: NOW,
      }),
    ],
  ],
  [
    "owner direct messages",
    (text) => {
      const bad = finding(text, text, { ownerEmails: ["alice@example.com"] });
      return renderOwnerMessages(
        [
          {
            accessKeyId: bad.accessKeyId,
            notice: { kind: "flagged", finding: bad },
            emails: ["alice@example.com"],
            retry: false,
          },
        ],
        { accountId: text, environmentName: text, channel: text, now: NOW },
      ).map((owner) => owner.message);
    },
  ],
  [
    // Its free text is bounded by IAM (user names 64 characters, tag values 256), so values are cut there.
    "enforcement messages",
    (hostileText) => {
      const text = hostileText.slice(0, 256);
      const bad = finding(text.slice(0, 64), text);
      const change = { accessKeyId: bad.accessKeyId, userName: text, reactivations: 0, expiresAt: NOW };
      const events: EnforcementEvent[] = [
        { kind: "notice", finding: bad, date: NOW, setting: text, lapse: text, change },
        { kind: "deactivated", finding: bad, setting: text, deactivatedAt: NOW, recordFailed: text, change },
        { kind: "left-alone", finding: bad, reason: text },
        { kind: "reactivated", finding: bad, by: "person", offAt: NOW, date: NOW, setting: text, change },
        { kind: "brake", held: 1, inWindow: 1, limit: 1, allowsAt: NOW },
        { kind: "held", key: { finding: bad, date: NOW, setting: text }, change },
      ];
      const messages = renderEnforcement({ events, mode: "armed", accountId: text, environmentName: text, now: NOW });
      return messages.map((entry) => entry.message);
    },
  ],
];

describe("every renderer makes hostile free text inert (property)", () => {
  it.each(RENDERERS)("%s", (_name, render) => {
    fc.assert(
      fc.property(hostile, (text) => {
        const messages = render(text);
        expect(messages.length).toBeGreaterThan(0);
        for (const message of messages) expectInert(message);
      }),
      { numRuns: 150 },
    );
  });
});
