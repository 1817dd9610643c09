import { readFileSync } from "node:fs";
import * as path from "node:path";
import { IAMClient } from "@aws-sdk/client-iam";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { ConfigError, type MonitorConfig } from "../handler/runtime/config/config";
import type { ScanResult } from "../handler/scan/inventory";
import { describeErrorChain as describeError } from "../handler/runtime/error-fields";
import { createLogger } from "../handler/runtime/logger";
import { redactSlackToken, redactWebhookUrl } from "../handler/runtime/mask";
import { resolveAccountId } from "../handler/runtime/account-id";
import { IAM_CLIENT_CONFIG, SUPPORT_CLIENT_CONFIG } from "../handler/runtime/client-config";
import { SlackDeliveryError, deliverToSlack } from "../handler/slack/deliver-to-slack";
import { createSlackAppConnector } from "../handler/slack/slack-app";
import {
  WebhookSecretError,
  createSlackTokenProvider,
  createWebhookUrlProvider,
} from "../handler/slack/webhook-secret";
import { runMonitor, type RunSummary } from "../handler/monitor/run-monitor";
import { loadCliConfig } from "./cli-config";
import { cliScanner } from "./cli-scanner";
import { scanOrganization } from "./organization-scan";
import { USAGE, UsageError, parseCliOptions, type CliCommand } from "./cli-options";
import { exposedFindings, exposedKeysText, findingsAtOrAbove } from "./fail-on";
import { renderJsonReport, type JsonNotification } from "./json-report";
import { renderTable } from "./render-table";
import { showProgress, trackScanProgress } from "./scan-progress";
import { buildScanReport } from "./scan-report";
import { EXIT_CODES, type CliIo, type ScanCommand } from "./cli-io";

export { EXIT_CODES, type CliIo, type ScanCommand } from "./cli-io";
import { ANSI_STYLE, PLAIN_STYLE, shouldColour } from "./terminal-style";
import { isUsageCommand } from "./usage-options";
import type * as UsageCommandModule from "./usage-command";

/** Runs `key-age` and resolves with its exit code; it never throws and never calls `process.exit`. */
export async function runKeyAge(io: CliIo): Promise<number> {
  // `key-age usage` has its own flags; its module (and the EC2 client) loads only when asked for. A
  // require, not import(): bin/key-age.js runs through tsx's CommonJS hook, which import() bypasses.
  if (isUsageCommand(io.argv)) return (require("./usage-command") as typeof UsageCommandModule).runUsageCommand(io);
  const now = io.now ?? (() => new Date());
  let command: CliCommand;
  let config: MonitorConfig;
  try {
    command = parseCliOptions(io.argv, now());
    if (command.kind === "help") {
      io.stdout.write(USAGE);
      return EXIT_CODES.ok;
    }
    if (command.kind === "version") {
      io.stdout.write(`${readVersion()}\n`);
      return EXIT_CODES.ok;
    }
    config = loadCliConfig(io.env, command.envOverrides, command.notify);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`key-age: ${error.message}\nRun 'key-age --help' for usage.\n`);
      return EXIT_CODES.usage;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`key-age: invalid configuration:\n- ${error.problems.join("\n- ")}\n`);
      return EXIT_CODES.usage;
    }
    io.stderr.write(`key-age: ${describeError(error)}\n`);
    return EXIT_CODES.usage;
  }
  const started = now();
  if (command.organization) {
    return scanOrganization(io, command, command.organization, config, command.asOf ?? started);
  }
  return scanCommand(io, command, config, command.asOf ?? started, started);
}

async function scanCommand(
  io: CliIo,
  command: ScanCommand,
  config: MonitorConfig,
  evaluatedAt: Date,
  started: Date,
): Promise<number> {
  // Endpoint, region and credentials come from the SDK's default chains, exactly as in the function.
  const iam = new IAMClient(IAM_CLIENT_CONFIG);
  let sts: STSClient | undefined;
  let ssm: SSMClient | undefined;
  const stsClient = (): STSClient => (sts ??= new STSClient(SUPPORT_CLIENT_CONFIG));
  const progress = io.stderr.isTTY ? showProgress(io.stderr, trackScanProgress(iam)) : undefined;

  const scanner = cliScanner(config, iam, evaluatedAt);
  let scan: ScanResult | undefined;
  let accountId: string | undefined;
  let resolvedWebhookUrl: string | undefined;
  let notification: JsonNotification | undefined;
  let failure: { stage: string; error: unknown } | undefined;

  try {
    if (command.notify) {
      const ssmClient = () => (ssm ??= new SSMClient(SUPPORT_CLIENT_CONFIG));
      const webhookUrl = config.webhook ? createWebhookUrlProvider(config.webhook, ssmClient) : undefined;
      // runMonitor is the function's own pipeline: same webhook check, digest and delivery. Without
      // alert state on purpose: an explicit --notify posts the full digest and records nothing.
      const summary: RunSummary = await runMonitor({
        config,
        now: () => evaluatedAt,
        scan: async () => (scan = await scanner()),
        accountId: async () => (accountId = await resolveAccountId(undefined, stsClient)),
        ...(webhookUrl ? { webhookUrl: async () => (resolvedWebhookUrl = await webhookUrl()) } : {}),
        deliver: (messages, url) => deliverToSlack(messages, { webhookUrl: url }),
        // SLACK_BOT_TOKEN*: the channel and the owners, as the function posts them.
        ...(config.slackApp
          ? {
              slackApp: createSlackAppConnector(
                config.slackApp,
                createSlackTokenProvider(config.slackApp.token, ssmClient),
              ),
            }
          : {}),
        // Its JSON log lines are for CloudWatch; here only a dry run's payload is worth showing.
        logger: createLogger({
          write: (entry) => {
            if (entry.payload !== undefined) io.stderr.write(`${JSON.stringify(entry.payload, null, 2)}\n`);
          },
        }),
      });
      notification = { outcome: summary.outcome, messagesPosted: summary.messagesPosted };
    } else {
      [scan, accountId] = await Promise.all([scanner(), resolveAccountId(undefined, stsClient)]);
    }
  } catch (error) {
    failure = { stage: failedStage(error), error };
  } finally {
    progress?.();
    iam.destroy();
    sts?.destroy();
    ssm?.destroy();
  }

  let failOnMet = false;
  // Print whatever the scan found, even when only the Slack delivery failed.
  if (scan && accountId) {
    const report = buildScanReport(scan, config, {
      accountId,
      evaluatedAt,
      forecast: command.asOf !== undefined,
      strategy: scanner.strategy,
      // Dates as if a notice went out now; --as-of then shows which of them fall before that moment.
      noticeAt: started,
    });
    const failing = command.failOn ? findingsAtOrAbove(report.classification.findings, command.failOn) : [];
    // An exposed key fails the run whatever --fail-on says: AWS says it leaked.
    const exposed = exposedFindings(report.classification.findings);
    failOnMet = failing.length > 0 || exposed.length > 0;
    if (command.json) {
      io.stdout.write(
        renderJsonReport(report, {
          ...(command.failOn
            ? { failOn: { level: command.failOn, met: failing.length > 0, keys: failing.length } }
            : {}),
          ...(notification ? { notification } : {}),
        }),
      );
    } else {
      const colour = shouldColour({ isTTY: io.stdout.isTTY === true, env: io.env, noColorFlag: command.noColor });
      io.stdout.write(renderTable(report, colour ? ANSI_STYLE : PLAIN_STYLE));
    }
    if (notification) io.stderr.write(`key-age: ${notificationText(notification)}\n`);
    const exposedText = exposedKeysText(exposed);
    if (exposedText) io.stderr.write(`key-age: ${exposedText}\n`);
    if (failing.length > 0) {
      io.stderr.write(
        `key-age: ${failing.length} ${failing.length === 1 ? "key is" : "keys are"} at or above ${command.failOn} (--fail-on ${command.failOn})\n`,
      );
    }
  }

  if (failure) {
    const message = redactSlackToken(
      redactWebhookUrl(describeError(failure.error), resolvedWebhookUrl ?? webhookUrlOf(config)),
      config.slackApp?.token.kind === "token" ? config.slackApp.token.token : undefined,
    );
    io.stderr.write(`key-age: ${failure.stage} failed: ${message}${hintFor(failure.error)}\n`);
    return EXIT_CODES.failure;
  }
  return failOnMet ? EXIT_CODES.failOnMet : EXIT_CODES.ok;
}

function failedStage(error: unknown): string {
  if (error instanceof SlackDeliveryError) return "Slack delivery";
  if (error instanceof WebhookSecretError) return "webhook lookup";
  return "scan";
}

function notificationText(notification: JsonNotification): string {
  switch (notification.outcome) {
    case "alerted":
      return `posted the digest to Slack (${notification.messagesPosted} ${notification.messagesPosted === 1 ? "message" : "messages"})`;
    case "dry-run":
      return "DRY_RUN=true: the Slack payload is printed above and was not posted";
    default:
      return "nothing posted to Slack: no key needs attention";
  }
}

function webhookUrlOf(config: MonitorConfig): string | undefined {
  return config.webhook?.kind === "url" ? config.webhook.url : undefined;
}

function hintFor(error: unknown): string {
  const text = describeError(error);
  if (/Could not load credentials|CredentialsProviderError/.test(text)) {
    return "\n  No AWS credentials found: run under `aws-vault exec <profile> --` or set AWS_PROFILE.";
  }
  if (/Region is missing/.test(text)) {
    return "\n  No AWS region set: IAM is global, but the SDK needs one; set AWS_REGION (for example us-east-1).";
  }
  return "";
}

function readVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version?: string };
  return manifest.version ?? "unknown";
}

/** Entry point of `bin/key-age.js`: runs with the real process and sets its exit code. */
export function main(): void {
  // `key-age scan | head` closes stdout early: stop quietly, like other Unix tools.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
  runKeyAge({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`key-age: unexpected error: ${describeError(error)}\n`);
      process.exitCode = EXIT_CODES.failure;
    },
  );
}
