/**
 * A set of IAM user names matched regardless of case. IAM user names are unique regardless of case,
 * and `WATCH_USERS` may spell a user otherwise than IAM does (GetUser matches it anyway), so every
 * comparison of a user name with `WATCH_USERS` or with a list of unchecked users goes through this.
 */
export interface UserNameSet {
  /** Whether `userName`, in any spelling, is in the set. */
  has(userName: string): boolean;
  /** How many distinct users the set holds. */
  readonly size: number;
}

/** The set of `userNames`, matched regardless of case (see {@link UserNameSet}). */
export function userNameSet(userNames: Iterable<string>): UserNameSet {
  const keys = new Set([...userNames].map((userName) => userName.toLowerCase()));
  return { has: (userName) => keys.has(userName.toLowerCase()), size: keys.size };
}
