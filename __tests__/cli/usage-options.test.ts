import { UsageError } from "../../cli/cli-options";
import { isUsageCommand, parseUsageOptions } from "../../cli/usage-options";

const KEY = "AKIAIOSFODNN7EXAMPLE";

describe("isUsageCommand", () => {
  it.each([
    [["usage", KEY], true],
    [["--json", "usage", KEY], true],
    [["--days", "30", "usage", KEY], true],
    [["scan"], false],
    [["scan", "--as-of", "+30d"], false],
    [["--as-of", "+30d", "scan"], false],
    [[], false],
    [["--help"], false],
  ])("%j → %s", (argv, expected) => {
    expect(isUsageCommand(argv)).toBe(expected);
  });
});

describe("parseUsageOptions", () => {
  it("defaults to 90 days, every enabled region and the report", () => {
    expect(parseUsageOptions(["usage", KEY])).toEqual({ kind: "usage", accessKeyId: KEY, days: 90, json: false });
  });

  it("reads --days, --regions (once each, in order) and --json", () => {
    expect(
      parseUsageOptions(["usage", KEY, "--days", "7", "--regions", "eu-west-1, us-east-1,eu-west-1", "--json"]),
    ).toEqual({
      kind: "usage",
      accessKeyId: KEY,
      days: 7,
      regions: ["eu-west-1", "us-east-1"],
      json: true,
    });
  });

  it("shows the help", () => {
    expect(parseUsageOptions(["usage", "--help"])).toEqual({ kind: "help" });
  });

  it.each([
    [["usage", KEY, "--days", "0"], '--days "0": expected a whole number of days from 1 to 90'],
    [["usage", KEY, "--days", "91"], '--days "91": expected a whole number of days from 1 to 90'],
    [["usage", KEY, "--days", "7.5"], '--days "7.5"'],
    [["usage", KEY, "--days", "soon"], '--days "soon"'],
    [["usage", KEY, "--regions", "US-EAST-1"], '--regions "US-EAST-1": not a region name'],
    [["usage", KEY, "--regions", " , "], '--regions " , ": needs at least one region'],
    [["usage", "AKIA123"], 'access key id "AKIA123": expected AKIA and 16 upper-case letters or digits'],
    [["usage", "akiaiosfodnn7example"], 'access key id "akiaiosfodnn7example"'],
    [["usage", "ASIAIOSFODNN7EXAMPLE"], "temporary credentials of a role session"],
    [["usage"], "missing access key id"],
    [["usage", KEY, "extra"], 'unexpected argument "extra"'],
    [["usage", KEY, "--frobnicate"], "--frobnicate"],
  ])("%j: a usage error naming %s", (argv, message) => {
    expect(() => parseUsageOptions(argv)).toThrow(UsageError);
    expect(() => parseUsageOptions(argv)).toThrow(message);
  });

  it("never repeats what looks like a secret access key", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let message = "";
    try {
      parseUsageOptions(["usage", secret]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("looks like a secret access key");
    expect(message).not.toContain("wJalrX");
  });

  it("cuts a long value", () => {
    expect(() => parseUsageOptions(["usage", "A".repeat(100)])).toThrow('access key id "AAAAAAAA"... (100 characters)');
  });
});
