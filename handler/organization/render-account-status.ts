import type { AccountAnnouncementKind, AccountScanRecord } from "./account-scan-record";
import { codeText, inertText, truncateText, type SlackMessage } from "../slack/slack-message";

/** Options of {@link renderAccountStatus}. */
export interface AccountStatusInput {
  readonly kind: AccountAnnouncementKind;
  readonly record: AccountScanRecord;
  /** The environment label. @default undefined */
  readonly environmentName?: string;
  /** The member role that was assumed. */
  readonly roleName: string;
}

/**
 * The Slack message about an account the monitor cannot scan: "account 111… could not be scanned:
 * <cause>", its reminder, and its resolution. The account is named by id and name; the cause is
 * AWS's text, made inert.
 */
export function renderAccountStatus(input: AccountStatusInput): SlackMessage {
  const { record } = input;
  const account = record.accountName ? `${record.accountId} (${record.accountName})` : record.accountId;
  const where = input.environmentName ? ` · ${input.environmentName}` : "";
  const cause = truncateText(record.lastError ?? "unknown error", 1_500);
  let text: string;
  let body: string;
  if (input.kind === "resolved") {
    text = `account ${inertText(account)} is scanned again${inertText(where)}`;
    body = `:white_check_mark: *Account ${inertText(account)} is scanned again*${inertText(where)}: its keys are checked and alerted as usual.`;
  } else {
    const again = input.kind === "reminder" ? " (still)" : "";
    const since = record.failingSince ? `, failing since ${record.failingSince.toISOString()}` : "";
    text = `account ${inertText(account)} could not be scanned${again}${inertText(where)}: ${inertText(cause)}`;
    body =
      `:warning: *Account ${inertText(account)} could not be scanned${again}*${inertText(where)}${since}: ${inertText(cause)}\n` +
      `Its keys go unchecked until the monitor can assume ${codeText(input.roleName)} in it. ` +
      "Check that the member role exists there (the StackSet reaches every account under its OUs, never the management account) and trusts the worker's role.";
  }
  return {
    text: truncateText(text, 3_000),
    blocks: [{ type: "section", text: { type: "mrkdwn", text: truncateText(body, 3_000) } }],
  };
}
