/**
 * Where an account's digest goes: the channel mapped to its account id, or the default channel.
 * Pure, and not wired yet: the monitor scans one account today. The organization fan-out will call
 * it per member account, with routes from its configuration or an account tag such as
 * `key-age:slack-channel`.
 */
export function channelForAccount(
  accountId: string,
  routes: Readonly<Record<string, string>>,
  defaultChannel: string,
): string {
  const channel = routes[accountId]?.trim();
  return channel ? channel : defaultChannel;
}
