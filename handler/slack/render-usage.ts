import { inertText } from "./inert-text";

/**
 * A key's usage line (`KEY_USAGE=on`) as the owner's direct message and the deactivation notice show
 * it, on its own line under the key: `Used: 1,234 calls in the last 30 days, …`. The line is built from
 * CloudTrail's event fields (source IPs, user agents), so it is made inert like any text from AWS.
 */
export function renderUsageNote(line: string): string {
  return `Used: ${inertText(line)}`;
}

/** The note for a key, on a new line, or nothing when the run has no line for it. */
export function usageNoteOf(usageLines: ReadonlyMap<string, string> | undefined, accessKeyId: string): string {
  const line = usageLines?.get(accessKeyId);
  return line === undefined ? "" : `\n      ${renderUsageNote(line)}`;
}
