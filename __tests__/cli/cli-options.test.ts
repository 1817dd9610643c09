import { USAGE, UsageError, parseAsOf, parseCliOptions } from "../../cli/cli-options";
import { loadCliConfig } from "../../cli/cli-config";
import { FAIL_ON_LEVELS, findingsAtOrAbove, statusesAtOrAbove } from "../../cli/fail-on";
import { shouldColour } from "../../cli/terminal-style";
import { SEVERITY_ORDER } from "../../handler/scan/classify";
import { ConfigError } from "../../handler/runtime/config/config";
import { DAY, NOW } from "../handler/support/inventory-builders";
import { mixedReport } from "./support/scan-report-builders";

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("parseAsOf", () => {
  it.each([
    ["2025-09-01", "2025-09-01T00:00:00.000Z"],
    ["2025-09-01T08:30Z", "2025-09-01T08:30:00.000Z"],
    ["2025-09-01T08:30:15", "2025-09-01T08:30:15.000Z"],
    ["2025-09-01T08:30:15.250+02:00", "2025-09-01T06:30:15.250Z"],
    ["+30d", new Date(NOW.getTime() + 30 * DAY).toISOString()],
    ["+12h", "2025-06-02T00:00:00.000Z"],
  ])("reads %s", (text, iso) => {
    expect(parseAsOf(text, NOW).toISOString()).toBe(iso);
  });

  it.each(["tomorrow", "2025-02-30", "2025-13-01", "2025-9-1", "2025-09-01T25:00Z", "+30", "+x", "1750000000", ""])(
    "rejects %j naming --as-of",
    (text) => {
      expect(usageError(() => parseAsOf(text, NOW))).toMatch(/^--as-of /);
    },
  );

  it("rejects a relative time too far ahead to be a date, before any scan runs", () => {
    expect(usageError(() => parseAsOf("+100000000d", NOW))).toMatch(/^--as-of "\+100000000d": .*too large/);
  });
});

describe("parseCliOptions", () => {
  it("reads the scan flags", () => {
    const command = parseCliOptions(
      [
        "scan",
        "--warning-age",
        "30d",
        "--critical-age=60d",
        "--watch-users",
        "a,b",
        "--json",
        "--fail-on",
        "warning",
        "--as-of",
        "+1w",
        "--strategy",
        "api",
      ],
      NOW,
    );
    expect(command).toEqual({
      kind: "scan",
      envOverrides: { WARNING_AGE: "30d", CRITICAL_AGE: "60d", WATCH_USERS: "a,b", SCAN_STRATEGY: "api" },
      asOf: new Date(NOW.getTime() + 7 * DAY),
      failOn: "warning",
      json: true,
      notify: false,
      noColor: false,
    });
  });

  it("answers --help and help", () => {
    expect(parseCliOptions(["--help"], NOW)).toEqual({ kind: "help" });
    expect(parseCliOptions(["scan", "-h"], NOW)).toEqual({ kind: "help" });
    expect(parseCliOptions(["help"], NOW)).toEqual({ kind: "help" });
  });

  it.each([
    [["scan", "--frobnicate"], "--frobnicate"],
    [["scan", "--warning-age"], "--warning-age"],
    [["scan", "--warning-age", "ninety"], "--warning-age"],
    [["scan", "--unused-age="], "--unused-age"],
    [["scan", "--fail-on", "ok"], "--fail-on"],
    [["scan", "--fail-on", "severe"], "--fail-on"],
    [["scan", "--as-of", "soon"], "--as-of"],
    [["scan", "--json=yes"], "--json"],
    [["scan", "--notify", "--as-of", "+1d"], "--notify"],
    [["scna"], "scna"],
    [[], "missing command"],
    [["scan", "extra"], "extra"],
  ])("rejects %j naming %s", (argv, name) => {
    expect(usageError(() => parseCliOptions(argv, NOW))).toContain(name);
  });

  it("documents every flag, the --fail-on order and the exit codes in --help", () => {
    for (const flag of [
      "--warning-age",
      "--critical-age",
      "--unused-age",
      "--watch-users",
      "--environment",
      "--strategy",
      "--concurrency",
      "--as-of",
      "--fail-on",
      "--json",
      "--notify",
      "--no-color",
      "--help",
    ]) {
      expect(USAGE).toContain(flag);
    }
    expect(USAGE).toContain("unused < warning < critical");
    expect(USAGE).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 /);
  });
});

describe("--fail-on", () => {
  it("orders the levels like the handler's severity order", () => {
    expect([...FAIL_ON_LEVELS].reverse()).toEqual(
      SEVERITY_ORDER.filter((status) => (FAIL_ON_LEVELS as readonly string[]).includes(status)),
    );
    expect(statusesAtOrAbove("unused")).toEqual(["unused", "warning", "critical", "exposed"]);
    expect(statusesAtOrAbove("critical")).toEqual(["critical", "exposed"]);
    expect(statusesAtOrAbove("exposed")).toEqual(["exposed"]);
  });

  it("counts the keys at or above a level; exempt, ok and inactive keys never count", () => {
    const { findings } = mixedReport().classification;
    expect(findingsAtOrAbove(findings, "critical").map((finding) => finding.userName)).toEqual(["alice"]);
    expect(findingsAtOrAbove(findings, "warning").map((finding) => finding.userName)).toEqual(["alice", "bob"]);
    expect(findingsAtOrAbove(findings, "unused").map((finding) => finding.userName)).toEqual(["alice", "bob", "carol"]);
  });
});

describe("loadCliConfig", () => {
  it("needs no webhook without --notify, even when the webhook settings are broken", () => {
    const config = loadCliConfig({ SLACK_WEBHOOK_URL: "not a url", SLACK_WEBHOOK_PARAMETER: "/x" }, {}, false);
    expect(config.webhook).toBeUndefined();
    expect(config.thresholdLabels).toEqual({ warningAgeMs: "80d", criticalAgeMs: "90d", unusedAgeMs: "45d" });
  });

  it("needs a webhook source with --notify", () => {
    expect(() => loadCliConfig({}, {}, true)).toThrow(/SLACK_WEBHOOK_PARAMETER and SLACK_WEBHOOK_URL are both unset/);
    expect(loadCliConfig({ SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/x" }, {}, true).webhook).toEqual({
      kind: "url",
      url: "https://hooks.slack.com/services/x",
    });
  });

  it("lets flags override the environment and names the flag in problems", () => {
    const config = loadCliConfig({ WARNING_AGE: "10d", CRITICAL_AGE: "20d" }, { CRITICAL_AGE: "30d" }, false);
    expect(config.thresholdLabels).toMatchObject({ warningAgeMs: "10d", criticalAgeMs: "30d" });
    let error: unknown;
    try {
      loadCliConfig({ CRITICAL_AGE: "20d" }, { WARNING_AGE: "30d", SCAN_CONCURRENCY: "0" }, false);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^--warning-age="30d" exceeds CRITICAL_AGE="20d"/),
      expect.stringMatching(/^--concurrency="0": /),
    ]);
  });
});

describe("shouldColour", () => {
  it.each([
    [{ isTTY: true, env: {} }, true],
    [{ isTTY: false, env: {} }, false],
    [{ isTTY: true, env: { NO_COLOR: "1" } }, false],
    [{ isTTY: true, env: { NO_COLOR: "" } }, true],
    [{ isTTY: true, env: { TERM: "dumb" } }, false],
    [{ isTTY: true, env: {}, noColorFlag: true }, false],
    [{ isTTY: false, env: { FORCE_COLOR: "1" } }, true],
    [{ isTTY: false, env: { FORCE_COLOR: "0" } }, false],
    [{ isTTY: false, env: { FORCE_COLOR: "1", NO_COLOR: "1" } }, false],
  ])("%j → %s", (options, expected) => {
    expect(shouldColour(options)).toBe(expected);
  });
});

describe("organization flags", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  const scan = (argv: string[]) => parseCliOptions(argv, now);

  it("--organization defaults the role name and the account concurrency", () => {
    expect(scan(["scan", "--organization"])).toMatchObject({
      organization: { accounts: "organization", roleName: "key-age-member-reader", concurrency: 4 },
    });
  });

  it("--accounts parses ids and --role-name names the role", () => {
    expect(scan(["scan", "--accounts", "111111111111,222222222222", "--role-name", "auditor"])).toMatchObject({
      organization: { accounts: ["111111111111", "222222222222"], roleName: "auditor" },
    });
  });

  it("rejects bad combinations and values with the flag's name", () => {
    expect(() => scan(["scan", "--role-name", "x"])).toThrow("--role-name needs --organization or --accounts");
    expect(() => scan(["scan", "--organization", "--accounts", "111111111111"])).toThrow("cannot be combined");
    expect(() => scan(["scan", "--organization", "--notify"])).toThrow("--notify");
    expect(() => scan(["scan", "--organization", "--account-concurrency", "0"])).toThrow("--account-concurrency");
    expect(() => scan(["scan", "--organization", "--role-name", "a b"])).toThrow('--role-name "a b"');
  });
});
