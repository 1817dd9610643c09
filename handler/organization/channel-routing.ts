import { isAccountId } from "./organization-scope";

/** The variable of {@link parseChannelRoutes}: `111111111111=#team-a,222222222222=C0123ABCD`. */
export const CHANNEL_ROUTES_VARIABLE = "SLACK_CHANNELS_BY_ACCOUNT";

/** The variable that lets an account's `key-age:slack-channel` tag name its channel. */
export const CHANNEL_TAG_VARIABLE = "SLACK_CHANNEL_FROM_ACCOUNT_TAG";

/**
 * Where an account's messages go in organization mode with the Slack app: the channel mapped to its
 * account id (`SLACK_CHANNELS_BY_ACCOUNT`, the deployer's word wins), else the channel its account
 * tag names (`tagged`, when read), else the default channel (`SLACK_CHANNEL`).
 */
export function channelForAccount(
  accountId: string,
  routes: Readonly<Record<string, string>>,
  defaultChannel: string,
  tagged?: string,
): string {
  const channel = routes[accountId]?.trim() || tagged?.trim();
  return channel ? channel : defaultChannel;
}

/**
 * Reads `id=channel` pairs separated by commas. Neither an account id nor a Slack channel can hold
 * `=` or `,`, so the text needs no quoting. Returns the routes, or the problems, each quoting the
 * offending entry; `isChannel` is the one channel check `SLACK_CHANNEL` uses too.
 */
export function parseChannelRoutes(
  text: string,
  isChannel: (value: string) => boolean,
): { readonly routes: Readonly<Record<string, string>>; readonly problems: readonly string[] } {
  const routes: Record<string, string> = {};
  const problems: string[] = [];
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  for (const entry of entries) {
    const at = entry.indexOf("=");
    const accountId = at < 0 ? entry : entry.slice(0, at).trim();
    const channel = at < 0 ? "" : entry.slice(at + 1).trim();
    if (at < 0 || !isAccountId(accountId) || !isChannel(channel)) {
      problems.push(
        `entry ${JSON.stringify(entry)} is not "account-id=channel" (a 12-digit account id, then a channel id such as ` +
          '"C0123ABCD" or a name such as "#team-payments")',
      );
    } else if (routes[accountId] !== undefined && routes[accountId] !== channel) {
      problems.push(`account ${accountId} is mapped twice (to ${routes[accountId]} and ${channel})`);
    } else {
      routes[accountId] = channel;
    }
  }
  if (entries.length === 0) problems.push("no entries (leave it unset to send every account to the default channel)");
  return { routes, problems };
}
