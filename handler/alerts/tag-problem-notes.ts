import type { UserTagProblems } from "../scan/classify";
import { userNameSet } from "../scan/user-names";
import { ITEM_KINDS } from "./state-keys";

/**
 * What the alert state remembers about a user's announced tag problems: one item in the account's
 * partition, beside its key records, under the sort key `tag-problems#<user>` (see state-keys.ts).
 */
export interface TagProblemNote {
  /** The IAM user. */
  readonly userName: string;
  /** The problems as announced, one sentence per line: announced again only when this text changes. */
  readonly problems: string;
  /** When they were announced. */
  readonly announcedAt: Date;
  /** When the table's TTL may drop the note; past it the problems are announced again. */
  readonly expiresAt: Date;
}

/** The sort-key prefix of tag-problem notes in the state table. */
export const TAG_NOTE_KEY_PREFIX = ITEM_KINDS.tagNote;

/** A change to the tag-problem notes, applied after Slack accepted the message that named them. */
export type TagNoteChange =
  | { readonly type: "put"; readonly note: TagProblemNote }
  | { readonly type: "delete"; readonly userName: string };

/** What to announce about tag problems and what to remember. */
export interface TagProblemPlan {
  /** Users whose tag problems are new or changed since they were announced, by user name. */
  readonly toAnnounce: readonly UserTagProblems[];
  /** The notes to write for the users in `toAnnounce` once Slack accepted the message naming them. */
  readonly onDelivery: (announced: readonly string[]) => readonly TagNoteChange[];
  /** Notes of users whose tags are fine now: dropped without a message. */
  readonly silentChanges: readonly TagNoteChange[];
}

/** Tag problems are announced again after this long even when unchanged, so a forgotten typo resurfaces. */
export const TAG_NOTE_RETENTION_MS = 90 * 86_400_000;

/**
 * Compares this run's tag problems with the notes (pure): a user's problems are announced when no
 * note has them, or the note's text differs (the value changed), or the note expired; a note whose
 * user was checked and has no problem any more is dropped silently (an unchecked user's note stays). Unchanged problems stay quiet, so a typo is
 * announced once, not every run.
 */
export function planTagProblemNotes(input: {
  readonly tagProblems: readonly UserTagProblems[];
  readonly notes: readonly TagProblemNote[];
  readonly now: Date;
  /** Users this run could not check: their notes stay, as nothing is known of their tags. @default [] */
  readonly uncheckedUsers?: readonly string[];
  /** @default TAG_NOTE_RETENTION_MS */
  readonly retentionMs?: number;
}): TagProblemPlan {
  const now = input.now.getTime();
  const notes = new Map(
    input.notes.filter((note) => note.expiresAt.getTime() > now).map((note) => [note.userName, note]),
  );
  const current = new Map(input.tagProblems.map((user) => [user.userName, user.problems.join("\n")]));
  const toAnnounce = input.tagProblems.filter(
    (user) => notes.get(user.userName)?.problems !== current.get(user.userName),
  );
  const expiresAt = new Date(now + (input.retentionMs ?? TAG_NOTE_RETENTION_MS));
  const unchecked = userNameSet(input.uncheckedUsers ?? []);
  return {
    toAnnounce,
    onDelivery: (announced) =>
      announced.flatMap((userName) => {
        const problems = current.get(userName);
        return problems === undefined
          ? []
          : [{ type: "put" as const, note: { userName, problems, announcedAt: input.now, expiresAt } }];
      }),
    silentChanges: input.notes
      .filter((note) => !current.has(note.userName) && !unchecked.has(note.userName))
      .map((note) => ({ type: "delete" as const, userName: note.userName })),
  };
}
