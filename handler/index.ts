import { IAMClient } from "@aws-sdk/client-iam";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { loadConfig, type MonitorConfig } from "./core/config";
import { resolveAccountId } from "./edges/account-id";
import { deliverToSlack } from "./edges/deliver-to-slack";
import { scanAccount } from "./edges/scan-account";
import { createWebhookUrlProvider, type WebhookUrlProvider } from "./edges/webhook-secret";
import { runMonitor, type RunSummary } from "./run-monitor";

/** The part of the Lambda context object the handler reads. */
export interface LambdaContextLike {
  /** ARN of the invoked function; its account field saves an STS call. */
  readonly invokedFunctionArn?: string;
  /** Request id, added to the log lines. */
  readonly awsRequestId?: string;
  /** Time left before Lambda stops the invocation; bounds Slack retries. */
  getRemainingTimeInMillis?(): number;
}

interface Container {
  readonly config: MonitorConfig;
  readonly iam: IAMClient;
  readonly sts: () => STSClient;
  readonly webhookUrl?: WebhookUrlProvider;
}

// Lives as long as the Lambda container: config, clients and the decrypted webhook are built once.
let container: Container | undefined;

function containerState(): Container {
  if (container) return container;
  const config = loadConfig(process.env);
  // Endpoint and region come from the SDK's own resolution (AWS_REGION, AWS_ENDPOINT_URL, …): never set here.
  // Adaptive retry rate-limits the client itself when IAM throttles a large account's scan.
  const iam = new IAMClient({ retryMode: "adaptive", maxAttempts: 10 });
  let ssm: SSMClient | undefined;
  let sts: STSClient | undefined;
  container = {
    config,
    iam,
    sts: () => (sts ??= new STSClient({ retryMode: "adaptive", maxAttempts: 5 })),
    ...(config.webhook
      ? {
          webhookUrl: createWebhookUrlProvider(
            config.webhook,
            () => (ssm ??= new SSMClient({ retryMode: "adaptive", maxAttempts: 5 })),
          ),
        }
      : {}),
  };
  return container;
}

/** Lambda entry point: scans IAM access keys and posts a Slack digest of the ones that need attention. */
export async function handler(_event: unknown, context?: LambdaContextLike): Promise<RunSummary> {
  const logContext = context?.awsRequestId ? { requestId: context.awsRequestId } : {};
  let state: Container;
  try {
    state = containerState();
  } catch (error) {
    console.log(
      JSON.stringify({
        ...logContext,
        level: "error",
        message: "key-age scan failed",
        errorName: error instanceof Error ? error.name : "Error",
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    throw error;
  }
  const { config, iam, sts, webhookUrl } = state;
  return runMonitor({
    config,
    logContext,
    scan: () => scanAccount({ iam, watchUsers: config.watchUsers }),
    accountId: () => resolveAccountId(context?.invokedFunctionArn, sts),
    ...(webhookUrl ? { webhookUrl } : {}),
    deliver: (messages, url) =>
      deliverToSlack(messages, {
        webhookUrl: url,
        ...(context?.getRemainingTimeInMillis
          ? { remainingTimeMs: () => context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY }
          : {}),
      }),
  });
}
