const UNIT_SECONDS: Readonly<Record<string, number>> = { minute: 60, hour: 3600, day: 86_400 };

/** Lambda's bounds on `maximum_event_age_in_seconds`. */
const MIN_EVENT_AGE = 60;
const MAX_EVENT_AGE = 21_600;

/**
 * How long a scheduled event may wait (retries included) before it counts as failed: half the
 * schedule period, so a stale run never overlaps the next one. A cron schedule has no fixed period;
 * it gets one hour.
 */
export function maximumEventAgeSeconds(scheduleExpression: string): number {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(scheduleExpression);
  if (!rate) return 3600;
  const period = Number(rate[1]) * UNIT_SECONDS[rate[2]];
  return Math.min(MAX_EVENT_AGE, Math.max(MIN_EVENT_AGE, Math.floor(period / 2)));
}
