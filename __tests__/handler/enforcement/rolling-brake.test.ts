import type { DueKey } from "../../../handler/enforcement/enforcement-events";
import type { EnforcementRecord } from "../../../handler/enforcement/enforcement-record";
import { deactivationsInWindow, rollingBrake } from "../../../handler/enforcement/rolling-brake";
import { DAY, NOW, ago, keyId } from "../support/inventory-builders";

const HOUR = 3_600_000;
const record = (n: number, fields: Partial<EnforcementRecord>): EnforcementRecord => ({
  accessKeyId: keyId(n),
  userName: `user-${n}`,
  reactivations: 0,
  expiresAt: NOW,
  ...fields,
});
const due = (n: number): DueKey => ({
  finding: { userName: `user-${n}`, accessKeyId: keyId(n), state: "Active", status: "critical" },
  date: NOW,
  setting: "DEACTIVATE_AGE=120d",
});

test("the window counts the latest deactivation or intent of each key within 24 hours, and a dry run its own", () => {
  const records = [
    record(1, { lastDeactivatedAt: ago(23 * HOUR) }),
    record(2, { lastDeactivatedAt: ago(25 * HOUR), intentAt: ago(HOUR) }),
    record(3, { lastDeactivatedAt: ago(25 * HOUR) }),
    record(4, { wouldDeactivateAt: ago(HOUR) }),
  ];
  expect([...deactivationsInWindow(records, "armed", NOW).keys()]).toEqual([keyId(1), keyId(2)]);
  expect([...deactivationsInWindow(records, "dry-run", NOW).keys()]).toEqual([keyId(4)]);
});

test("all or nothing: the due keys go only if they fit under the limit with the window; else it says when", () => {
  const window = new Map([
    [keyId(7), ago(20 * HOUR)],
    [keyId(8), ago(2 * HOUR)],
  ]);
  expect(rollingBrake([due(1), due(2), due(3)], window, 5)).toEqual({ braked: false, inWindow: 2 });
  expect(rollingBrake([due(1), due(2), due(3), due(4)], window, 5)).toEqual({
    braked: true,
    inWindow: 2,
    allowsAt: new Date(ago(20 * HOUR).getTime() + DAY),
  });
  expect(rollingBrake([1, 2, 3, 4, 5, 6].map(due), new Map(), 5)).toEqual({ braked: true, inWindow: 0 });
  // A due key already in the window counts once.
  expect(rollingBrake([due(7)], window, 2)).toEqual({ braked: false, inWindow: 1 });
  expect(rollingBrake([], window, 1)).toEqual({ braked: false, inWindow: 2 });
});
