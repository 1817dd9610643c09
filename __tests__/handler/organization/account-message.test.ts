import {
  accountMessage,
  accountsToQueue,
  inBatches,
  parseAccountMessage,
} from "../../../handler/organization/account-message";

describe("account messages", () => {
  it("round-trips an account with a per-account event id", () => {
    const message = accountMessage({ id: "111111111111", name: "payments" }, { eventId: "tick", heartbeat: false });
    expect(message).toEqual({
      accountId: "111111111111",
      accountName: "payments",
      eventId: "tick:111111111111",
      heartbeat: false,
    });
    expect(parseAccountMessage(JSON.stringify(message))).toEqual(message);
  });

  it("rejects a body without a valid account id, quoting it", () => {
    expect(() => parseAccountMessage('{"accountId":"42"}')).toThrow(
      'no 12-digit accountId: "{\\"accountId\\":\\"42\\"}"',
    );
    expect(() => parseAccountMessage("nope")).toThrow("not JSON");
  });

  it("batches by ten", () => {
    expect(inBatches(Array.from({ length: 23 }, (_, i) => i)).map((batch) => batch.length)).toEqual([10, 10, 3]);
  });

  describe("an AWS Health exposure event forwarded from a member account", () => {
    const exposure = {
      eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED",
      accessKeyIds: ["AKIAIOSFODNN7EXAMPLE"],
      accountId: "222222222222",
    };
    const accounts = [{ id: "111111111111" }, { id: "222222222222", name: "sandbox" }];

    it("queues only the account it is about, with the keys it names", () => {
      const trigger = { eventId: "health-1", heartbeat: false, exposure };
      const queue = accountsToQueue(accounts, trigger);
      expect(queue).toEqual({ accounts: [{ id: "222222222222", name: "sandbox" }] });
      const message = accountMessage(queue.accounts[0]!, trigger);
      expect(message).toEqual({
        accountId: "222222222222",
        accountName: "sandbox",
        eventId: "health-1:222222222222",
        heartbeat: false,
        exposure: { eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED", accessKeyIds: ["AKIAIOSFODNN7EXAMPLE"] },
      });
      expect(parseAccountMessage(JSON.stringify(message))).toEqual(message);
    });

    it("queues nothing for an account outside the scope, and says which", () => {
      const trigger = { heartbeat: false, exposure: { ...exposure, accountId: "999999999999" } };
      expect(accountsToQueue(accounts, trigger)).toEqual({ accounts: [], exposureOutOfScope: "999999999999" });
      expect(accountsToQueue(accounts, { heartbeat: false })).toEqual({ accounts });
    });

    it("reads back only what a Health event could name", () => {
      const body = JSON.stringify({
        accountId: "222222222222",
        exposure: {
          eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED",
          accessKeyIds: ["<!channel>", "AKIAIOSFODNN7EXAMPLE"],
        },
      });
      expect(parseAccountMessage(body).exposure).toEqual({
        eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED",
        accessKeyIds: ["AKIAIOSFODNN7EXAMPLE"],
      });
      expect(
        parseAccountMessage(JSON.stringify({ accountId: "222222222222", exposure: { eventTypeCode: "X" } })).exposure,
      ).toBeUndefined();
    });
  });
});
