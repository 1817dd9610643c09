import { isAccountId } from "./organization-scope";
import { ACCOUNT_CHANNEL_TAG } from "../runtime/aws-contract";
import { codeText, inertText, sectionBlock, type SlackMessage } from "../slack/slack-message";

/** The variable of {@link parseChannelRoutes}: `111111111111=#team-a,222222222222=C0123ABCD`. */
export const CHANNEL_ROUTES_VARIABLE = "SLACK_CHANNELS_BY_ACCOUNT";

/** The variable that lets an account's `key-age:slack-channel` tag name its channel. */
export const CHANNEL_TAG_VARIABLE = "SLACK_CHANNEL_FROM_ACCOUNT_TAG";

/** Where an account's messages go, and which setting said so. */
export interface AccountRoute {
  readonly channel: string;
  /** `map`: `SLACK_CHANNELS_BY_ACCOUNT`; `tag`: the account's `key-age:slack-channel` tag; `default`: `SLACK_CHANNEL`. */
  readonly source: "map" | "tag" | "default";
}

/**
 * Where an account's messages go in organization mode with the Slack app: the channel mapped to its
 * account id (`SLACK_CHANNELS_BY_ACCOUNT`, the deployer's word wins), else the channel its account
 * tag names (`tagged`, when read), else the default channel (`SLACK_CHANNEL`).
 */
export function accountRoute(
  accountId: string,
  routes: Readonly<Record<string, string>>,
  defaultChannel: string,
  tagged?: string,
): AccountRoute {
  const mapped = routes[accountId]?.trim();
  if (mapped) return { channel: mapped, source: "map" };
  const fromTag = tagged?.trim();
  if (fromTag) return { channel: fromTag, source: "tag" };
  return { channel: defaultChannel, source: "default" };
}

/** The channel of {@link accountRoute}. */
export function channelForAccount(
  accountId: string,
  routes: Readonly<Record<string, string>>,
  defaultChannel: string,
  tagged?: string,
): string {
  return accountRoute(accountId, routes, defaultChannel, tagged).channel;
}

/**
 * Slack's answers that mean the app cannot post to that channel at all (it does not exist, the app is
 * not in it, it is archived or locked): the account's messages then go to the default channel.
 */
const UNUSABLE_CHANNEL_ERRORS: readonly string[] = [
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "restricted_action",
  "restricted_action_read_only_channel",
  "restricted_action_non_threadable_channel",
  "team_access_not_granted",
];

/** True when Slack's error says the app cannot post to the channel, whatever the message. */
export function isUnusableChannel(reason: string): boolean {
  return UNUSABLE_CHANNEL_ERRORS.includes(reason);
}

/**
 * The one line posted to the default channel ahead of an account's messages when its own channel
 * cannot be posted to: it names the account, the channel, the setting that chose it and Slack's
 * answer, so whoever owns the tag or the map entry can fix it.
 */
export function renderRouteFallback(input: {
  readonly account: string;
  readonly route: AccountRoute;
  readonly reason: string;
  readonly defaultChannel: string;
}): SlackMessage {
  const { route } = input;
  const setting =
    route.source === "tag"
      ? `its ${codeText(ACCOUNT_CHANNEL_TAG)} tag`
      : `its ${codeText(CHANNEL_ROUTES_VARIABLE)} entry`;
  const settingText =
    route.source === "tag" ? `its ${ACCOUNT_CHANNEL_TAG} tag` : `its ${CHANNEL_ROUTES_VARIABLE} entry`;
  const text = inertText(
    `Account ${input.account}'s messages come here: ${settingText} names ${route.channel}, ` +
      `which the app cannot post to (${input.reason})`,
  );
  return {
    text,
    blocks: [
      sectionBlock(
        `:warning: Account ${inertText(input.account)}'s messages come to ${inertText(input.defaultChannel)}: ` +
          `${setting} names ${codeText(route.channel)}, which the app cannot post to (${codeText(input.reason)}).`,
      ),
    ],
  };
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
