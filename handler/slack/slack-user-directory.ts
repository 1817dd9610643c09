import { errorMessage } from "../runtime/error-fields";
import { mapWithConcurrency } from "../runtime/map-with-concurrency";
import { NOT_FOUND, type OwnerLookup } from "./owner-messages";
import { SlackApiError, type SlackWebApi } from "./slack-web-api";

/** Finds Slack users by email, remembering the answers. */
export interface SlackUserDirectory {
  /** Looks up every address once (in parallel, a few at a time); a failed lookup is a `problem`, never a throw. */
  lookupAll(emails: readonly string[]): Promise<ReadonlyMap<string, OwnerLookup>>;
}

/** How long a found user is remembered in the container: an address rarely moves to another member. */
export const OWNER_LOOKUP_CACHE_MS = 60 * 60_000;

// users.lookupByEmail is Tier 3 (about 50 a minute): a few in flight stays well inside it.
const LOOKUP_CONCURRENCY = 4;

/**
 * A directory over `users.lookupByEmail`. Found users are cached in the container for
 * {@link OWNER_LOOKUP_CACHE_MS}, so a warm container (a run every 10 minutes) rarely asks again;
 * misses and failures are only remembered for the run, so a newly invited owner is found next run.
 */
export function createSlackUserDirectory(api: SlackWebApi, clock: () => number = Date.now): SlackUserDirectory {
  const found = new Map<string, { userId: string; at: number }>();
  return {
    async lookupAll(emails) {
      const results = new Map<string, OwnerLookup>();
      const pending: string[] = [];
      for (const email of new Set(emails.map((address) => address.toLowerCase()))) {
        const hit = found.get(email);
        if (hit && clock() - hit.at < OWNER_LOOKUP_CACHE_MS) results.set(email, { email, userId: hit.userId });
        else pending.push(email);
      }
      await mapWithConcurrency(pending, LOOKUP_CONCURRENCY, async (email) => {
        const result = await lookup(api, email);
        if (result.userId !== undefined) found.set(email, { userId: result.userId, at: clock() });
        results.set(email, result);
      });
      return results;
    },
  };
}

async function lookup(api: SlackWebApi, email: string): Promise<OwnerLookup> {
  try {
    const response = await api.call("users.lookupByEmail", { email });
    const user = response.user as { id?: unknown; deleted?: unknown } | undefined;
    if (typeof user?.id === "string" && user.deleted !== true) return { email, userId: user.id };
    return { email, problem: "the Slack account is deactivated" };
  } catch (error) {
    if (error instanceof SlackApiError && error.reason === "users_not_found") {
      return { email, problem: NOT_FOUND };
    }
    return { email, problem: `the lookup failed: ${errorMessage(error)}` };
  }
}
