import type { AlertRecord } from "../../../handler/alerts/alert-transitions";
import {
  accountAlertState,
  fromItem,
  tagNoteFromItem,
  tagNoteToItem,
  toItem,
  uncheckedUsersFromItem,
  uncheckedUsersToItem,
} from "../../../handler/alerts/alert-state-store";
import { memoryPartition } from "../support/memory-partition";

const RECORD: AlertRecord = {
  accessKeyId: "AKIAALICE00000000001",
  userName: "alice",
  status: "critical",
  announcedAt: new Date("2025-06-01T12:00:00.000Z"),
  since: new Date("2025-05-30T12:00:00.000Z"),
  eventId: "event-1",
  expiresAt: new Date("2025-07-01T12:00:00.000Z"),
};
const NOW = new Date("2025-06-01T12:00:00.000Z");
const NOTE = {
  userName: "svc",
  problems: 'tag key-age:critical-age="30 d" is ignored',
  announcedAt: new Date("2025-06-01T12:00:00.000Z"),
  expiresAt: new Date("2025-08-30T12:00:00.000Z"),
};

describe("key-record items", () => {
  it("round-trip a record under key#<id>, with the TTL in epoch seconds", () => {
    const item = toItem(RECORD);
    expect(item).toEqual({
      itemKey: "key#AKIAALICE00000000001",
      userName: "alice",
      status: "critical",
      announcedAt: "2025-06-01T12:00:00.000Z",
      since: "2025-05-30T12:00:00.000Z",
      eventId: "event-1",
      expiresAt: 1751371200,
    });
    expect(fromItem({ ...item, accountId: "111122223333" })).toEqual(RECORD);
  });

  it("round-trip the owners' direct-message state, and drop a pending marker that does not parse", () => {
    const owners = {
      emails: ["alice@example.com", "bob@example.com"],
      pending: ["bob@example.com"],
      pendingKind: "new",
    };
    expect(fromItem(toItem({ ...RECORD, owners: owners as never }))).toEqual({ ...RECORD, owners });
    expect(
      fromItem({ ...toItem(RECORD), owners: { emails: ["a@b.c"], pending: ["a@b.c"], pendingKind: "later" } }),
    ).toEqual({ ...RECORD, owners: { emails: ["a@b.c"] } });
    expect(fromItem({ ...toItem(RECORD), owners: "alice" })).toEqual(RECORD);
  });

  it("ignores items that do not parse, and items of other kinds", () => {
    expect(fromItem({ ...toItem(RECORD), status: "resolved" })).toBeUndefined();
    expect(fromItem({ ...toItem(RECORD), announcedAt: "yesterday" })).toBeUndefined();
    expect(fromItem({ itemKey: "key#" })).toBeUndefined();
    expect(fromItem({ ...toItem(RECORD), itemKey: "enforcement#AKIAALICE00000000001" })).toBeUndefined();
    expect(fromItem(tagNoteToItem(NOTE))).toBeUndefined();
  });
});

describe("tag-problem note items", () => {
  it("round-trip under tag-problems#<user>, and are never read as key records (nor key records as notes)", () => {
    const item = tagNoteToItem(NOTE);
    expect(item).toMatchObject({ itemKey: "tag-problems#svc", expiresAt: 1756555200 });
    expect(tagNoteFromItem(item)).toEqual(NOTE);
    expect(tagNoteFromItem(toItem(RECORD))).toBeUndefined();
  });
});

describe("the unchecked-users item", () => {
  it("keeps the users for a week, and reads back only strings", () => {
    const item = uncheckedUsersToItem(["bob", "alice"], NOW);
    expect(item).toEqual({
      itemKey: "unchecked-users",
      users: ["bob", "alice"],
      recordedAt: "2025-06-01T12:00:00.000Z",
      expiresAt: Math.floor(NOW.getTime() / 1000) + 7 * 86_400,
    });
    expect(uncheckedUsersFromItem({ ...item, users: ["bob", 3, "alice"] })).toEqual(["bob", "alice"]);
    expect(uncheckedUsersFromItem(toItem(RECORD))).toBeUndefined();
    expect(fromItem(item)).toBeUndefined();
  });
});

describe("accountAlertState", () => {
  it("reads every kind from the partition's one read", async () => {
    const partition = memoryPartition("111122223333", [
      toItem(RECORD),
      tagNoteToItem(NOTE),
      uncheckedUsersToItem(["bob"], NOW),
      { itemKey: "enforcement#AKIAALICE00000000001", userName: "alice" },
      { itemKey: "garbage" },
    ]);
    const state = accountAlertState(partition);
    await expect(state.load()).resolves.toEqual([RECORD]);
    await expect(state.loadTagNotes()).resolves.toEqual([NOTE]);
    await expect(state.loadUncheckedUsers()).resolves.toEqual(["bob"]);
    expect(partition.reads()).toBe(1);
  });

  it("writes records, notes and the unchecked users as puts and deletes of the partition", async () => {
    const partition = memoryPartition("111122223333", []);
    const state = accountAlertState(partition);
    await state.apply([
      { type: "put", record: RECORD },
      { type: "delete", accessKeyId: "AKIAGONE000000000001" },
    ]);
    await state.applyTagNotes([
      { type: "put", note: NOTE },
      { type: "delete", userName: "old" },
    ]);
    await state.saveUncheckedUsers(["carol"], NOW);
    await state.saveUncheckedUsers([], NOW);
    expect(partition.writes()).toEqual([
      { type: "put", item: toItem(RECORD) },
      { type: "delete", itemKey: "key#AKIAGONE000000000001" },
      { type: "put", item: tagNoteToItem(NOTE) },
      { type: "delete", itemKey: "tag-problems#old" },
      { type: "put", item: uncheckedUsersToItem(["carol"], NOW) },
      { type: "delete", itemKey: "unchecked-users" },
    ]);
  });

  it("has no unchecked users when the partition holds none", async () => {
    await expect(accountAlertState(memoryPartition("111122223333", [])).loadUncheckedUsers()).resolves.toEqual([]);
  });
});
