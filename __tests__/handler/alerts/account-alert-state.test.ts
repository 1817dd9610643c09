import { recordsOfAccount, stampAccount } from "../../../handler/alerts/account-alert-state";
import type { AlertRecord } from "../../../handler/alerts/alert-transitions";

const record = (accessKeyId: string, accountId?: string): AlertRecord => ({
  accessKeyId,
  userName: "u",
  status: "critical",
  announcedAt: new Date(0),
  since: new Date(0),
  expiresAt: new Date(1),
  ...(accountId ? { accountId } : {}),
});

describe("one account's slice of the alert state", () => {
  it("keeps only that account's records, so another account's keys are never resolved", () => {
    const records = [record("A", "111111111111"), record("B", "222222222222"), record("C")];
    expect(recordsOfAccount(records, "111111111111").map((r) => r.accessKeyId)).toEqual(["A"]);
  });

  it("stamps the account on every record written and leaves deletes alone", () => {
    expect(
      stampAccount(
        [
          { type: "put", record: record("A") },
          { type: "delete", accessKeyId: "B" },
        ],
        "111111111111",
      ),
    ).toEqual([
      { type: "put", record: record("A", "111111111111") },
      { type: "delete", accessKeyId: "B" },
    ]);
  });
});
