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

/**
 * Replaces every occurrence of the webhook URL, or of any part of its secret path, in `text`: the whole
 * URL becomes its masked form, and the path, the path without its leading `/`, and each tail of it
 * (`T…/B…/secret`, `B…/secret`, the secret alone) become `…`, so a bare path echo is caught too. Run it
 * before cutting text to a length: a cut URL no longer matches.
 */
export function redactWebhookUrl(text: string, url: string | undefined): string {
  if (!url) return text;
  let redacted = text.split(url).join(maskWebhookUrl(url));
  for (const part of secretParts(url)) redacted = redacted.split(part).join("…");
  return redacted;
}

// Path parts shorter than this are too common to hide (`/`, `services`) and carry no secret alone.
const MIN_SECRET_PART_CHARS = 8;

/** The secret parts of a webhook URL, longest first: its path and every tail of the path. */
function secretParts(url: string): string[] {
  let pathname: string;
  try {
    ({ pathname } = new URL(url));
  } catch {
    return []; // not a URL: the whole-string replacement is all we can do
  }
  const segments = pathname.split("/").filter((segment) => segment !== "");
  const parts = new Set<string>([pathname, pathname.replace(/^\//, "")]);
  for (let start = 0; start < segments.length; start += 1) {
    const tail = segments.slice(start).join("/");
    // The leading segment alone (`services`) names no secret; its tails do.
    if (start > 0 || segments.length === 1) parts.add(tail);
    parts.add(`/${tail}`);
  }
  return [...parts]
    .filter((part) => part.replace(/^\//, "").length >= MIN_SECRET_PART_CHARS && part !== "/services")
    .sort((a, b) => b.length - a.length);
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
