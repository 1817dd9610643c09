import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { WebhookSource } from "../core/config";
import { describeError } from "../core/error-fields";

/** Resolves the webhook URL; an SSM lookup is reused from memory for a while. */
export type WebhookUrlProvider = () => Promise<string>;

/** Thrown when the webhook URL cannot be obtained. Its message names the parameter, never the URL. */
export class WebhookSecretError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = "WebhookSecretError";
  }
}

/** How long a webhook URL read from SSM is reused: a rotated webhook is picked up within this time. */
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
  let cached: { url: Promise<string>; readAt: number } | undefined;
  return () => {
    if (cached === undefined || clock() - cached.readAt >= WEBHOOK_CACHE_MS) {
      const url = readParameter(ssm(), source.parameterName).catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      cached = { url, readAt: clock() };
    }
    return cached.url;
  };
}

async function readParameter(ssm: SSMClient, parameterName: string): Promise<string> {
  let value: string | undefined;
  try {
    const response = await ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
    value = response.Parameter?.Value?.trim();
  } catch (error) {
    const reason = describeError(error);
    throw new WebhookSecretError(`Could not read the Slack webhook from SSM parameter ${parameterName}: ${reason}`, {
      cause: error,
    });
  }
  if (!value || !/^https?:\/\//.test(value)) {
    throw new WebhookSecretError(`SSM parameter ${parameterName} does not hold an http(s) webhook URL`);
  }
  return value;
}
