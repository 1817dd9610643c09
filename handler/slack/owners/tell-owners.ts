import { errorMessage } from "../../runtime/error-fields";
import { NOT_REACHED, SlackApiError, type SlackWebApi } from "../slack-web-api";
import { foundOwner, ownerNotFound, type CachedOwner } from "./owner-cache";
import { lookupOwner } from "./lookup-owner";
import type { OwnerMessage } from "./render-owner-messages";

/** What became of one owner in a run. */
export type OwnerOutcome =
  | { readonly email: string; readonly kind: "sent"; readonly userId: string; readonly looked: boolean }
  /** Slack knows nobody by the address: not retried, the channel names the key. */
  | { readonly email: string; readonly kind: "not-found"; readonly reason: string; readonly looked: boolean }
  /** The lookup was refused for good (`missing_scope`…): not retried, the channel names the key. */
  | { readonly email: string; readonly kind: "lookup-failed"; readonly reason: string }
  /** The direct message failed: the owner stays pending and is told next run. */
  | {
      readonly email: string;
      readonly kind: "message-failed";
      readonly reason: string;
      /** The member id came from the cache and Slack no longer knows it: forget it. */
      readonly staleId: boolean;
    }
  /** Not looked up or not told before the deadline (rate limits, time): the owner stays pending. */
  | { readonly email: string; readonly kind: "not-reached"; readonly reason: string };

/** True for an owner who is still to be told after this run. */
export function staysPending(outcome: OwnerOutcome): boolean {
  return outcome.kind === "message-failed" || outcome.kind === "not-reached";
}

/** Direct messages in flight at once: one slow or hanging owner holds one of them, not the run. */
export const OWNER_CONCURRENCY = 4;

// chat.postMessage to a member id Slack no longer knows.
const UNKNOWN_MEMBER = new Set(["user_not_found", "channel_not_found", "user_disabled"]);

/** Options of {@link tellOwners}. */
export interface TellOwnersOptions {
  readonly api: SlackWebApi;
  /** The owner cache's fresh entries, by address. */
  readonly cached: ReadonlyMap<string, CachedOwner>;
  /** No lookup or message starts after this moment (epoch ms): the invocation's end, less a margin. */
  readonly deadline: number;
  /** @default OWNER_CONCURRENCY */
  readonly concurrency?: number;
  /** @default Date.now */
  readonly clock?: () => number;
  /** Told of each owner's outcome as it happens, so progress can be recorded before the run ends. */
  readonly onOutcome?: (outcome: OwnerOutcome) => void;
}

/** What {@link tellOwners} did. */
export interface TellOwnersReport {
  /** One outcome per owner, in the order they finished. */
  readonly outcomes: readonly OwnerOutcome[];
  /** `users.lookupByEmail` calls started (retries of one lookup count once). */
  readonly lookups: number;
}

/**
 * Finds each owner's member (the cache first, then `users.lookupByEmail`) and sends the direct
 * message, a few owners at a time, until `deadline`; owners the cache knows go first, since they cost
 * no lookup. Whatever is not done by then is "not reached" and stays pending: it stops cleanly, never
 * half-way through the run's time. Never throws.
 */
export async function tellOwners(
  messages: readonly OwnerMessage[],
  options: TellOwnersOptions,
): Promise<TellOwnersReport> {
  const clock = options.clock ?? Date.now;
  const outcomes: OwnerOutcome[] = [];
  let lookups = 0;
  const report = (outcome: OwnerOutcome): void => {
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };
  const known = messages.filter((owner) => options.cached.get(owner.email)?.userId !== undefined);
  const queue = [...known, ...messages.filter((owner) => !known.includes(owner))];

  const tell = async (owner: OwnerMessage): Promise<OwnerOutcome> => {
    const { email } = owner;
    const entry = options.cached.get(email);
    if (entry?.notFound) return { email, kind: "not-found", reason: "not found in Slack (remembered)", looked: false };
    if (clock() >= options.deadline) return { email, kind: "not-reached", reason: "the time for owners ran out" };
    let userId = entry?.userId;
    if (userId === undefined) {
      lookups += 1;
      const found = await lookupOwner(options.api, email, options.deadline);
      if (found.kind === "not-found") return { email, kind: "not-found", reason: found.reason, looked: true };
      if (found.kind === "failed") return { email, kind: "lookup-failed", reason: found.reason };
      if (found.kind === "not-reached") return { email, kind: "not-reached", reason: found.reason };
      userId = found.userId;
    }
    try {
      await options.api.postMessage(
        userId,
        { text: owner.message.text, blocks: owner.message.blocks },
        { deadline: options.deadline },
      );
      return { email, kind: "sent", userId, looked: entry === undefined };
    } catch (error) {
      const reason = errorMessage(error);
      if (error instanceof SlackApiError && error.reason === NOT_REACHED) return { email, kind: "not-reached", reason };
      const staleId = entry !== undefined && error instanceof SlackApiError && UNKNOWN_MEMBER.has(error.reason);
      return { email, kind: "message-failed", reason, staleId };
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const owner = queue[next] as OwnerMessage;
      next += 1;
      report(await tell(owner));
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? OWNER_CONCURRENCY, queue.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return { outcomes, lookups };
}

/** The owner-cache changes a run's outcomes call for: members found, addresses Slack does not know, stale ids. */
export function ownerCacheChanges(
  outcomes: readonly OwnerOutcome[],
  now: Date,
  ttlMs: number,
): { readonly put: readonly CachedOwner[]; readonly forget: readonly string[] } {
  const put: CachedOwner[] = [];
  const forget: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.kind === "sent" && outcome.looked) put.push(foundOwner(outcome.email, outcome.userId, now, ttlMs));
    // `users_not_found` replaces whatever was remembered: the address no longer leads to that member.
    if (outcome.kind === "not-found" && outcome.looked) put.push(ownerNotFound(outcome.email, now, ttlMs));
    if (outcome.kind === "message-failed" && outcome.staleId) forget.push(outcome.email);
  }
  return { put, forget };
}
