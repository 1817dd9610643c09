import {
  accountLabel,
  accountsInScope,
  isOrganizationalUnitId,
  memberRoleArn,
  parseAccountIds,
  unknownAccounts,
} from "../../../handler/organization/organization-scope";

describe("accountsInScope", () => {
  const all = [
    { id: "111111111111", name: "payments", state: "ACTIVE" },
    { id: "222222222222", name: "old", state: "SUSPENDED" },
    { id: "333333333333", name: "closing", state: "PENDING_CLOSURE" },
    { id: "444444444444", name: "sandbox", state: "ACTIVE" },
    { id: "111111111111", name: "payments", state: "ACTIVE" },
  ];

  it("keeps active accounts once and returns suspended and closed ones apart", () => {
    const scope = accountsInScope(all, {});
    expect(scope.accounts.map((account) => account.id)).toEqual(["111111111111", "444444444444"]);
    expect(scope.inactive.map((account) => account.id)).toEqual(["222222222222", "333333333333"]);
    expect(scope.filteredOut).toBe(0);
  });

  it("applies the include list, and the exclude list over it", () => {
    const scope = accountsInScope(all, {
      includeAccounts: ["111111111111", "444444444444"],
      excludeAccounts: ["444444444444"],
    });
    expect(scope.accounts.map((account) => account.id)).toEqual(["111111111111"]);
    expect(scope.filteredOut).toBe(1);
  });

  it("treats a static list's accounts (no state) as active", () => {
    expect(accountsInScope([{ id: "555555555555" }], {}).accounts).toEqual([{ id: "555555555555" }]);
  });
});

describe("parseAccountIds", () => {
  it("splits, trims and dedupes", () => {
    expect(parseAccountIds(" 111111111111, 222222222222,111111111111,", "X")).toEqual(["111111111111", "222222222222"]);
  });

  it("names the setting and quotes the bad entry", () => {
    expect(() => parseAccountIds("111111111111,abc", "organization.accounts")).toThrow(
      'organization.accounts: "abc" is not a 12-digit AWS account id',
    );
  });
});

describe("names", () => {
  it("builds the member role ARN and the account label", () => {
    expect(memberRoleArn("111111111111", "reader")).toBe("arn:aws:iam::111111111111:role/reader");
    expect(accountLabel({ id: "111111111111", name: "payments" })).toBe("111111111111 (payments)");
    expect(accountLabel({ id: "111111111111" })).toBe("111111111111");
  });

  it("recognizes OU and root ids", () => {
    expect(isOrganizationalUnitId("ou-ab12-cd34ef56")).toBe(true);
    expect(isOrganizationalUnitId("r-ab12")).toBe(true);
    expect(isOrganizationalUnitId("ou-x")).toBe(false);
  });
});

describe("unknownAccounts", () => {
  const all = [{ id: "111111111111" }, { id: "222222222222", state: "SUSPENDED" }];

  it("names include and exclude ids that are not among the accounts listed", () => {
    expect(
      unknownAccounts(all, { includeAccounts: ["111111111111", "111111111112"], excludeAccounts: ["999999999999"] }),
    ).toEqual({ include: ["111111111112"], exclude: ["999999999999"] });
    // A suspended account is in the organization: naming it is no typo.
    expect(unknownAccounts(all, { includeAccounts: ["222222222222"] })).toEqual({ include: [], exclude: [] });
  });

  it("does not judge excludes against a partial listing (the accounts under included OUs)", () => {
    expect(unknownAccounts(all, { excludeAccounts: ["999999999999"] }, false)).toEqual({ include: [], exclude: [] });
  });
});
