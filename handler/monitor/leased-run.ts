import { acquireAccountLease, leaseDurationMs } from "../alerts/account-lease";
import type { StateTable } from "../alerts/account-state-store";
import type { Logger } from "../runtime/logger";

/** What a run returns when another run holds its account: it scanned and posted nothing. */
export interface SkippedRun {
  readonly outcome: "skipped";
  /** Why. */
  readonly reason: string;
  readonly accountId: string;
  /** The run holding the account (request id and message), when the table said. @default undefined */
  readonly heldBy?: string;
  /** Until when it holds it. @default undefined */
  readonly leaseUntil?: string;
}

/** Options of {@link withAccountLease}. */
export interface LeasedRunOptions {
  /** The state table; without one there is no lease, and the run just runs. */
  readonly state?: Pick<StateTable, "client" | "tableName">;
  readonly accountId: string;
  /** Who runs: the request id (and the message), shown to a run that finds the account held. */
  readonly holder: string;
  /** The invocation's time left: the lease ends with it. @default a whole Lambda invocation */
  readonly remainingTimeMs?: number;
  /** Wait this long for a run holding the account to finish. @default 0: return at once */
  readonly waitMs?: number;
  /**
   * The run carries news the holder does not have (an AWS Health exposure event): if the account is
   * still held after `waitMs`, throw a {@link LeaseHeldError} so the event is delivered again, rather
   * than return as if it were done. @default false: a run that finds the account held is redundant
   */
  readonly mustRun?: boolean;
  readonly logger: Logger;
}

/** How long a run carrying an AWS Health exposure event waits for the run holding its account. */
export const EXPOSURE_LEASE_WAIT_MS = 120_000;

/** Thrown by a run that must not be skipped (see {@link LeasedRunOptions.mustRun}) when its account stays held. */
export class LeaseHeldError extends Error {
  constructor(accountId: string, heldBy: string | undefined) {
    super(
      `Account ${accountId} is held by another run${heldBy ? ` (${heldBy})` : ""}: this run carries an AWS Health ` +
        "exposure event that run does not know, so it fails to be delivered again",
    );
    this.name = "LeaseHeldError";
  }
}

/**
 * Runs `run` holding the account's lease, so that two runs for one account (a redelivered or
 * duplicated message, overlapping sweeps, the tick and the heartbeat at the same minute) never both
 * scan and post. A run that finds the lease held returns a {@link SkippedRun} and says so in the log
 * (or, with `mustRun`, throws, so that what only it knows is delivered again);
 * the lease is given back when `run` ends, whatever its outcome.
 */
export async function withAccountLease<T>(options: LeasedRunOptions, run: () => Promise<T>): Promise<T | SkippedRun> {
  const { state, accountId, logger } = options;
  if (!state) return run();
  const lease = await acquireAccountLease({
    client: state.client,
    tableName: state.tableName,
    accountId,
    holder: options.holder,
    durationMs: leaseDurationMs(options.remainingTimeMs),
    ...(options.waitMs ? { waitMs: options.waitMs } : {}),
  });
  if (!lease.acquired) {
    const skipped: SkippedRun = {
      outcome: "skipped",
      reason: "another run holds the account's lease",
      accountId,
      ...(lease.heldBy !== undefined ? { heldBy: lease.heldBy } : {}),
      ...(lease.until !== undefined ? { leaseUntil: lease.until.toISOString() } : {}),
    };
    if (options.mustRun) throw new LeaseHeldError(accountId, lease.heldBy);
    logger.info("key-age run skipped: another run holds the account", { ...skipped });
    return skipped;
  }
  try {
    return await run();
  } finally {
    await lease.release().catch((error: unknown) =>
      logger.warn("could not release the account's lease; it runs out by itself", {
        account: accountId,
        error: String(error),
      }),
    );
  }
}

/** True for the result of a run that found its account held. */
export function isSkippedRun(result: unknown): result is SkippedRun {
  return typeof result === "object" && result !== null && (result as { outcome?: unknown }).outcome === "skipped";
}
