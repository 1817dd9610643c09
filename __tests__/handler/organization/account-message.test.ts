import { accountMessage, inBatches, parseAccountMessage } from "../../../handler/organization/account-message";

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
});
