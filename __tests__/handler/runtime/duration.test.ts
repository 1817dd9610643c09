import { DURATION_FORMAT_HINT, formatDuration, parseDuration } from "../../../handler/runtime/duration";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("parseDuration", () => {
  it.each([
    ["25m", 25 * MIN],
    ["12h", 12 * HOUR],
    ["90d", 90 * DAY],
    ["2w", 14 * DAY],
    ["0m", 0],
    [" 45d ", 45 * DAY],
  ])("parses %j", (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each(["", "90", "d", "1.5d", "-1d", "90D", "90 d", "1y", "90s", "1d2h", "0x10m"])("rejects %j", (text) => {
    expect(() => parseDuration(text)).toThrow(DURATION_FORMAT_HINT);
  });

  it("rejects a value too large to count in milliseconds", () => {
    expect(() => parseDuration("99999999999999w")).toThrow(/too large/);
  });

  it("accepts up to 10 years and rejects more, so dates computed from it stay real dates", () => {
    expect(parseDuration("3650d")).toBe(3650 * DAY);
    expect(parseDuration("521w")).toBe(521 * 7 * DAY);
    for (const text of ["3651d", "100000000d", "523w", "87601h"]) {
      expect(() => parseDuration(text)).toThrow(/too large \(at most 3650d, 10 years\)/);
    }
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0m"],
    [-5 * MIN, "0m"],
    [59 * 1000, "0m"],
    [12 * MIN, "12m"],
    [HOUR - 1, "59m"],
    [HOUR, "1h"],
    [DAY - 1, "23h"],
    [DAY, "1d"],
    [92 * DAY + 5 * HOUR, "92d"],
  ])("formats %d ms as %j", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});
