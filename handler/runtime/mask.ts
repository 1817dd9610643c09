import { ROOT_ACCESS_KEY_ID } from "../scan/inventory";

/** Shows an access key id as its first and last four characters (`AKIA…WXYZ`), never in full. */
export function maskAccessKeyId(accessKeyId: string): string {
  // The root key's stand-in id is no secret: IAM never tells the monitor the real one.
  if (accessKeyId === ROOT_ACCESS_KEY_ID) return accessKeyId;
  if (accessKeyId.length <= 8) return "…";
  return `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;
}

/**
 * Shows a webhook URL as its origin only (`https://hooks.slack.com/…`): the path is the secret.
 * Unparseable input is hidden entirely.
 */
export function maskWebhookUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return "…";
  }
}

/**
 * Quotes a configuration value for an error message. A value that looks like a URL or a Slack token
 * is masked: a secret pasted into the wrong variable must not end up in logs, the failed-run queue or
 * CI output.
 */
export function quoteSetting(value: string | undefined): string {
  if (value !== undefined && /:\/\//.test(value)) return `${JSON.stringify(maskWebhookUrl(value))} (masked)`;
  // A Slack token pasted into the wrong variable is as secret as a webhook URL.
  if (value !== undefined && /xox[a-z]-/.test(value)) return `${JSON.stringify(maskSlackToken(value.trim()))} (masked)`;
  return JSON.stringify(value) ?? "undefined";
}

/** Replaces every occurrence of the webhook URL (or its secret path) in `text` with its masked form. */
export function redactWebhookUrl(text: string, url: string | undefined): string {
  if (!url) return text;
  let redacted = text.split(url).join(maskWebhookUrl(url));
  try {
    const { pathname } = new URL(url);
    if (pathname.length > 1) redacted = redacted.split(pathname).join("/…");
  } catch {
    // not a URL: the whole-string replacement above is all we can do
  }
  return redacted;
}

/** Shows a Slack token as its type prefix only (`xoxb-…`): everything after it is the secret. */
export function maskSlackToken(token: string): string {
  const prefix = /^xox[a-z]-/.exec(token);
  return prefix ? `${prefix[0]}…` : "…";
}

/** Replaces every occurrence of the Slack token in `text` with its masked form. */
export function redactSlackToken(text: string, token: string | undefined): string {
  if (!token) return text;
  return text.split(token).join(maskSlackToken(token));
}
