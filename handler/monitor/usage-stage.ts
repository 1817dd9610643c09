/**
 * The run's "[summarise usage]" stage (`KEY_USAGE=on`): after the digest went out, before the
 * enforcement message and the owners' direct messages, a usage line for each key those name. Cached
 * lines come from the partition's one read; lookups are capped per run and stop with the time budget.
 * It never fails the run: whatever goes wrong is logged and the messages go out without the line.
 */
import type { EnforcementPlan } from "../enforcement/enforcement-events";
import { errorFields } from "../runtime/error-fields";
import type { Logger } from "../runtime/logger";
import { maskAccessKeyId } from "../runtime/mask";
import type { StateWrite } from "../alerts/account-state-store";
import { itemKey } from "../alerts/state-keys";
import {
  planUsageLines,
  staleUsageEntries,
  usageToItem,
  type UsageCacheEntry,
  type UsageCandidate,
} from "../usage/usage-cache";
import type { UsageLineResult } from "../usage/usage-line-lookup";

/** The I/O of the stage; given to the run only with `KEY_USAGE=on` (see key-usage-deps.ts). */
export interface KeyUsageDeps {
  /** The cached lines, from the partition's one read. */
  readonly load: () => Promise<readonly UsageCacheEntry[]>;
  /** Writes cache items of the partition. */
  readonly write: (writes: readonly StateWrite[]) => Promise<void>;
  /** Looks one key up; `stopped` says when no further request may start. */
  readonly lookup: (candidate: UsageCandidate, now: Date, stopped: () => boolean) => Promise<UsageLineResult>;
  /** True once no further lookup may start (the time budget). @default never */
  readonly stopStarting?: () => boolean;
}

/** Inputs of {@link usageStage} besides its deps. */
export interface UsageStageInput {
  /** The keys the run's messages name, deactivations first. */
  readonly candidates: readonly UsageCandidate[];
  /** Every key flagged this run: cached lines of other keys are dropped. */
  readonly flaggedKeyIds: ReadonlySet<string>;
  /** Users the scan did not check: their keys' lines are kept. */
  readonly uncheckedUsers: readonly string[];
  readonly now: Date;
  readonly logger: Logger;
}

/** Keys a deactivation notice names (pure): due, held, reminded, noticed or deactivated. */
export function enforcementUsageCandidates(plan: EnforcementPlan | undefined): UsageCandidate[] {
  if (!plan) return [];
  const findings = [
    ...plan.due.map((key) => key.finding),
    ...plan.events.flatMap((event) =>
      event.kind === "notice" || event.kind === "day-before" || event.kind === "would-deactivate"
        ? [event.finding]
        : [],
    ),
  ];
  return findings.map(({ accessKeyId, userName }) => ({ accessKeyId, userName }));
}

/** The usage line of each key it could get, by key id; never throws. */
export async function usageStage(deps: KeyUsageDeps, input: UsageStageInput): Promise<ReadonlyMap<string, string>> {
  const { logger, now } = input;
  let cache: readonly UsageCacheEntry[];
  try {
    cache = await deps.load();
  } catch (error) {
    logger.warn("could not read the cached usage lines; messages go out without them", errorFields(error));
    return new Map();
  }
  const plan = planUsageLines(input.candidates, cache, now);
  const lines = new Map(plan.cached);
  const fetched: UsageCacheEntry[] = [];
  let failed = 0;
  let notReached = 0;
  const stopStarting = deps.stopStarting ?? (() => false);
  for (const candidate of plan.toLookUp) {
    if (stopStarting()) {
      notReached += 1;
      continue;
    }
    try {
      const result = await deps.lookup(candidate, now, stopStarting);
      if ("line" in result) {
        lines.set(candidate.accessKeyId, result.line);
        fetched.push({ ...candidate, line: result.line, fetchedAt: now });
      } else if ("stopped" in result) {
        notReached += 1;
      } else {
        failed += 1;
        logger.warn("usage lookup failed; the key's messages go out without its usage line", {
          accessKeyId: maskAccessKeyId(candidate.accessKeyId),
          error: result.failed,
        });
      }
    } catch (error) {
      failed += 1;
      logger.warn("usage lookup failed; the key's messages go out without its usage line", {
        accessKeyId: maskAccessKeyId(candidate.accessKeyId),
        ...errorFields(error),
      });
    }
  }
  const drop = staleUsageEntries(cache, input.flaggedKeyIds, input.uncheckedUsers);
  const writes: StateWrite[] = [
    ...fetched.map((entry): StateWrite => ({ type: "put", item: usageToItem(entry) })),
    ...drop.map((accessKeyId): StateWrite => ({ type: "delete", itemKey: itemKey("usage", accessKeyId) })),
  ];
  try {
    if (writes.length > 0) await deps.write(writes);
  } catch (error) {
    logger.warn("could not cache the usage lines; they are looked up again next run", errorFields(error));
  }
  logger.info("key usage summarised", {
    usage: {
      keys: plan.cached.size + plan.toLookUp.length + plan.deferred,
      cached: plan.cached.size,
      lookedUp: fetched.length,
      failed,
      // Left for later runs: beyond the per-run cap, or past the time budget.
      deferred: plan.deferred + notReached,
      dropped: drop.length,
    },
  });
  return lines;
}
