import { ProjectConfig } from "./stacks/environment-config";

/**
 * The deployment configuration: one entry per environment, each synthesized as `monitor-<name>`.
 * Validated at synth; a bad value fails synth with the environment, the field and the value.
 * Field reference: stacks/environment-config.ts and the README's configuration section.
 */
export const config: ProjectConfig = {
  stateBackend: {
    bucket: "iam-key-age-monitor-tfstate",
    lockTable: "iam-key-age-monitor-tflock",
    region: "eu-west-1",
    awsVaultProfile: "key-age-admin",
  },
  environments: {
    dev: {
      region: "eu-west-1",
      awsVaultProfile: "key-age-dev",
      slackWebhookParameter: "/iam-key-age-monitor/dev/slack-webhook",
      // The daily all-clear at 09:00 UTC, so a quiet channel is never ambiguous.
      heartbeatSchedule: "cron(0 9 * * ? *)",
      logRetentionDays: 30,
      // A development environment is torn down and rebuilt; production keeps the default protection.
      deletionProtection: false,
      tags: { environment: "dev" },
    },
    prod: {
      region: "eu-west-1",
      awsVaultProfile: "key-age-prod",
      slackWebhookParameter: "/iam-key-age-monitor/prod/slack-webhook",
      // The daily all-clear at 09:00 UTC, so a quiet channel is never ambiguous.
      heartbeatSchedule: "cron(0 9 * * ? *)",
      logRetentionDays: 365,
      tags: { environment: "prod" },
    },
    // The original tool's scenario: one watched user, minute-level thresholds, the original wording.
    // It posts as a Slack app, so the key's owner (a `key-age:owner` email) gets a direct message too.
    demo: {
      region: "us-east-1",
      slackBotTokenParameter: "/iam-key-age-monitor/demo/slack-bot-token",
      slackChannel: "#key-age",
      watchUsers: ["Demogorgon"],
      warningAge: "12m",
      criticalAge: "25m",
      messageStyle: "original",
      // Enforcement announced only (`npm run demo` then arms a container to show a deactivation):
      // minute-level ages so a run of the demo sees notice, due date and deactivation.
      enforcement: "dry-run",
      deactivateAge: "30m",
      // A 10-minute notice is refused when armed, except in a sandbox like this one.
      deactivationNotice: "10m",
      sandbox: true,
      logRetentionDays: 7,
      deletionProtection: false,
      tags: { environment: "demo" },
    },
    // Organization mode: deployed in the management account (or a StackSets delegated administrator),
    // a dispatcher queues every active account and the worker scans each through its member role,
    // which the StackSet puts into every account of the organization, including ones that join later.
    org: {
      region: "eu-west-1",
      awsVaultProfile: "key-age-org-admin",
      slackWebhookParameter: "/iam-key-age-monitor/org/slack-webhook",
      // The dispatcher posts one organization summary: accounts scanned, failing, and the most flagged.
      heartbeatSchedule: "cron(0 9 * * ? *)",
      organization: {
        organizationId: "o-a1b2c3d4e5",
        memberRoleStackSet: { organizationalUnits: ["r-a1b2"] },
        workerMaxConcurrency: 10,
      },
      tags: { environment: "org" },
    },
  },
};
