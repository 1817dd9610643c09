import { errorMessage } from "../../runtime/error-fields";
import { NOT_REACHED, SlackApiError, type SlackWebApi } from "../slack-web-api";

/** What `users.lookupByEmail` said about one address. */
export type LookupOutcome =
  | { readonly kind: "found"; readonly userId: string }
  /** Slack knows nobody by it (`users_not_found`), or only a deactivated member: the channel is their fallback. */
  | { readonly kind: "not-found"; readonly reason: string }
  /** Slack refused for good (`missing_scope`, `invalid_auth`): the channel is their fallback. */
  | { readonly kind: "failed"; readonly reason: string }
  /** Rate-limited, timed out or past the deadline: not answered yet, so the owner stays pending. */
  | { readonly kind: "not-reached"; readonly reason: string };

/** The reason given for an address Slack knows nobody by. */
export const USERS_NOT_FOUND = "no Slack user has that email address";

/**
 * Looks one address up (`users.lookupByEmail`, Tier 3), starting no later than `deadline`. Never
 * throws: a rate-limited lookup is "not reached yet", never "not found".
 */
export async function lookupOwner(api: SlackWebApi, email: string, deadline: number): Promise<LookupOutcome> {
  try {
    const response = await api.call("users.lookupByEmail", { email }, { deadline });
    const user = response.user as { id?: unknown; deleted?: unknown } | undefined;
    if (typeof user?.id === "string" && user.deleted !== true) return { kind: "found", userId: user.id };
    return { kind: "not-found", reason: "the Slack account is deactivated" };
  } catch (error) {
    if (!(error instanceof SlackApiError)) return { kind: "not-reached", reason: errorMessage(error) };
    if (error.reason === "users_not_found") return { kind: "not-found", reason: USERS_NOT_FOUND };
    if (error.permanent) return { kind: "failed", reason: error.message };
    return { kind: "not-reached", reason: error.reason === NOT_REACHED ? "not reached in time" : error.message };
  }
}
