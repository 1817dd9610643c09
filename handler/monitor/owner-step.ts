import { type AlertPlan, type AlertRecord, type StateChange } from "../alerts/alert-transitions";
import { type Classification } from "../scan/classify";
import { type Logger } from "../runtime/logger";
import { type MessagesToSend } from "../alerts/messages-to-send";
import {
  ownerEmails,
  ownerProblems,
  planOwnerDeliveries,
  recordOwnerOutcome,
  renderOwnerMessages,
  type OwnerDelivery,
  type OwnerLookup,
} from "../slack/owner-messages";
import { type OwnerMessagesSummary } from "../runtime/run-summary";
import type { SlackAppSession } from "../slack/slack-app";

/**
 * Sends the owners' direct messages once the channel took the digest, and folds their outcome into
 * the alert-state changes; when the channel failed, none is sent and every one stays pending.
 */
export type OwnerStep = (
  changes: readonly StateChange[],
  channelDelivered: boolean,
) => Promise<{ changes: readonly StateChange[]; summary: OwnerMessagesSummary }>;

/** The owners to tell in this run, looked up in Slack. */
export interface PreparedOwners {
  readonly deliveries: readonly OwnerDelivery[];
  readonly lookups: ReadonlyMap<string, OwnerLookup>;
  readonly problems: ReadonlyMap<string, string>;
}

/** Plans the owners' deliveries and looks the owners up in Slack; undefined when there is none. */
export async function prepareOwners(
  app: SlackAppSession,
  classification: Classification,
  plan: AlertPlan | undefined,
  records: readonly AlertRecord[],
  pendingResolutions: readonly AlertRecord[],
): Promise<PreparedOwners | undefined> {
  const deliveries = planOwnerDeliveries({
    classification,
    ...(plan ? { announcements: plan.announcements, records, pendingResolutions } : {}),
  });
  if (deliveries.length === 0) return undefined;
  const lookups = await app.lookupOwners(ownerEmails(deliveries));
  return { deliveries, lookups, problems: ownerProblems(lookups) };
}

/**
 * The keys the channel digest names on their own line; undefined without alert state, where every
 * flagged key is posted on every run anyway.
 */
export function namedKeys(sent: MessagesToSend, plan: AlertPlan | undefined): ReadonlySet<string> | undefined {
  if (!plan) return undefined;
  return new Set(sent.namedPerMessage.flat().map((a) => a.finding?.accessKeyId ?? a.previous?.accessKeyId ?? ""));
}

/** The owner step of a run: renders and sends the direct messages, and folds their outcome into the changes. */
export function ownerStep(
  app: SlackAppSession,
  owners: PreparedOwners,
  named: ReadonlySet<string> | undefined,
  loaded: readonly AlertRecord[],
  context: Omit<Parameters<typeof renderOwnerMessages>[2], "channel">,
  logger: Logger,
): OwnerStep {
  // An announcement the channel only counted stays due, so its owner hears about it when a later run
  // names it, once; retries of earlier messages go out regardless.
  const deliveries = owners.deliveries.filter((d) => d.retry || named === undefined || named.has(d.accessKeyId));
  return async (changes, channelDelivered) => {
    const messages = renderOwnerMessages(deliveries, owners.lookups, { ...context, channel: app.channel });
    const report = channelDelivered
      ? await app.sendOwnerMessages(messages)
      : { sent: [], failed: messages.map((m) => ({ email: m.email, reason: "the channel delivery failed first" })) };
    for (const failure of report.failed) {
      logger.warn("owner direct message failed; it is sent again on the next run", {
        owner: failure.email,
        error: app.redact(failure.reason),
      });
    }
    const failed = new Set(report.failed.map((failure) => failure.email));
    return {
      changes: recordOwnerOutcome({ changes, deliveries, failed, records: loaded }),
      summary: { sent: report.sent.length, failed: failed.size, notFound: owners.problems.size },
    };
  };
}
