import { userNameSet } from "../../../handler/scan/user-names";

describe("userNameSet", () => {
  test("matches IAM user names regardless of case, and counts a user once in any spelling", () => {
    const set = userNameSet(["Alice", "ALICE", "bob"]);
    expect(set.has("alice")).toBe(true);
    expect(set.has("BOB")).toBe(true);
    expect(set.has("carol")).toBe(false);
    expect(set.size).toBe(2);
  });
});
