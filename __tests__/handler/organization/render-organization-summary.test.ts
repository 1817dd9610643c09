import type { AccountScanRecord } from "../../../handler/organization/account-scan-record";
import { renderOrganizationSummary } from "../../../handler/organization/render-organization-summary";

const NOW = new Date("2026-11-26T09:00:00Z");
const EARLIER = new Date("2026-11-26T08:50:00Z");

const scanned = (accountId: string, counts: AccountScanRecord["counts"], accountName?: string): AccountScanRecord => ({
  accountId,
  ...(accountName ? { accountName } : {}),
  lastAttemptAt: EARLIER,
  lastSuccessAt: EARLIER,
  counts,
});

const failing = (accountId: string, lastError: string): AccountScanRecord => ({
  accountId,
  lastAttemptAt: EARLIER,
  lastError,
  failingSince: new Date("2026-11-25T09:00:00Z"),
});

const allText = (message: ReturnType<typeof renderOrganizationSummary>) =>
  [message.text, ...message.blocks.map((block) => JSON.stringify(block))].join("\n");

describe("renderOrganizationSummary", () => {
  it("says all clear when every account in scope was scanned and nothing is flagged", () => {
    const message = renderOrganizationSummary({
      accounts: [{ id: "111111111111" }, { id: "222222222222" }],
      records: [scanned("111111111111", { ok: 3 }), scanned("222222222222", { ok: 1, exempt: 1 })],
      environmentName: "org",
      now: NOW,
    });
    expect(message.text).toBe(
      "IAM access keys in the organization · org: 2 accounts of 2 scanned, 0 failing, 0 flagged keys.",
    );
    expect(allText(message)).toContain("organization · all clear · org");
  });

  it("names each failing account with its cause and never says all clear", () => {
    const message = renderOrganizationSummary({
      accounts: [
        { id: "111111111111", name: "payments" },
        { id: "333333333333", name: "sandbox" },
      ],
      records: [scanned("111111111111", { ok: 3 }), failing("333333333333", "AccessDenied: not authorized to assume")],
      now: NOW,
    });
    expect(message.text).toBe(
      "IAM access keys in the organization: 1 account of 2 scanned, 1 failing, 0 flagged keys.",
    );
    const text = allText(message);
    expect(text).toContain(
      "333333333333 (sandbox) since 2026-11-25T09:00:00.000Z: AccessDenied: not authorized to assume",
    );
    expect(text).not.toContain("all clear");
  });

  it("counts an account without a scan record as not scanned yet, not as clear", () => {
    const message = renderOrganizationSummary({
      accounts: [{ id: "111111111111" }, { id: "444444444444", name: "new" }],
      records: [scanned("111111111111", { ok: 1 })],
      now: NOW,
    });
    const text = allText(message);
    expect(text).toContain("Accounts not scanned yet");
    expect(text).toContain("444444444444 (new)");
    expect(text).not.toContain("all clear");
  });

  it("lists the worst accounts by flagged keys, with the rest counted", () => {
    const message = renderOrganizationSummary({
      accounts: ["1", "2", "3", "4"].map((digit) => ({ id: digit.repeat(12) })),
      records: [
        scanned("111111111111", { critical: 1, ok: 9 }),
        scanned("222222222222", { critical: 2, warning: 3, unused: 1 }, "data"),
        scanned("333333333333", { warning: 2 }),
        scanned("444444444444", { ok: 5, inactive: 2, exempt: 4 }),
      ],
      now: NOW,
      worstAccounts: 2,
    });
    expect(message.text).toBe(
      "IAM access keys in the organization: 4 accounts of 4 scanned, 0 failing, 9 flagged keys in 3 accounts.",
    );
    const section = message.blocks.find((block) => JSON.stringify(block).includes("Most flagged keys"));
    expect(section).toMatchObject({
      text: {
        text:
          "*Most flagged keys* (named in each account's digest)\n" +
          "• 222222222222 (data): 2 critical, 3 warning, 1 unused\n" +
          "• 333333333333: 2 warning\n" +
          "…and 1 more account with flagged keys",
      },
    });
  });

  it("ignores records of accounts no longer in scope and makes AWS's text inert", () => {
    const message = renderOrganizationSummary({
      accounts: [{ id: "555555555555" }],
      records: [failing("555555555555", "<!channel> *boom*"), failing("999999999999", "gone")],
      now: NOW,
    });
    const text = allText(message);
    expect(text).not.toContain("999999999999");
    expect(text).not.toContain("<!channel>");
    expect(message.text).toContain("0 accounts of 1 scanned, 1 failing");
  });
});
