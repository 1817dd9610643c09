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
  MAX_DEACTIVATIONS_PER_DAY: "5",
  EXPOSED_KEYS: "alert",
  SANDBOX: "false",
  SLACK_API_URL: "https://slack.com/api/",
  MAX_EXEMPTION: "365d",
  MAX_TAG_AGE: "400d",
} as const;
