import type { AccountScanRecord } from "./account-scan-record";
import type { KeyStatus } from "../scan/classify";
import { accountLabel } from "./organization-scope";
import { inertText, SLACK_LIMITS, truncateText, type SlackBlock, type SlackMessage } from "../slack/slack-message";

/** Accounts listed by name in the summary's "most flagged keys" section. */
export const SUMMARY_WORST_ACCOUNTS = 5;

// The statuses a key is flagged (and named in its account's digest) for.
const FLAGGED_STATUSES: readonly KeyStatus[] = ["exposed", "critical", "warning", "unused"];

/** Options of {@link renderOrganizationSummary}. */
export interface OrganizationSummaryInput {
  /** The accounts in scope of this run, by id, with their names from Organizations when known. */
  readonly accounts: readonly { readonly id: string; readonly name?: string }[];
  /** The accounts' scan records (`account#<id>` items); accounts without one have not been scanned yet. */
  readonly records: readonly AccountScanRecord[];
  /** The environment label. @default undefined */
  readonly environmentName?: string;
  readonly now: Date;
  /** Accounts named in the flagged-keys section. @default SUMMARY_WORST_ACCOUNTS */
  readonly worstAccounts?: number;
}

/** One account's flagged keys at its last successful scan. */
function flaggedKeys(record: AccountScanRecord): { total: number; text: string } {
  const parts = FLAGGED_STATUSES.map((status) => ({ status, count: record.counts?.[status] ?? 0 })).filter(
    (part) => part.count > 0,
  );
  return {
    total: parts.reduce((sum, part) => sum + part.count, 0),
    text: parts.map((part) => `${part.count} ${part.status}`).join(", "),
  };
}

/**
 * The organization's daily heartbeat, one message for every account in scope: how many accounts were
 * scanned, which ones fail (each named with its cause), which have no scan yet, and the flagged keys
 * of the worst few accounts. Built from the accounts' scan records, as of each account's last scan;
 * the keys themselves are named in each account's digest, so the summary counts and never claims
 * "all clear" while an account fails or has not been scanned.
 */
export function renderOrganizationSummary(input: OrganizationSummaryInput): SlackMessage {
  const byId = new Map(input.records.map((record) => [record.accountId, record]));
  const label = (account: { readonly id: string; readonly name?: string }) =>
    accountLabel({ id: account.id, name: account.name ?? byId.get(account.id)?.accountName });
  const failing = input.accounts.filter((account) => byId.get(account.id)?.lastError !== undefined);
  const unscanned = input.accounts.filter((account) => !byId.has(account.id));
  const scanned = input.accounts.filter((account) => {
    const record = byId.get(account.id);
    return record !== undefined && record.lastError === undefined && record.lastSuccessAt !== undefined;
  });
  const flagged = scanned
    .map((account) => ({ account, keys: flaggedKeys(byId.get(account.id) as AccountScanRecord) }))
    .filter((entry) => entry.keys.total > 0)
    .sort((a, b) => b.keys.total - a.keys.total || a.account.id.localeCompare(b.account.id));
  const flaggedTotal = flagged.reduce((sum, entry) => sum + entry.keys.total, 0);
  const worst = flagged.slice(0, input.worstAccounts ?? SUMMARY_WORST_ACCOUNTS);

  const allClear = failing.length === 0 && unscanned.length === 0 && flaggedTotal === 0;
  const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  const status =
    `${allClear ? ":white_check_mark:" : ":information_source:"} ` +
    `${plural(scanned.length, "account", "accounts")} of ${input.accounts.length} scanned, ` +
    `${failing.length} failing, ${flaggedTotal} flagged ${flaggedTotal === 1 ? "key" : "keys"}` +
    `${flagged.length > 0 ? ` in ${plural(flagged.length, "account", "accounts")}` : ""}.`;
  const lines = (items: readonly string[], limit: number) =>
    truncateText(items.join("\n"), SLACK_LIMITS.maxSectionTextChars - limit);
  const section = (text: string): SlackBlock => ({ type: "section", text: { type: "mrkdwn", text } });
  const where = input.environmentName ? ` · ${input.environmentName}` : "";
  const title = `IAM access keys · organization${allClear ? " · all clear" : " · daily check"}`;
  const blocks: SlackBlock[] = [
    {
      type: "header",
      text: {
        type: "plain_text",
        text: truncateText(`${title}${inertText(where)}`, SLACK_LIMITS.maxHeaderTextChars),
        emoji: true,
      },
    },
    section(status),
  ];
  if (failing.length > 0) {
    const items = failing.map((account) => {
      const record = byId.get(account.id) as AccountScanRecord;
      const since = record.failingSince ? ` since ${record.failingSince.toISOString()}` : "";
      return `• ${inertText(label(account))}${since}: ${inertText(truncateText(record.lastError ?? "", 200))}`;
    });
    blocks.push(section(lines([":warning: *Accounts that could not be scanned*", ...items], 0)));
  }
  if (unscanned.length > 0) {
    const items = unscanned.map((account) => `• ${inertText(label(account))}`);
    blocks.push(section(lines([":hourglass: *Accounts not scanned yet*", ...items], 0)));
  }
  if (worst.length > 0) {
    const more = flagged.length - worst.length;
    const items = worst.map((entry) => `• ${inertText(label(entry.account))}: ${entry.keys.text}`);
    const tail = more > 0 ? [`…and ${plural(more, "more account", "more accounts")} with flagged keys`] : [];
    blocks.push(section(lines(["*Most flagged keys* (named in each account's digest)", ...items, ...tail], 0)));
  }
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `Daily organization check · as of each account's last scan · ${input.now.toISOString()}`,
      },
    ],
  });
  const text = `IAM access keys in the organization${inertText(where)}: ${status.replace(/^:[a-z_]+: /, "")}`;
  return { text: truncateText(text, SLACK_LIMITS.maxSectionTextChars), blocks };
}
