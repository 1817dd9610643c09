import {
  checkOrder,
  describeUsers,
  firstNames,
  recordsOfCheckedUsers,
  ScanIncompleteError,
  scanBudget,
  UNLIMITED_BUDGET,
} from "../../../handler/scan/scan-budget";

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("scanBudget", () => {
  test("stops starting users an in-flight allowance before the delivery margin, and stops at the margin", () => {
    const clock = fakeClock();
    // 60 s left: stop at 60 - 20 = 40 s, stop starting users at 40 - 5 = 35 s.
    const budget = scanBudget({
      remainingTimeMs: 60_000,
      now: clock.now,
      deliveryMarginMs: 20_000,
      inFlightAllowanceMs: 5_000,
    });
    expect(budget.stopStarting()).toBe(false);
    expect(budget.msUntilStop()).toBe(40_000);
    clock.advance(34_999);
    expect(budget.stopStarting()).toBe(false);
    clock.advance(1);
    expect(budget.stopStarting()).toBe(true);
    expect(budget.msUntilStop()).toBe(5_000);
    clock.advance(10_000);
    expect(budget.msUntilStop()).toBe(0);
  });

  test("uses the default margins: 30 s for delivery, 10 s for users in flight", () => {
    const clock = fakeClock();
    const budget = scanBudget({ remainingTimeMs: 300_000, now: clock.now });
    expect(budget.msUntilStop()).toBe(270_000);
    clock.advance(259_999);
    expect(budget.stopStarting()).toBe(false);
    clock.advance(1);
    expect(budget.stopStarting()).toBe(true);
  });

  test("with less time left than the margin, no user is started and the stop is now", () => {
    const clock = fakeClock();
    const budget = scanBudget({ remainingTimeMs: 10_000, now: clock.now });
    expect(budget.stopStarting()).toBe(true);
    expect(budget.msUntilStop()).toBe(0);
  });

  test("the unlimited budget never runs out", () => {
    expect(UNLIMITED_BUDGET.stopStarting()).toBe(false);
    expect(UNLIMITED_BUDGET.msUntilStop()).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("checkOrder", () => {
  test("puts the previous run's unchecked users first, in their order, then the rest in listing order", () => {
    expect(checkOrder(["a", "b", "c", "d", "e"], ["d", "b"])).toEqual(["d", "b", "a", "c", "e"]);
  });

  test("drops unchecked users that no longer exist, and duplicates", () => {
    expect(checkOrder(["a", "b"], ["gone", "b", "b"])).toEqual(["b", "a"]);
  });

  test("covers every user within a bounded number of runs when each run checks only a few", () => {
    const users = Array.from({ length: 10 }, (_, i) => `u${i}`);
    const seen = new Set<string>();
    let unchecked: string[] = [];
    let runs = 0;
    while (seen.size < users.length) {
      const order = checkOrder(users, unchecked);
      order.slice(0, 3).forEach((user) => seen.add(user)); // each run gets through 3 users
      unchecked = order.slice(3);
      runs += 1;
      expect(runs).toBeLessThanOrEqual(4); // ceil(10 / 3)
    }
  });
});

describe("naming unchecked users", () => {
  test("names the first few, sorted, and counts the rest", () => {
    expect(firstNames(["d", "a", "c", "b"], 2)).toEqual({ named: ["a", "b"], more: 2 });
    expect(describeUsers(["d", "a", "c", "b"], 2)).toBe("a, b and 2 more");
    expect(describeUsers(["b", "a"])).toBe("a, b");
  });

  test("the error that fails the run names them and says the next run checks them first", () => {
    const error = new ScanIncompleteError(["carol", "alice", "bob"]);
    expect(error.name).toBe("ScanIncompleteError");
    expect(error.message).toBe(
      "The scan ran out of time before checking 3 users (alice, bob, carol); what it found was posted, " +
        "and the next run checks these users first",
    );
    expect(error.uncheckedUsers).toEqual(["carol", "alice", "bob"]);
  });
});

describe("recordsOfCheckedUsers", () => {
  test("leaves out the records of unchecked users, so the plan neither resolves nor reminds them", () => {
    const records = [
      { userName: "alice", accessKeyId: "AKIA1" },
      { userName: "bob", accessKeyId: "AKIA2" },
      { userName: "alice", accessKeyId: "AKIA3" },
    ];
    expect(recordsOfCheckedUsers(records, ["alice"])).toEqual([{ userName: "bob", accessKeyId: "AKIA2" }]);
    expect(recordsOfCheckedUsers(records, [])).toEqual(records);
  });

  test("matches an unchecked user spelled otherwise (as WATCH_USERS may) regardless of case", () => {
    const records = [
      { userName: "Alice", accessKeyId: "AKIA1" },
      { userName: "bob", accessKeyId: "AKIA2" },
    ];
    expect(recordsOfCheckedUsers(records, ["alice"])).toEqual([{ userName: "bob", accessKeyId: "AKIA2" }]);
  });
});
