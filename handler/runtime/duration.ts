/** Milliseconds in one of each duration unit accepted by {@link parseDuration}. */
export const DURATION_UNIT_MS = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

/** A duration unit: minutes, hours, days or weeks. */
export type DurationUnit = keyof typeof DURATION_UNIT_MS;

const DURATION_PATTERN = /^(\d+)([mhdw])$/;

/**
 * The longest duration accepted: 10 years. No access key is older than IAM itself, so a longer
 * threshold means "never"; bounding it keeps every date computed from a duration (a record's expiry,
 * an `--as-of` moment) a real date instead of `Invalid Date`.
 */
export const MAX_DURATION_MS = 3650 * DURATION_UNIT_MS.d;

/** {@link MAX_DURATION_MS} as people write it. */
export const MAX_DURATION_LABEL = "3650d";

/** The shape every duration must have, worded for error messages. */
export const DURATION_FORMAT_HINT = "expected a whole number and a unit m, h, d or w, such as 25m, 12h, 90d or 2w";

/**
 * Parses `<int><m|h|d|w>` into milliseconds, or throws with {@link DURATION_FORMAT_HINT}.
 * `0m` (any unit) is valid and means "immediately": a threshold of zero is reached by every key,
 * which is how an operator asks for a digest of everything right now. At most {@link MAX_DURATION_MS}.
 */
export function parseDuration(text: string): number {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) throw new Error(DURATION_FORMAT_HINT);
  const amount = Number(match[1]);
  const ms = amount * DURATION_UNIT_MS[match[2] as DurationUnit];
  if (!Number.isSafeInteger(ms) || ms > MAX_DURATION_MS) {
    throw new Error(`${DURATION_FORMAT_HINT}; the value is too large (at most ${MAX_DURATION_LABEL}, 10 years)`);
  }
  return ms;
}

/**
 * Formats milliseconds in the largest whole unit up to days (`92d`, `5h`, `12m`), rounding down,
 * the way people talk about key ages. Negative values (a clock behind IAM's) read as `0m`.
 */
export function formatDuration(ms: number): string {
  const value = Math.max(0, ms);
  if (value >= DURATION_UNIT_MS.d) return `${Math.floor(value / DURATION_UNIT_MS.d)}d`;
  if (value >= DURATION_UNIT_MS.h) return `${Math.floor(value / DURATION_UNIT_MS.h)}h`;
  return `${Math.floor(value / DURATION_UNIT_MS.m)}m`;
}
