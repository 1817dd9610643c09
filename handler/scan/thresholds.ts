/** Age limits, in milliseconds. Reaching a limit exactly counts as reaching it. */
export interface Thresholds {
  /** Age at which a key is a warning. */
  readonly warningAgeMs: number;
  /** Age at which a key must be rotated. */
  readonly criticalAgeMs: number;
  /** Idle time (since last use, or since creation if never used) at which an active key is unused. */
  readonly unusedAgeMs: number;
}
