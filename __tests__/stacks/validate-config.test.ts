import { config } from "../../environments";
import { validateConfig } from "../../stacks/validate-config";
import type { ProjectConfig } from "../../stacks/environment-config";
import { configProblems, withEnvironment } from "./support/project-config";

describe("validateConfig", () => {
  test("the shipped configuration is valid", () => {
    expect(configProblems(config)).toEqual([]);
  });

  test.each([
    ["region", "eu-west"],
    ["assumeRoleArn", "arn:aws:iam::12345:role/x"],
    ["schedule", "every 10 minutes"],
    ["schedule", "rate(1 minutes)"],
    ["warningAge", "80 days"],
    ["criticalAge", "90x"],
    ["unusedAge", "-5d"],
    ["slackWebhookParameter", "has spaces"],
    ["messageStyle", "loud"],
    ["logRetentionDays", 42],
    ["s3NativeLocking", "yes"],
    ["deletionProtection", "on"],
    ["watchUsers", ["ok", "not/valid"]],
    ["scanStrategy", "fast"],
    ["slackWebhookKmsKeyArn", "arn:aws:kms:eu-west-1:123456789012:alias/slack"],
    ["scanConcurrency", 0],
    ["scanConcurrency", 2.5],
    ["enforcement", "on"],
    ["deactivationNotice", "a week"],
    ["maxDeactivationsPerRun", 0],
    ["maxDeactivationsPerDay", 1001],
    ["exposedKeys", "quarantine"],
    ["maxTagAge", "forever"],
    ["sandbox", "yes"],
  ])("names the environment, the field %s and the bad value %j", (field, value) => {
    const found = configProblems(withEnvironment({ [field]: value }));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('environment "dev"');
    expect(found[0]).toContain(`field "${field}"`);
    expect(found[0]).toContain(JSON.stringify(value));
  });

  test("takes the Slack app instead of the webhook: a token parameter with a channel", () => {
    const app = { slackWebhookParameter: undefined, slackBotTokenParameter: "/key-age/dev/slack-bot-token" };
    expect(configProblems(withEnvironment({ ...app, slackChannel: "C0123ABCD" }))).toEqual([]);
    expect(configProblems(withEnvironment(app))).toEqual([
      'environment "dev": field "slackChannel" is missing (the Slack app needs the digest\'s channel)',
    ]);
    expect(configProblems(withEnvironment({ ...app, slackChannel: "Key Age" }))).toEqual([
      'environment "dev": field "slackChannel" has invalid value "Key Age" (expected a channel id such as "C0123ABCD" or a channel name such as "#key-age")',
    ]);
  });

  test("wants exactly one Slack destination, and no Slack app field without the app", () => {
    expect(
      configProblems(
        withEnvironment({ slackBotTokenParameter: "/key-age/dev/slack-bot-token", slackChannel: "#key-age" }),
      ),
    ).toEqual([
      'environment "dev": fields "slackWebhookParameter" and "slackBotTokenParameter" are both set: set exactly one Slack destination',
    ]);
    expect(configProblems(withEnvironment({ slackChannel: "#key-age" }))).toEqual([
      'environment "dev": field "slackChannel" ("#key-age") has no effect without "slackBotTokenParameter"',
    ]);
  });

  test("judges channels by account by field, with the Slack app and organization mode only", () => {
    const app = {
      slackWebhookParameter: undefined,
      slackBotTokenParameter: "/key-age/token",
      slackChannel: "#key-age",
      organization: { accounts: ["111111111111", "222222222222"] },
    };
    expect(configProblems(withEnvironment({ ...app, slackChannelsByAccount: { "111111111111": "#team-a" } }))).toEqual(
      [],
    );
    expect(configProblems(withEnvironment({ ...app, slackChannelsByAccount: { "1111": "#team-a" } }))).toEqual([
      'environment "dev": field "slackChannelsByAccount" has invalid value {"1111":"#team-a"} (entry "1111=#team-a" is not "account-id=channel" (a 12-digit account id, then a channel id such as "C0123ABCD" or a name such as "#team-payments"))',
    ]);
    expect(configProblems(withEnvironment({ ...app, slackChannelsByAccount: ["#team-a"] }))).toEqual([
      'environment "dev": field "slackChannelsByAccount" has invalid value ["#team-a"] (expected an object of account ids to channels, such as { "111111111111": "#team-payments" })',
    ]);
    expect(
      configProblems(
        withEnvironment({ ...app, organization: undefined, slackChannelsByAccount: { "111111111111": "#team-a" } }),
      ),
    ).toEqual([
      'environment "dev": field "slackChannelsByAccount" ({"111111111111":"#team-a"}) has no effect without "organization"',
    ]);
    expect(
      configProblems(withEnvironment({ ...app, organization: undefined, slackChannelFromAccountTag: true })),
    ).toEqual(['environment "dev": field "slackChannelFromAccountTag" (true) has no effect without "organization"']);
    expect(configProblems(withEnvironment({ ...app, slackChannelFromAccountTag: "yes" }))).toEqual([
      'environment "dev": field "slackChannelFromAccountTag" has invalid value "yes" (expected true or false)',
    ]);
  });

  test("judges the Slack app's rate limits, owner cache TTL and owner cap by field, with the handler's own rules", () => {
    const app = {
      slackWebhookParameter: undefined,
      slackBotTokenParameter: "/key-age/token",
      slackChannel: "#key-age",
    };
    expect(
      configProblems(
        withEnvironment({
          ...app,
          slackRateLimits: { "users.lookupByEmail": 100 },
          slackOwnerCacheTtl: "30d",
          maxOwnersPerKey: 3,
        }),
      ),
    ).toEqual([]);
    expect(configProblems(withEnvironment({ ...app, slackRateLimits: { "users.lookupByEmail": 0 } }))).toEqual([
      expect.stringMatching(
        /^environment "dev": field "slackRateLimits" has invalid value .*calls per minute must be a whole number from 1 to 10000/,
      ),
    ]);
    expect(configProblems(withEnvironment({ ...app, slackOwnerCacheTtl: "forever" }))).toEqual([
      expect.stringMatching(/^environment "dev": field "slackOwnerCacheTtl" has invalid value "forever"/),
    ]);
    expect(configProblems(withEnvironment({ maxOwnersPerKey: 50 }))).toEqual([
      expect.stringMatching(
        /^environment "dev": field "maxOwnersPerKey" has invalid value 50 \(expected a whole number from 1 to 20\)/,
      ),
    ]);
    expect(configProblems(withEnvironment({ slackOwnerCacheTtl: "7d" }))).toEqual([
      'environment "dev": field "slackOwnerCacheTtl" ("7d") has no effect without "slackBotTokenParameter"',
    ]);
  });

  test("masks a bot token pasted where the parameter name belongs", () => {
    const token = ["xoxb", "1111", "2222", "s3cr3t"].join("-");
    const found = configProblems(
      withEnvironment({ slackWebhookParameter: undefined, slackBotTokenParameter: token, slackChannel: "#key-age" }),
    );
    expect(found).toEqual([
      'environment "dev": field "slackBotTokenParameter" has invalid value "xoxb-…" (masked) (this looks like the token itself: name the SSM parameter that holds it)',
    ]);
  });

  test("judges the Slack app's settings with the function's own rules", () => {
    const app = { slackWebhookParameter: undefined, slackChannel: "#key-age" };
    expect(configProblems(withEnvironment({ ...app, slackBotTokenParameter: "/key age/token" }))).toEqual([
      'environment "dev": field "slackBotTokenParameter" has invalid value "/key age/token" (not a valid SSM parameter name or ARN)',
    ]);
    expect(
      configProblems(
        withEnvironment({
          ...app,
          slackBotTokenParameter: "/key-age/token",
          slackApiUrl: "http://proxy.example.com/api/",
        }),
      ),
    ).toEqual([
      'environment "dev": field "slackApiUrl" has invalid value "http://proxy.example.com/…" (masked) (expected an https URL such as "https://slack.com/api/" (http only to a loopback address, for local tests))',
    ]);
  });

  test("masks a webhook URL pasted where the parameter name belongs", () => {
    const url = ["https://hooks.slack.com", "services", "T0", "B0", "s3cr3t"].join("/");
    const found = configProblems(withEnvironment({ slackWebhookParameter: url }));
    expect(found).toEqual([
      'environment "dev": field "slackWebhookParameter" has invalid value "https://hooks.slack.com/…" (masked) (this looks like the webhook URL itself: name the SSM parameter that holds it)',
    ]);
  });

  test("names a misspelt or unknown field, which synth would otherwise ignore", () => {
    expect(configProblems(withEnvironment({ warningage: "30d", pagerDuty: true }))).toEqual([
      'environment "dev": unknown field "warningage" (did you mean "warningAge"?)',
      'environment "dev": unknown field "pagerDuty"',
    ]);
    const backend = { ...config.stateBackend, Bucket: "x" } as typeof config.stateBackend;
    expect(configProblems({ ...config, stateBackend: backend })).toEqual([
      'stateBackend: unknown field "Bucket" (did you mean "bucket"?)',
    ]);
  });

  test("reports every problem at once", () => {
    const found = configProblems(withEnvironment({ region: "x", warningAge: "soon", messageStyle: "loud" }));
    expect(found).toHaveLength(3);
    expect(() => validateConfig(withEnvironment({ region: "x", warningAge: "soon" }))).toThrow(
      /invalid deployment configuration:\n {2}- environment "dev": field "region".*\n {2}- environment "dev": field "warningAge"/,
    );
  });

  test("the warning age must not come after the critical age (the handler's rule)", () => {
    expect(configProblems(withEnvironment({ warningAge: "90d", criticalAge: "90d" }))).toEqual([]);
    expect(configProblems(withEnvironment({ warningAge: "91d", criticalAge: "90d" }))).toEqual([
      'environment "dev": "warningAge"="91d" exceeds "criticalAge"="90d": the warning must come before (or together with) the critical alert',
    ]);
  });

  test("a webhook parameter is required unless the environment is a dry run", () => {
    expect(configProblems(withEnvironment({ slackWebhookParameter: undefined }))[0]).toMatch(
      /environment "dev": field "slackWebhookParameter" is missing \(required unless "dryRun" is true/,
    );
    expect(configProblems(withEnvironment({ slackWebhookParameter: undefined, dryRun: true }))).toEqual([]);
  });

  test("environment names become stack names, so they must be simple", () => {
    expect(configProblems(withEnvironment({}, "Prod_EU"))[0]).toMatch(/environment "Prod_EU": the name must be/);
  });

  test("the state backend is checked too", () => {
    const found = configProblems({ ...config, stateBackend: { ...config.stateBackend, bucket: "Bad_Bucket" } });
    expect(found).toEqual(['stateBackend: field "bucket" has invalid value "Bad_Bucket" (expected an S3 bucket name)']);
  });

  test.each([
    ["noncurrentVersionExpirationDays", 0],
    ["noncurrentVersionExpirationDays", 7.5],
    ["deletionProtection", "yes"],
  ])("names the state backend's field %s and the bad value %j", (field, value) => {
    const found = configProblems({ ...config, stateBackend: { ...config.stateBackend, [field]: value } });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`stateBackend: field "${field}" has invalid value ${JSON.stringify(value)}`);
  });
});

test("enforcement needs a deactivation age at or above the critical age, and the alert state (the handler's rules)", () => {
  expect(configProblems(withEnvironment({ enforcement: "armed" }))).toEqual([
    'environment "dev": "deactivateAge" is unset: it is required when "enforcement" is "armed"',
  ]);
  expect(configProblems(withEnvironment({ enforcement: "dry-run", deactivateAge: "60d" }))[0]).toContain(
    '"deactivateAge"="60d" is below "criticalAge"="90d"',
  );
  expect(configProblems(withEnvironment({ enforcement: "armed", deactivateAge: "120d", alertState: false }))).toEqual([
    'environment "dev": "enforcement"="armed" needs "alertState": the advance notice is recorded in the alert state',
  ]);
  expect(configProblems(withEnvironment({ enforcement: "armed", deactivateAge: "120d" }))).toEqual([]);
});

test("synth reads enforcement with the function's own parser: a value with a space is refused, never trimmed", () => {
  expect(configProblems(withEnvironment({ enforcement: "armed " as "armed", deactivateAge: "120d" }))).toEqual([
    'environment "dev": field "enforcement" has invalid value "armed " (expected "off", "dry-run", "armed", without surrounding spaces)',
  ]);
});

test("an armed notice under 24h needs a sandbox; a zero notice is refused; the brake's old name is an alias", () => {
  const armed = { enforcement: "armed" as const, deactivateAge: "120d" };
  expect(configProblems(withEnvironment({ ...armed, deactivationNotice: "10m" }))).toEqual([
    'environment "dev": field "deactivationNotice" has invalid value "10m" (shorter than 24h while "enforcement" is "armed": ' +
      'people need a day to react (allowed only where "sandbox" is true))',
  ]);
  expect(configProblems(withEnvironment({ ...armed, deactivationNotice: "10m", sandbox: true }))).toEqual([]);
  expect(configProblems(withEnvironment({ ...armed, deactivationNotice: "0m", sandbox: true }))).toEqual([
    'environment "dev": field "deactivationNotice" has invalid value "0m" (must be longer than zero: a notice has to come before the deactivation)',
  ]);
  expect(configProblems(withEnvironment({ ...armed, maxDeactivationsPerRun: 3 }))).toEqual([]);
  expect(configProblems(withEnvironment({ ...armed, maxDeactivationsPerRun: 3, maxDeactivationsPerDay: 4 }))).toEqual([
    'environment "dev": "maxDeactivationsPerDay" and "maxDeactivationsPerRun" are both set: set only "maxDeactivationsPerDay" (the other is its old name)',
  ]);
});

describe("validateConfig: malformed input is named, never a stack trace or silently accepted", () => {
  const problemsOf = (projectConfig: unknown) => configProblems(projectConfig as ProjectConfig);

  test("an environment that is null", () => {
    expect(problemsOf({ ...config, environments: { dev: null } })).toEqual([
      'environment "dev": is null (expected an object of settings)',
    ]);
  });

  test("a missing state backend or environments", () => {
    expect(problemsOf({ environments: config.environments })).toEqual([
      'stateBackend: missing (expected an object with "bucket", "lockTable" and "region")',
    ]);
    expect(problemsOf({ stateBackend: config.stateBackend })).toEqual([
      "environments: missing (expected an object with one entry per environment)",
    ]);
    expect(problemsOf(null)).toEqual([
      'the configuration is null: expected an object with "stateBackend" and "environments"',
    ]);
  });

  test("tags that are not an object of strings", () => {
    for (const tags of ["prod", ["prod"], { environment: 1 }, { "aws:owner": "x" }]) {
      const found = configProblems(withEnvironment({ tags }));
      expect(found).toEqual([expect.stringContaining('environment "dev": field "tags" has invalid value')]);
    }
    expect(configProblems(withEnvironment({ tags: { environment: "prod", "cost-center": "4711" } }))).toEqual([]);
  });

  test.each([
    ["cron(not a cron)", /6 fields/],
    ["cron(0 9 * * * *)", /exactly one of day-of-month and day-of-week must be \?/],
    ["cron(0 25 * * ? *)", /hours "25": "25" is out of range 0-23/],
    ["cron(61 9 * * ? *)", /minutes "61"/],
    ["cron(0 9 ? * FOO *)", /day-of-week "FOO"/],
    ["rate(0 minutes)", /at least 1/],
    ["rate(5 minute)", /plural/],
  ])("the schedule %j", (schedule, reason) => {
    const found = configProblems(withEnvironment({ schedule }));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`field "schedule" has invalid value ${JSON.stringify(schedule)}`);
    expect(found[0]).toMatch(reason);
  });

  test.each(["cron(0 9 * * ? *)", "cron(0/15 8-18 ? * MON-FRI *)", "cron(0 12 L * ? 2027)", "rate(1 hour)"])(
    "accepts the schedule %j",
    (schedule) => {
      expect(configProblems(withEnvironment({ schedule, heartbeatSchedule: schedule }))).toEqual([]);
    },
  );

  test("a watched user name with a comma, which the comma-separated WATCH_USERS would split", () => {
    expect(configProblems(withEnvironment({ watchUsers: ["a,b"] }))).toEqual([
      'environment "dev": field "watchUsers" has invalid value ["a,b"] (expected a non-empty list of IAM user names, each without commas (WATCH_USERS is comma-separated))',
    ]);
  });

  test("durations beyond 10 years, which would make the alert state's expiry an invalid date", () => {
    expect(configProblems(withEnvironment({ remindEvery: "100000000d" }))).toEqual([
      expect.stringMatching(/^environment "dev": field "remindEvery" has invalid value "100000000d" \(.*too large/),
    ]);
  });

  test("handler settings are judged by the handler's own loader and named by field", () => {
    expect(configProblems(withEnvironment({ maxExemption: "forever", warningAge: 80 }))).toEqual([
      'environment "dev": field "warningAge" has invalid value 80 (expected a duration such as "80d")',
      expect.stringMatching(
        /^environment "dev": field "maxExemption" has invalid value "forever" \(expected a whole number/,
      ),
    ]);
    const found = configProblems(withEnvironment({ slackWebhookParameter: `/${"a".repeat(1011)}` }));
    expect(found[0]).toMatch(/field "slackWebhookParameter" .*at most 1011 characters/);
  });
});
