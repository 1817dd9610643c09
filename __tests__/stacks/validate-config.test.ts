import { config } from "../../environments";
import { validateConfig } from "../../stacks/validate-config";
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
      'environment "dev": field "slackChannel" has invalid value "Key Age" (expected a channel id such as "C0123ABCD" or a name such as "#key-age")',
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

  test("masks a bot token pasted where the parameter name belongs", () => {
    const token = ["xoxb", "1111", "2222", "s3cr3t"].join("-");
    const found = configProblems(
      withEnvironment({ slackWebhookParameter: undefined, slackBotTokenParameter: token, slackChannel: "#key-age" }),
    );
    expect(found).toEqual([
      'environment "dev": field "slackBotTokenParameter" has invalid value "xoxb-…" (masked) (expected the name of the SSM parameter that holds the bot token, not the token)',
    ]);
  });

  test("masks a webhook URL pasted where the parameter name belongs", () => {
    const url = ["https://hooks.slack.com", "services", "T0", "B0", "s3cr3t"].join("/");
    const found = configProblems(withEnvironment({ slackWebhookParameter: url }));
    expect(found).toEqual([
      'environment "dev": field "slackWebhookParameter" has invalid value "https://hooks.slack.com/…" (masked) (expected an SSM parameter name)',
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
      'environment "dev": field "warningAge" ("91d") must not exceed "criticalAge" ("90d")',
    ]);
  });

  test("a webhook parameter is required unless the environment is a dry run", () => {
    expect(configProblems(withEnvironment({ slackWebhookParameter: undefined }))[0]).toMatch(
      /field "slackWebhookParameter" is missing/,
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

test("enforcement needs a deactivation age at or above the critical age, and the alert state", () => {
  expect(configProblems(withEnvironment({ enforcement: "armed" }))).toEqual([
    'environment "dev": field "deactivateAge" is missing (required when "enforcement" is "armed")',
  ]);
  expect(configProblems(withEnvironment({ enforcement: "dry-run", deactivateAge: "60d" }))[0]).toContain(
    'field "deactivateAge" ("60d") must not be below "criticalAge" ("90d")',
  );
  expect(configProblems(withEnvironment({ enforcement: "armed", deactivateAge: "120d", alertState: false }))).toEqual([
    'environment "dev": field "enforcement" ("armed") needs "alertState": the advance notice is recorded there',
  ]);
  expect(configProblems(withEnvironment({ enforcement: "armed", deactivateAge: "120d" }))).toEqual([]);
});
