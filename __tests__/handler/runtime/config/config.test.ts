import { ConfigError, loadConfig } from "../../../../handler/runtime/config/config";

const DAY = 86_400_000;
const WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXX";

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected loadConfig to throw");
}

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({ SLACK_WEBHOOK_PARAMETER: "/key-age/slack-webhook" });
    expect(config).toEqual({
      webhook: { kind: "ssm-parameter", parameterName: "/key-age/slack-webhook" },
      thresholds: { warningAgeMs: 80 * DAY, criticalAgeMs: 90 * DAY, unusedAgeMs: 45 * DAY },
      thresholdLabels: { warningAgeMs: "80d", criticalAgeMs: "90d", unusedAgeMs: "45d" },
      watchUsers: [],
      dryRun: false,
      messageStyle: "digest",
      remindEvery: { ms: DAY, label: "24h" },
      maxExemption: { ms: 365 * DAY, label: "365d" },
      maxTagAge: { ms: 400 * DAY, label: "400d" },
      scanStrategy: "auto",
      scanConcurrency: 12,
      maxOwnersPerKey: 5,
    });
  });

  it("reads MAX_OWNERS_PER_KEY from 1 to 20, and names a bad value", () => {
    const base = { SLACK_WEBHOOK_PARAMETER: "/p" };
    expect(loadConfig({ ...base, MAX_OWNERS_PER_KEY: "2" }).maxOwnersPerKey).toBe(2);
    for (const bad of ["0", "21", "five"]) {
      expect(() => loadConfig({ ...base, MAX_OWNERS_PER_KEY: bad })).toThrow(
        `MAX_OWNERS_PER_KEY=${JSON.stringify(bad)}`,
      );
    }
  });

  it("reads the original's scenario", () => {
    const config = loadConfig({
      SLACK_WEBHOOK_URL: WEBHOOK,
      WATCH_USERS: " Demogorgon , ,Demogorgon,eleven",
      WARNING_AGE: "12m",
      CRITICAL_AGE: "25m",
      ENVIRONMENT_NAME: "hawkins-lab",
      MESSAGE_STYLE: "original",
      DRY_RUN: "FALSE",
    });
    expect(config.webhook).toEqual({ kind: "url", url: WEBHOOK });
    expect(config.watchUsers).toEqual(["Demogorgon", "eleven"]);
    expect(config.thresholds.warningAgeMs).toBe(12 * 60_000);
    expect(config.thresholds.criticalAgeMs).toBe(25 * 60_000);
    expect(config.environmentName).toBe("hawkins-lab");
    expect(config.messageStyle).toBe("original");
    expect(config.dryRun).toBe(false);
  });

  it("accepts 0m as 'immediately' and equal warning and critical ages", () => {
    const config = loadConfig({ DRY_RUN: "true", WARNING_AGE: "0m", CRITICAL_AGE: "0m", UNUSED_AGE: "0d" });
    expect(config.thresholds).toEqual({ warningAgeMs: 0, criticalAgeMs: 0, unusedAgeMs: 0 });
    expect(config.webhook).toBeUndefined();
  });

  it("treats empty variables as unset", () => {
    const config = loadConfig({
      SLACK_WEBHOOK_URL: WEBHOOK,
      SLACK_WEBHOOK_PARAMETER: "",
      WARNING_AGE: "",
      ENVIRONMENT_NAME: " ",
    });
    expect(config.thresholds.warningAgeMs).toBe(80 * DAY);
    expect(config.environmentName).toBeUndefined();
  });

  it("reports every bad variable in one error, quoting each value", () => {
    const error = configError({
      WARNING_AGE: "90 days",
      CRITICAL_AGE: "1y",
      UNUSED_AGE: "-3d",
      DRY_RUN: "yes",
      MESSAGE_STYLE: "fancy",
      WATCH_USERS: "alice,bad name,<script>",
    });
    expect(error.problems).toHaveLength(7);
    expect(error.message).toContain('WARNING_AGE="90 days"');
    expect(error.message).toContain('CRITICAL_AGE="1y"');
    expect(error.message).toContain('UNUSED_AGE="-3d"');
    expect(error.message).toContain('DRY_RUN="yes"');
    expect(error.message).toContain('MESSAGE_STYLE="fancy"');
    expect(error.message).toContain('"bad name", "<script>"');
    expect(error.message).toMatch(/SLACK_WEBHOOK_PARAMETER and SLACK_WEBHOOK_URL are both unset/);
  });

  it("rejects a warning age beyond the critical age", () => {
    const error = configError({ DRY_RUN: "true", WARNING_AGE: "95d" });
    expect(error.problems).toEqual([expect.stringContaining('WARNING_AGE="95d" exceeds CRITICAL_AGE="90d"')]);
  });

  it("rejects two webhook sources without printing the URL", () => {
    const error = configError({ SLACK_WEBHOOK_PARAMETER: "/p", SLACK_WEBHOOK_URL: WEBHOOK });
    expect(error.message).toMatch(/set exactly one webhook source/);
    expect(error.message).not.toContain("XXXXsecretXXXX");
  });

  it("rejects a webhook that is not an http(s) URL, masked", () => {
    const error = configError({ SLACK_WEBHOOK_URL: "ftp://example.com/secret-path" });
    expect(error.message).toContain('SLACK_WEBHOOK_URL="ftp://example.com/…"');
    expect(error.message).not.toContain("secret-path");
  });

  it("rejects an SSM parameter name with spaces", () => {
    const error = configError({ SLACK_WEBHOOK_PARAMETER: "my webhook" });
    expect(error.message).toContain('SLACK_WEBHOOK_PARAMETER="my webhook"');
  });

  it("never prints a webhook URL pasted into another variable", () => {
    const error = configError({ SLACK_WEBHOOK_PARAMETER: WEBHOOK, WATCH_USERS: WEBHOOK });
    expect(error.message).toContain(
      'SLACK_WEBHOOK_PARAMETER="https://hooks.slack.com/…" (masked): this looks like the webhook URL itself',
    );
    expect(error.message).toContain('WATCH_USERS="https://hooks.slack.com/…" (masked)');
    expect(error.message).not.toContain("XXXXsecretXXXX");
    const both = configError({ SLACK_WEBHOOK_PARAMETER: WEBHOOK, SLACK_WEBHOOK_URL: WEBHOOK });
    expect(both.message).not.toContain("XXXXsecretXXXX");
  });

  it("accepts an https webhook, and plain http only to a loopback address", () => {
    expect(loadConfig({ SLACK_WEBHOOK_URL: WEBHOOK }).webhook).toEqual({ kind: "url", url: WEBHOOK });
    for (const url of ["http://127.0.0.1:8080/services/x", "http://localhost/x", "http://[::1]:9/x"]) {
      expect(loadConfig({ SLACK_WEBHOOK_URL: url }).webhook).toEqual({ kind: "url", url });
    }
    const error = configError({ SLACK_WEBHOOK_URL: "http://hooks.slack.com/services/T0/B0/secret-path" });
    expect(error.problems).toEqual([
      'SLACK_WEBHOOK_URL="http://hooks.slack.com/…" (masked): expected an https URL (http only to a loopback address, for local tests)',
    ]);
  });

  it("bounds durations, so a record's expiry is never an invalid date", () => {
    const error = configError({ DRY_RUN: "true", REMIND_EVERY: "100000000d", MAX_EXEMPTION: "4000d" });
    expect(error.problems).toEqual([
      expect.stringMatching(/^REMIND_EVERY="100000000d": .*too large \(at most 3650d/),
      expect.stringMatching(/^MAX_EXEMPTION="4000d": .*too large/),
    ]);
  });

  it("reads MAX_EXEMPTION", () => {
    expect(loadConfig({ DRY_RUN: "true", MAX_EXEMPTION: "30d" }).maxExemption).toEqual({ ms: 30 * DAY, label: "30d" });
  });

  it("keeps one of two watched names that differ only in case: IAM names are unique regardless of case", () => {
    expect(loadConfig({ DRY_RUN: "true", WATCH_USERS: "Alice,alice,bob" }).watchUsers).toEqual(["Alice", "bob"]);
  });

  it("takes SSM parameter names up to the 1011 characters a parameter's ARN allows", () => {
    const name = `/${"a".repeat(1010)}`;
    expect(loadConfig({ SLACK_WEBHOOK_PARAMETER: name }).webhook).toEqual({
      kind: "ssm-parameter",
      parameterName: name,
    });
    expect(configError({ SLACK_WEBHOOK_PARAMETER: `/${"a".repeat(1011)}` }).problems[0]).toMatch(
      /at most 1011 characters/,
    );
  });

  it("allows a dry run without a webhook", () => {
    expect(loadConfig({ DRY_RUN: "true" }).dryRun).toBe(true);
  });
});

describe("loadConfig: scan strategy and concurrency", () => {
  const base = { DRY_RUN: "true" };

  it("reads SCAN_STRATEGY and SCAN_CONCURRENCY", () => {
    expect(loadConfig({ ...base, SCAN_STRATEGY: "credential-report", SCAN_CONCURRENCY: "16" })).toMatchObject({
      scanStrategy: "credential-report",
      scanConcurrency: 16,
    });
    expect(loadConfig({ ...base, SCAN_STRATEGY: "api", SCAN_CONCURRENCY: "1" })).toMatchObject({
      scanStrategy: "api",
      scanConcurrency: 1,
    });
  });

  it.each([
    [{ SCAN_STRATEGY: "report" }, 'SCAN_STRATEGY="report": expected "api", "credential-report", "auto"'],
    [{ SCAN_CONCURRENCY: "0" }, 'SCAN_CONCURRENCY="0": expected a whole number from 1 to 64'],
    [{ SCAN_CONCURRENCY: "65" }, 'SCAN_CONCURRENCY="65"'],
    [{ SCAN_CONCURRENCY: "8.5" }, 'SCAN_CONCURRENCY="8.5"'],
    [{ SCAN_CONCURRENCY: "ten" }, 'SCAN_CONCURRENCY="ten"'],
  ])("rejects %p, naming the variable and quoting the value", (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });
});
