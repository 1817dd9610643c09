import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { WebhookSource } from "../core/config";

/** Resolves the webhook URL; the SSM lookup happens once per container, then comes from memory. */
export type WebhookUrlProvider = () => Promise<string>;

/** Thrown when the webhook URL cannot be obtained. Its message names the parameter, never the URL. */
export class WebhookSecretError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = "WebhookSecretError";
  }
}

/**
 * Builds a provider for the configured webhook source. An SSM SecureString is read decrypted on the
 * first call and cached for the life of the container; a failed read is not cached, so the next
 * invocation tries again.
 */
export function createWebhookUrlProvider(source: WebhookSource, ssm: () => SSMClient): WebhookUrlProvider {
  if (source.kind === "url") return async () => source.url;
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= readParameter(ssm(), source.parameterName).catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}

async function readParameter(ssm: SSMClient, parameterName: string): Promise<string> {
  let value: string | undefined;
  try {
    const response = await ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
    value = response.Parameter?.Value?.trim();
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new WebhookSecretError(`Could not read the Slack webhook from SSM parameter ${parameterName}: ${reason}`, {
      cause: error,
    });
  }
  if (!value || !/^https?:\/\//.test(value)) {
    throw new WebhookSecretError(`SSM parameter ${parameterName} does not hold an http(s) webhook URL`);
  }
  return value;
}
