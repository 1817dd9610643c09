import { IAMClient } from "@aws-sdk/client-iam";
import type { Context } from "aws-lambda";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  createAccountStateStore,
  type AccountPartition,
  type AccountStateStore,
  type StateTable,
} from "./alerts/account-state-store";
import { loadConfig, type MonitorConfig } from "./runtime/config/config";
import { IAM_CLIENT_CONFIG, SUPPORT_CLIENT_CONFIG } from "./runtime/client-config";
import { deliverToSlack } from "./slack/deliver-to-slack";
import { createSlackAppConnector, type SlackAppSession } from "./slack/slack-app";
import { createDynamoOwnerCacheStore } from "./slack/owners/owner-cache-store";
import { createSlackTokenProvider, createWebhookUrlProvider, type WebhookUrlProvider } from "./slack/webhook-secret";
import { type RunMonitorDeps } from "./monitor/run-monitor";
import type { EnforcementDeps } from "./enforcement/run-enforcement";
import { deactivateKeys } from "./enforcement/deactivate-keys";
import { createEnforcementStateStore } from "./enforcement/enforcement-state-store";
import { createSecurityHubClient } from "./security-hub/security-hub-http";
import type { SecurityHubApi } from "./security-hub/security-hub-api";

/**
 * The part of Lambda's context the handler reads: the function ARN (its account field saves an STS
 * call), the request id (bound to every log line) and the time left (bounds Slack retries). A `Pick`
 * of the real type, optional so that the CLI-style call and tests can pass only what they have.
 */
export type HandlerContext = Partial<Pick<Context, "invokedFunctionArn" | "awsRequestId" | "getRemainingTimeInMillis">>;

/** What a warm container keeps between invocations: the config and the clients. */
export interface Container {
  readonly config: MonitorConfig;
  readonly iam: IAMClient;
  readonly sts: () => STSClient;
  readonly webhookUrl?: WebhookUrlProvider;
  readonly slackApp?: (remainingTimeMs?: () => number) => Promise<SlackAppSession>;
  /** The state table (`ALERT_STATE_TABLE`), by account partition. @default undefined: stateless */
  readonly state?: StateTable;
  /** Enforcement of one account, on its partition. @default undefined: `ENFORCEMENT=off` */
  readonly enforcement?: (partition: AccountPartition) => EnforcementDeps;
  /** `SECURITY_HUB=on`: the client importing into this account's Security Hub, made on first use. */
  readonly securityHub?: () => SecurityHubApi;
  /**
   * With alert state and `ENFORCEMENT=off`: records on the account's partition that enforcement is
   * off, so no earlier notice survives it.
   */
  readonly markEnforcementOff?: (partition: AccountPartition, now: Date) => Promise<void>;
  /** Without alert state, the users the last run in this container could not check. */
  uncheckedUsers: readonly string[];
}

// Lives as long as the Lambda container: config and clients are built once (the webhook URL has its
// own short-lived cache, see webhook-secret.ts).
let container: Container | undefined;

/** The container's config and clients, built on first use (the worker shares them). */
export function containerState(): Container {
  if (container) return container;
  const config = loadConfig(process.env);
  const iam = new IAMClient(IAM_CLIENT_CONFIG);
  let ssm: SSMClient | undefined;
  let sts: STSClient | undefined;
  let securityHub: SecurityHubApi | undefined;
  const ssmClient = () => (ssm ??= new SSMClient(SUPPORT_CLIENT_CONFIG));
  const documents = config.alertStateTable
    ? DynamoDBDocumentClient.from(new DynamoDBClient(SUPPORT_CLIENT_CONFIG))
    : undefined;
  container = {
    config,
    iam,
    uncheckedUsers: [],
    sts: () => (sts ??= new STSClient(SUPPORT_CLIENT_CONFIG)),
    ...(config.webhook
      ? {
          webhookUrl: createWebhookUrlProvider(config.webhook, ssmClient),
        }
      : {}),
    ...(config.slackApp
      ? {
          slackApp: createSlackAppConnector(
            config.slackApp,
            createSlackTokenProvider(config.slackApp.token, ssmClient),
            // Owners' member ids are remembered in the alert state; without it, in the warm container.
            documents && config.alertStateTable
              ? { ownerCache: createDynamoOwnerCacheStore({ client: documents, tableName: config.alertStateTable }) }
              : {},
          ),
        }
      : {}),
    ...(documents && config.alertStateTable ? { state: stateTable(documents, config) } : {}),
    ...(config.alertStateTable && config.enforcement && config.enforcement.mode !== "off"
      ? { enforcement: enforcementDeps(config.enforcement, iam) }
      : {}),
    ...(config.securityHub ? { securityHub: () => (securityHub ??= createSecurityHubClient()) } : {}),
    ...(documents && config.alertStateTable && (config.enforcement?.mode ?? "off") === "off" && !config.dryRun
      ? { markEnforcementOff: markOff }
      : {}),
  };
  return container;
}

function stateTable(client: DynamoDBDocumentClient, config: MonitorConfig): StateTable {
  const tableName = config.alertStateTable as string;
  const stores = new Map<boolean, AccountStateStore>();
  return {
    client,
    tableName,
    store: (singleAccount) => {
      const store =
        stores.get(singleAccount) ??
        createAccountStateStore({
          client,
          tableName,
          ...(config.legacyAlertStateTable
            ? { legacy: { tableName: config.legacyAlertStateTable, singleAccount } }
            : {}),
        });
      stores.set(singleAccount, store);
      return store;
    },
  };
}

function enforcementDeps(
  settings: NonNullable<MonitorConfig["enforcement"]>,
  iam: IAMClient,
): (partition: AccountPartition) => EnforcementDeps {
  return (partition) => {
    const store = createEnforcementStateStore({ partition });
    return {
      settings: { ...settings, mode: settings.mode === "armed" ? "armed" : "dry-run" },
      load: () => store.load(),
      put: (records) => store.put(records),
      putStretch: (stretch) => store.putStretch(stretch),
      deactivate: (due, run) => deactivateKeys(due, { iam, ...run }),
    };
  };
}

function markOff(partition: AccountPartition, now: Date): Promise<void> {
  return createEnforcementStateStore({ partition }).markOff(now);
}

/**
 * The config and the Slack side of a run (webhook or Slack app, delivery bounded by the invocation's
 * time left): the same for the single-account handler and the organization worker.
 */
export function slackDeps(
  state: Container,
  context?: HandlerContext,
): Pick<RunMonitorDeps, "config" | "webhookUrl" | "slackApp" | "deliver"> {
  const { config, webhookUrl, slackApp } = state;
  const remainingTimeMs = context?.getRemainingTimeInMillis
    ? () => context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY
    : undefined;
  return {
    config,
    ...(webhookUrl ? { webhookUrl } : {}),
    // SLACK_BOT_TOKEN*: the channel through chat.postMessage, and the key owners directly.
    ...(slackApp ? { slackApp: () => slackApp(remainingTimeMs) } : {}),
    deliver: (messages, url) =>
      deliverToSlack(messages, { webhookUrl: url, ...(remainingTimeMs ? { remainingTimeMs } : {}) }),
  };
}
