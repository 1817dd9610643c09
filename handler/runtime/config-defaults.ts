/** Defaults of the environment contract. */
export const CONFIG_DEFAULTS = {
  WARNING_AGE: "80d",
  CRITICAL_AGE: "90d",
  UNUSED_AGE: "45d",
  DRY_RUN: "false",
  MESSAGE_STYLE: "digest",
  SCAN_STRATEGY: "auto",
  SCAN_CONCURRENCY: "12",
  REMIND_EVERY: "24h",
  ENFORCEMENT: "off",
  DEACTIVATION_NOTICE: "7d",
  MAX_DEACTIVATIONS_PER_RUN: "5",
  SLACK_API_URL: "https://slack.com/api/",
  MAX_EXEMPTION: "365d",
  SLACK_RATE_LIMITS: "users.lookupByEmail=50,conversations.open=50,chat.postMessage=300",
  SLACK_OWNER_CACHE_TTL: "7d",
  MAX_OWNERS_PER_KEY: "5",
} as const;
