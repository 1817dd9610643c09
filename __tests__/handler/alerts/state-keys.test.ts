import { idOf, itemKey, itemsOfKind, stateKey } from "../../../handler/alerts/state-keys";

describe("the state table's key layout", () => {
  it("puts the kind first in the sort key, the id after it", () => {
    expect(itemKey("alert", "AKIA0000000000000001")).toBe("key#AKIA0000000000000001");
    expect(itemKey("tagNote", "svc")).toBe("tag-problems#svc");
    expect(itemKey("uncheckedUsers")).toBe("unchecked-users");
    expect(stateKey("111122223333", "lease")).toEqual({ accountId: "111122223333", itemKey: "lease" });
  });

  it("reads an item's id back only for its own kind", () => {
    const alert = { itemKey: "key#AKIA0000000000000001" };
    expect(idOf(alert, "alert")).toBe("AKIA0000000000000001");
    expect(idOf(alert, "enforcement")).toBeUndefined();
    expect(idOf({ itemKey: "key#" }, "alert")).toBeUndefined();
    expect(idOf({ itemKey: "scan" }, "accountScan")).toBe("");
    expect(idOf({ itemKey: "scanner" }, "accountScan")).toBeUndefined();
    expect(idOf({ accessKeyId: "AKIA0000000000000001" }, "alert")).toBeUndefined();
  });

  it("picks the items of one kind", () => {
    const items = [{ itemKey: "key#A" }, { itemKey: "tag-problems#u" }, { itemKey: "key#B" }, { itemKey: "lease" }];
    expect(itemsOfKind(items, "alert")).toEqual([{ itemKey: "key#A" }, { itemKey: "key#B" }]);
  });
});
