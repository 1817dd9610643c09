/**
 * `alerted`: a digest was posted; `nothing-flagged`: no key needs attention; `unchanged`: keys need
 * attention but were announced already (alert state); `heartbeat`: only the daily all-clear was
 * posted; `dry-run`: logged, not posted.
 */
export type RunOutcome = "alerted" | "nothing-flagged" | "unchanged" | "heartbeat" | "dry-run";

/** What {@link runOutcome} decides from. */
export interface RunOutcomeInput {
  /** `DRY_RUN`: nothing was posted on purpose. */
  readonly dryRun: boolean;
  /** Slack messages accepted. */
  readonly messagesPosted: number;
  /** True when the only message was the heartbeat's all-clear. */
  readonly heartbeatOnly: boolean;
  /** True when the run compared with the alert state (so silence can mean "announced already"). */
  readonly stateful: boolean;
  /** Keys that are critical, warning or unused. */
  readonly flaggedKeys: number;
}

/** The one-word outcome of a finished run, as the summary and the CLI report it. */
export function runOutcome(input: RunOutcomeInput): RunOutcome {
  if (input.dryRun) return "dry-run";
  if (input.messagesPosted > 0) return input.heartbeatOnly ? "heartbeat" : "alerted";
  // Without alert state, flagged keys are always posted, so silence means nothing is flagged.
  return input.stateful && input.flaggedKeys > 0 ? "unchanged" : "nothing-flagged";
}
