import { CONFIG_DEFAULTS } from "./config-defaults";

/**
 * `SLACK_RATE_LIMITS`: the Slack app's own pace per Web API method, in calls per minute, as
 * `method=N` pairs (`users.lookupByEmail=100`). The pairs given replace the defaults of those
 * methods; the defaults follow Slack's documented tiers (api.slack.com/apis/rate-limits): Tier 3
 * "50+ per minute" for users.lookupByEmail and conversations.open, and for chat.postMessage (a
 * "special" tier: about one message a second per channel, paced apart, plus a workspace-wide limit of
 * several hundred a minute) 300. A workspace on a higher limit can raise them; 429s are honoured
 * either way.
 */
export const SLACK_RATE_LIMITS_VARIABLE = "SLACK_RATE_LIMITS";

/** Bounds of one method's calls per minute. */
export const MIN_CALLS_PER_MINUTE = 1;
/** Bounds of one method's calls per minute. */
export const MAX_CALLS_PER_MINUTE = 10_000;

const METHOD = /^[a-z]+(\.[a-zA-Z]+)+$/;

/** Parses `method=N,method=N` over the defaults; problems name the pair at fault. */
export function parseSlackRateLimits(text: string | undefined): {
  readonly limits: Readonly<Record<string, number>>;
  readonly problems: readonly string[];
} {
  const limits: Record<string, number> = {};
  const problems: string[] = [];
  for (const source of [CONFIG_DEFAULTS.SLACK_RATE_LIMITS, text ?? ""]) {
    for (const pair of source.split(",").map((part) => part.trim())) {
      if (pair === "") continue;
      const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(pair);
      const method = match?.[1] ?? "";
      const count = /^\d+$/.test(match?.[2] ?? "") ? Number(match?.[2]) : Number.NaN;
      if (!match || !METHOD.test(method)) {
        problems.push(`${JSON.stringify(pair)} is not method=calls-per-minute, such as "users.lookupByEmail=50"`);
      } else if (!(count >= MIN_CALLS_PER_MINUTE && count <= MAX_CALLS_PER_MINUTE)) {
        problems.push(
          `${JSON.stringify(pair)}: calls per minute must be a whole number from ${MIN_CALLS_PER_MINUTE} to ${MAX_CALLS_PER_MINUTE}`,
        );
      } else {
        limits[method] = count;
      }
    }
  }
  return { limits, problems };
}
