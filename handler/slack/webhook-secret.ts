import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { isSecureSlackUrl, isSlackToken, type SlackTokenSource, type WebhookSource } from "../runtime/config/config";
import { describeError } from "../runtime/error-fields";

/** Resolves the webhook URL; an SSM lookup is reused from memory for a while. */
export type WebhookUrlProvider = () => Promise<string>;

/**
 * Thrown when a Slack secret (the webhook URL or the app's bot token) cannot be obtained. Its message
 * names the parameter, never the secret.
 */
export class WebhookSecretError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = "WebhookSecretError";
  }
}

/** How long a secret read from SSM is reused: a rotated webhook or token is picked up within this time. */
export const WEBHOOK_CACHE_MS = 15 * 60_000;

/**
 * Builds a provider for the configured webhook source. An SSM SecureString is read decrypted on the
 * first call and cached in the container for {@link WEBHOOK_CACHE_MS}: a warm container (a run every
 * 10 minutes keeps it warm for hours) still picks up a rotated webhook. A failed read is not cached,
 * so the next invocation tries again.
 */
export function createWebhookUrlProvider(
  source: WebhookSource,
  ssm: () => SSMClient,
  clock: () => number = Date.now,
): WebhookUrlProvider {
  if (source.kind === "url") return async () => source.url;
  return cachedParameter(source.parameterName, WEBHOOK_SECRET, ssm, clock);
}

/** Resolves the Slack app's bot token; an SSM lookup is reused from memory for a while. */
export type SlackTokenProvider = () => Promise<string>;

/** Builds a provider for the bot token, cached like the webhook URL (see {@link createWebhookUrlProvider}). */
export function createSlackTokenProvider(
  source: SlackTokenSource,
  ssm: () => SSMClient,
  clock: () => number = Date.now,
): SlackTokenProvider {
  if (source.kind === "token") return async () => source.token;
  return cachedParameter(source.parameterName, SLACK_TOKEN_SECRET, ssm, clock);
}

/** What a parameter must hold, and how to name it in errors. */
interface SecretKind {
  readonly what: string;
  readonly valid: (value: string) => boolean;
  readonly expected: string;
}

const WEBHOOK_SECRET: SecretKind = {
  what: "the Slack webhook",
  // The same rule as SLACK_WEBHOOK_URL set directly: a parameter is no licence to post elsewhere.
  valid: isSecureSlackUrl,
  expected: "an https webhook URL (http only to a loopback address)",
};

const SLACK_TOKEN_SECRET: SecretKind = {
  what: "the Slack bot token",
  valid: isSlackToken,
  expected: "a Slack bot token (xoxb-…)",
};

// A failed read is not cached, so the next invocation tries again.
function cachedParameter(
  parameterName: string,
  kind: SecretKind,
  ssm: () => SSMClient,
  clock: () => number,
): () => Promise<string> {
  let cached: { value: Promise<string>; readAt: number } | undefined;
  return () => {
    if (cached === undefined || clock() - cached.readAt >= WEBHOOK_CACHE_MS) {
      const value = readParameter(ssm(), parameterName, kind).catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      cached = { value, readAt: clock() };
    }
    return cached.value;
  };
}

async function readParameter(ssm: SSMClient, parameterName: string, kind: SecretKind): Promise<string> {
  let value: string | undefined;
  try {
    const response = await ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
    value = response.Parameter?.Value?.trim();
  } catch (error) {
    const reason = describeError(error);
    throw new WebhookSecretError(`Could not read ${kind.what} from SSM parameter ${parameterName}: ${reason}`, {
      cause: error,
    });
  }
  if (!value || !kind.valid(value)) {
    throw new WebhookSecretError(`SSM parameter ${parameterName} does not hold ${kind.expected}`);
  }
  return value;
}
