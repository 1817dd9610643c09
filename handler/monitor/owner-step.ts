import type { AlertPlan, AlertRecord, StateChange } from "../alerts/alert-transitions";
import type { MessagesToSend } from "../alerts/messages-to-send";
import { errorFields } from "../runtime/error-fields";
import type { Logger } from "../runtime/logger";
import type { OwnerMessagesSummary } from "../runtime/run-summary";
import type { Classification } from "../scan/classify";
import type { CachedOwner } from "../slack/owners/owner-cache";
import { ownerProblems } from "../slack/owners/owner-problems";
import { ownerEmails, planOwnerDeliveries, type OwnerDelivery } from "../slack/owners/plan-owner-deliveries";
import { recordOwnerOutcome } from "../slack/owners/record-owner-outcome";
import { renderOwnerMessages, type OwnerMessageContext } from "../slack/owners/render-owner-messages";
import { ownerCacheChanges, staysPending, type OwnerOutcome } from "../slack/owners/tell-owners";
import type { SlackAppSession } from "../slack/slack-app";
import type { UsageCandidate } from "../usage/usage-cache";

/** The owners a run may tell, planned before the digest is rendered. */
export interface PreparedOwners {
  /** Every planned delivery; only those of keys the digest names (and retries) are told. */
  readonly deliveries: readonly OwnerDelivery[];
  /** The owner cache's fresh entries for their addresses. */
  readonly cached: ReadonlyMap<string, CachedOwner>;
  /** Owners an earlier run found unknown to Slack, as the note the digest shows on their keys. */
  readonly problems: ReadonlyMap<string, string>;
}

/**
 * Plans the owners' deliveries and reads what the owner cache knows of them (a failed read is logged
 * and the run carries on without it); undefined when there is nobody to tell. No Slack call: the
 * digest goes out before any owner work.
 */
export async function prepareOwners(
  app: SlackAppSession,
  classification: Classification,
  plan: AlertPlan | undefined,
  records: readonly AlertRecord[],
  pendingResolutions: readonly AlertRecord[],
  logger: Logger,
): Promise<PreparedOwners | undefined> {
  const deliveries = planOwnerDeliveries({
    classification,
    ...(plan ? { announcements: plan.announcements, records, pendingResolutions } : {}),
  });
  if (deliveries.length === 0) return undefined;
  let cached: ReadonlyMap<string, CachedOwner> = new Map();
  try {
    cached = await app.owners.cached(ownerEmails(deliveries));
  } catch (error) {
    logger.warn("could not read the owner cache; owners are looked up in Slack", errorFields(error));
  }
  const notFound = [...cached.values()].filter((entry) => entry.notFound).map((entry) => entry.email);
  return { deliveries, cached, problems: ownerProblems(notFound) };
}

/**
 * The keys the channel digest names on their own line; undefined without alert state, where every
 * flagged key is posted on every run anyway.
 */
export function namedKeys(sent: MessagesToSend, plan: AlertPlan | undefined): ReadonlySet<string> | undefined {
  if (!plan) return undefined;
  return new Set(sent.namedPerMessage.flat().map((a) => a.finding?.accessKeyId ?? a.previous?.accessKeyId ?? ""));
}

/** The owner step of a run: after the channel (and enforcement), within the time left. */
export interface OwnerStep {
  /** The keys whose owners this step tells of an alert (not a resolution): they may show usage. */
  readonly keys: readonly UsageCandidate[];
  /**
   * The channel's changes with every owner of a key it named marked pending: written with them,
   * before any owner is looked up or messaged, so a run killed half-way loses nobody.
   */
  withOwnersPending(changes: readonly StateChange[]): StateChange[];
  /**
   * Looks up and tells the owners until the invocation's time (less a margin) runs out, and records
   * each owner told as it happens (`record`, with alert state); whoever is not told stays pending for
   * the next run. `complete` is what the channel's delivery recorded, before owners were folded in.
   * `usageLines` (`KEY_USAGE=on`) are shown under their keys.
   */
  tell(
    complete: readonly StateChange[],
    record: ((changes: readonly StateChange[]) => Promise<void>) | undefined,
    usageLines?: ReadonlyMap<string, string>,
  ): Promise<OwnerMessagesSummary>;
}

/** Builds the owner step for the owners of the keys the digest names, and the retries of earlier runs. */
export function ownerStep(
  app: SlackAppSession,
  owners: PreparedOwners,
  named: ReadonlySet<string> | undefined,
  loaded: readonly AlertRecord[],
  context: Omit<OwnerMessageContext, "channel">,
  logger: Logger,
): OwnerStep {
  // An announcement the channel only counted stays due, so its owner is looked up and told when a
  // later run names it, once; retries of earlier messages go out regardless.
  const deliveries = owners.deliveries.filter((d) => d.retry || named === undefined || named.has(d.accessKeyId));
  const knownNotFound = new Set([...owners.cached.values()].filter((e) => e.notFound).map((e) => e.email));
  const toTell = (list: readonly OwnerDelivery[]) =>
    new Set(ownerEmails(list).filter((email) => !knownNotFound.has(email)));
  const fresh = deliveries.filter((delivery) => !delivery.retry);

  return {
    keys: deliveries.flatMap((delivery) =>
      delivery.notice.kind !== "resolved" && delivery.notice.finding
        ? [{ accessKeyId: delivery.accessKeyId, userName: delivery.notice.finding.userName }]
        : [],
    ),
    withOwnersPending: (changes) =>
      recordOwnerOutcome({ changes, deliveries: fresh, failed: toTell(fresh), records: loaded }),

    async tell(complete, record, usageLines) {
      const pending = toTell(deliveries);
      const progress = record && progressWriter(complete, deliveries, loaded, pending, record, logger);
      const messages = renderOwnerMessages(deliveries, {
        ...context,
        channel: app.channel,
        ...(usageLines ? { usageLines } : {}),
      });
      const report = await app.owners.tell(messages, owners.cached, (outcome) => {
        if (!staysPending(outcome)) pending.delete(outcome.email);
        progress?.changed();
      });
      await progress?.finish();
      await remember(app, report.outcomes, context.now, logger);
      logOutcomes(report.outcomes, app, logger);
      const count = (...kinds: OwnerOutcome["kind"][]) => report.outcomes.filter((o) => kinds.includes(o.kind)).length;
      return {
        sent: count("sent"),
        failed: count("message-failed", "lookup-failed"),
        notFound: count("not-found"),
        pending: count("message-failed", "not-reached"),
        lookups: report.lookups,
      };
    },
  };
}

/**
 * Writes the owners' progress while they are told: after each outcome, the records whose pending
 * owners changed (one write at a time, coalescing the outcomes that arrive meanwhile). A failed write
 * is logged and left to the next one; {@link finish} writes the final state and throws if it cannot.
 */
function progressWriter(
  complete: readonly StateChange[],
  deliveries: readonly OwnerDelivery[],
  loaded: readonly AlertRecord[],
  pending: ReadonlySet<string>,
  record: (changes: readonly StateChange[]) => Promise<void>,
  logger: Logger,
): { changed(): void; finish(): Promise<void> } {
  const state = () => recordOwnerOutcome({ changes: complete, deliveries, failed: pending, records: loaded });
  const keyOf = (change: StateChange) => (change.type === "put" ? change.record.accessKeyId : change.accessKeyId);
  // What the table holds now: the channel's write already marked every owner pending.
  const written = new Map(state().map((change) => [keyOf(change), JSON.stringify(change)]));
  const write = async (): Promise<void> => {
    const next = state().filter((change) => written.get(keyOf(change)) !== JSON.stringify(change));
    if (next.length === 0) return;
    await record(next);
    for (const change of next) written.set(keyOf(change), JSON.stringify(change));
  };
  let running: Promise<void> | undefined;
  let dirty = false;
  const pump = (): void => {
    if (running !== undefined) {
      dirty = true;
      return;
    }
    dirty = false;
    running = write()
      .catch((error: unknown) => logger.warn("could not record the owners told so far; retried", errorFields(error)))
      .finally(() => {
        running = undefined;
        if (dirty) pump();
      });
  };
  return {
    changed: pump,
    async finish() {
      while (running !== undefined) await running;
      await write();
    },
  };
}

/** Remembers what the lookups learnt in the owner cache; a failed write only costs lookups next run. */
async function remember(app: SlackAppSession, outcomes: readonly OwnerOutcome[], now: Date, logger: Logger) {
  const changes = ownerCacheChanges(outcomes, now, app.owners.cacheTtlMs);
  try {
    if (changes.put.length > 0) await app.owners.cache.put(changes.put);
    if (changes.forget.length > 0) await app.owners.cache.forget(changes.forget);
  } catch (error) {
    logger.warn("could not update the owner cache; those owners are looked up again", errorFields(error));
  }
}

function logOutcomes(outcomes: readonly OwnerOutcome[], app: SlackAppSession, logger: Logger): void {
  for (const outcome of outcomes) {
    if (outcome.kind === "message-failed") {
      logger.warn("owner direct message failed; it is sent again on the next run", {
        owner: outcome.email,
        error: app.redact(outcome.reason),
      });
    } else if (outcome.kind === "lookup-failed") {
      logger.warn("owner lookup failed; only the channel names their keys", {
        owner: outcome.email,
        error: app.redact(outcome.reason),
      });
    }
  }
  const notReached = outcomes.filter((outcome) => outcome.kind === "not-reached").length;
  if (notReached > 0) {
    logger.warn("owners not reached within the invocation's time; they stay pending for the next run", {
      owners: notReached,
    });
  }
}
