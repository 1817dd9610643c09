import { legacyItemsOf, migratedMarker } from "../../../handler/alerts/legacy-alert-state";

const ACCOUNT = "111122223333";
const record = (key: string, accountId?: string) => ({
  accessKeyId: key,
  userName: "alice",
  status: "critical",
  announcedAt: "2025-06-01T12:00:00.000Z",
  since: "2025-06-01T12:00:00.000Z",
  expiresAt: 1751371200,
  ...(accountId ? { accountId } : {}),
});

describe("legacyItemsOf", () => {
  it("carries a single-account table's items into the account's partition, each under its kind", () => {
    const items = [
      record("AKIAALICE00000000001"),
      record("ROOT-ACCESS-KEY"),
      { accessKeyId: "tag-problems#svc", kind: "tag-problems", userName: "svc", problems: "p" },
      { accessKeyId: "#unchecked-users", users: ["bob"] },
      { accessKeyId: "enforcement#AKIAALICE00000000001", userName: "alice", reactivations: 0 },
    ];
    expect(legacyItemsOf(items, ACCOUNT, true)).toEqual(
      [
        { ...record("AKIAALICE00000000001"), accessKeyId: undefined, itemKey: "key#AKIAALICE00000000001" },
        { ...record("ROOT-ACCESS-KEY"), accessKeyId: undefined, itemKey: "key#ROOT-ACCESS-KEY" },
        { kind: "tag-problems", userName: "svc", problems: "p", itemKey: "tag-problems#svc" },
        { users: ["bob"], itemKey: "unchecked-users" },
        { userName: "alice", reactivations: 0, itemKey: "enforcement#AKIAALICE00000000001" },
      ].map((item) => Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined))),
    );
  });

  it("takes only the account's own items from an organization's table: its key records and its scan record", () => {
    const items = [
      record("AKIAMINE000000000001", ACCOUNT),
      record("AKIATHEIRS0000000001", "444455556666"),
      { accessKeyId: `account#${ACCOUNT}`, accountId: ACCOUNT, lastAttemptAt: "2025-06-01T12:00:00.000Z" },
      { accessKeyId: "account#444455556666", accountId: "444455556666", lastAttemptAt: "2025-06-01T12:00:00.000Z" },
    ];
    expect(legacyItemsOf(items, ACCOUNT, false).map((item) => item.itemKey)).toEqual([
      "key#AKIAMINE000000000001",
      "scan",
    ]);
    expect(legacyItemsOf(items, ACCOUNT, false)[1]).toEqual({
      itemKey: "scan",
      lastAttemptAt: "2025-06-01T12:00:00.000Z",
    });
  });

  it("leaves items without a key, or of unknown shape, behind", () => {
    expect(legacyItemsOf([{ userName: "x" }, { accessKeyId: "lower-case?" }], ACCOUNT, true)).toEqual([]);
  });
});

describe("migratedMarker", () => {
  it("names the source and the count, and has no TTL", () => {
    expect(migratedMarker("old-table", 3, new Date("2025-06-01T12:00:00.000Z"))).toEqual({
      itemKey: "migrated",
      from: "old-table",
      items: 3,
      migratedAt: "2025-06-01T12:00:00.000Z",
    });
  });
});
