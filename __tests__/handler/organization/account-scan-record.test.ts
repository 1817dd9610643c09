import { planAccountScan } from "../../../handler/organization/account-scan-record";
import { staleAccounts, staleAccountsMetric } from "../../../handler/organization/stale-accounts";
import { renderAccountStatus } from "../../../handler/organization/render-account-status";

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.UTC(2026, 0, 1) + hours * HOUR);
const account = { id: "111122223333", name: "sandbox" };
const denied = { ok: false as const, error: "AccessDenied: not authorized to perform sts:AssumeRole" };

describe("planAccountScan", () => {
  it("announces a failure once, reminds after REMIND_EVERY, and resolves it", () => {
    const first = planAccountScan(undefined, account, denied, at(0), 24 * HOUR);
    expect(first.announce).toBe("failure");
    expect(first.record).toMatchObject({ failingSince: at(0), failureAnnouncedAt: at(0), lastError: denied.error });

    const quiet = planAccountScan(first.record, account, denied, at(1), 24 * HOUR);
    expect(quiet.announce).toBeUndefined();
    expect(quiet.record.failureAnnouncedAt).toEqual(at(0));

    const reminder = planAccountScan(quiet.record, account, denied, at(24), 24 * HOUR);
    expect(reminder.announce).toBe("reminder");
    expect(reminder.record).toMatchObject({ failingSince: at(0), failureAnnouncedAt: at(24) });

    const resolved = planAccountScan(
      reminder.record,
      account,
      { ok: true, counts: { critical: 2 } },
      at(25),
      24 * HOUR,
    );
    expect(resolved.announce).toBe("resolved");
    expect(resolved.record).toEqual({
      accountId: account.id,
      accountName: "sandbox",
      lastAttemptAt: at(25),
      lastSuccessAt: at(25),
      counts: { critical: 2 },
    });
  });

  it("a success after a success announces nothing; a failure keeps the last success and counts", () => {
    const ok = planAccountScan(undefined, account, { ok: true, counts: { ok: 3 } }, at(0), HOUR);
    expect(ok.announce).toBeUndefined();
    const failed = planAccountScan(ok.record, account, denied, at(1), HOUR);
    expect(failed.record).toMatchObject({ lastSuccessAt: at(0), counts: { ok: 3 } });
  });
});

describe("renderAccountStatus", () => {
  it("names the account by id and name with the cause, made inert", () => {
    const { record } = planAccountScan(
      undefined,
      account,
      { ok: false, error: "AccessDenied <!channel> @here" },
      at(0),
      HOUR,
    );
    const message = renderAccountStatus({
      kind: "failure",
      record,
      roleName: "key-age-member-reader",
      environmentName: "org",
    });
    // The plain-text fallback too (issue case 7: it carried AWS's text raw).
    expect(message.text).toBe(
      "account 111122223333 (sandbox) could not be scanned · org: AccessDenied &lt;!channel&gt; @\u2060here",
    );
    const body = JSON.stringify(message.blocks);
    expect(body).toContain("could not be scanned");
    expect(body).not.toContain("<!channel>");
    expect(body).not.toMatch(/[^\u2060]@here/);
    expect(renderAccountStatus({ kind: "resolved", record, roleName: "r" }).text).toBe(
      "account 111122223333 (sandbox) is scanned again",
    );
  });

  // Issue case 7: the Organizations account name (`<!channel>`) was posted raw in the fallback text.
  it("makes the account name inert in the blocks and the fallback text", () => {
    const { record } = planAccountScan(
      undefined,
      { id: "111122223333", name: "<!channel> *ops*" },
      { ok: false, error: "AccessDenied" },
      at(0),
      HOUR,
    );
    const message = renderAccountStatus({ kind: "failure", record, roleName: "key-age-member-reader" });
    for (const text of [message.text, JSON.stringify(message.blocks)]) {
      expect(text).not.toContain("<!channel>");
      expect(text).not.toContain("*ops*");
    }
    expect(message.text).toBe("account 111122223333 (&lt;!channel&gt; ∗ops∗) could not be scanned: AccessDenied");
  });
});

describe("an attempt that ran out of time (its run already named the users it could not check)", () => {
  it("is recorded as failing, without an announcement of its own, and without a resolution later", () => {
    const incomplete = {
      ok: false as const,
      error: "The scan ran out of time before checking 3 users",
      told: true as const,
    };
    const first = planAccountScan(undefined, account, incomplete, at(0), 24 * HOUR);
    expect(first.announce).toBeUndefined();
    expect(first.record).toMatchObject({ lastError: incomplete.error, failingSince: at(0) });
    expect(first.record.failureAnnouncedAt).toBeUndefined();
    const later = planAccountScan(first.record, account, incomplete, at(30), 24 * HOUR);
    expect(later.announce).toBeUndefined();
    const done = planAccountScan(later.record, account, { ok: true, counts: {} }, at(31), 24 * HOUR);
    expect(done.announce).toBeUndefined();
    expect(done.record.lastError).toBeUndefined();
  });
});

describe("staleAccounts", () => {
  it("flags accounts whose last success, or first failure, is older than the limit; new accounts are not", () => {
    const records = [
      { accountId: "111111111111", lastAttemptAt: at(10), lastSuccessAt: at(0) },
      { accountId: "222222222222", lastAttemptAt: at(10), lastSuccessAt: at(9) },
      { accountId: "333333333333", lastAttemptAt: at(10), failingSince: at(1), lastError: "AccessDenied" },
    ];
    expect(staleAccounts(records, at(10), 5 * HOUR).map((record) => record.accountId)).toEqual([
      "111111111111",
      "333333333333",
    ]);
    expect(staleAccountsMetric(2, "org", at(0))).toMatchObject({ Environment: "org", StaleAccounts: 2 });
  });
});
