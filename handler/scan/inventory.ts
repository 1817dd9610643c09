/** Whether IAM lets the key sign requests. */
export type AccessKeyState = "Active" | "Inactive";

/** One access key as a scanner found it. */
export interface AccessKeyRecord {
  /** The full key id; mask it before it leaves the process. */
  readonly accessKeyId: string;
  /** Whether the key can be used. */
  readonly state: AccessKeyState;
  /** When the key was created. */
  readonly createDate: Date;
  /** When the key last signed a request. @default undefined: never used, or not looked up (inactive key) */
  readonly lastUsedDate?: Date;
  /** The service the key last called, such as `s3`. @default undefined */
  readonly lastUsedService?: string;
}

/**
 * The name the root user's access key is reported under, in messages, the CLI's JSON and the alert
 * state. `<` is not allowed in IAM user names, so it never collides with a user.
 */
export const ROOT_USER_NAME = "<root>";

/** The stable key id of the root user's access key (IAM does not tell it): one finding for the root user. */
export const ROOT_ACCESS_KEY_ID = "ROOT-ACCESS-KEY";

/** What a scan knows about the root user's active access key. */
export interface RootAccessKeyRecord {
  /**
   * When the (oldest active) root key was created, from the credential report's root row.
   * @default undefined: not known (the API walk sees only that a root key exists)
   */
  readonly createDate?: Date;
  /** When a root key was last used, from the report. @default undefined: never, or not known */
  readonly lastUsedDate?: Date;
}

/** One IAM user and their access keys. */
export interface UserRecord {
  /** The IAM user name. */
  readonly userName: string;
  /** The user's access keys, in IAM's order. */
  readonly accessKeys: readonly AccessKeyRecord[];
  /**
   * The user's IAM tags, key to value (see user-tags.ts for the `key-age:*` ones).
   * @default undefined: not fetched (e.g. the user has no active key), read as no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * The ARNs of the managed policies attached to the user (an AWS quarantine policy makes its active
   * keys `exposed`). @default undefined: not fetched (the user has no active key), read as none
   */
  readonly attachedPolicyArns?: readonly string[];
}

/** Everything a scan strategy (the per-user API walk or the credential-report scan) hands to classification. */
export interface AccessKeyInventory {
  /** Every scanned user, including users without keys. */
  readonly users: readonly UserRecord[];
  /**
   * Users and keys a credential-report scan saw only in the report and proved unable to be flagged:
   * counted in the totals (as ok or inactive), never listed. @default undefined: every user is in `users`
   */
  readonly reportOnly?: ReportOnlyCounts;
  /**
   * The root user's access key, present only when the root user has an active one (both strategies
   * ask `GetAccountSummary`). @default undefined: no root access key
   */
  readonly rootAccessKey?: RootAccessKeyRecord;
  /**
   * Tags of users not in `users` that hold an active key (a credential-report scan cleared their keys),
   * so their malformed `key-age:*` tags are reported like anyone's. @default undefined: none
   */
  readonly reportOnlyUserTags?: readonly {
    readonly userName: string;
    readonly tags: Readonly<Record<string, string>>;
  }[];
}

/** Users and keys known only from the credential report (no key ids, no live lookup). */
export interface ReportOnlyCounts {
  /** Users not verified live. */
  readonly users: number;
  /** Their keys the report shows as active; none can be critical, warning or unused at scan time. */
  readonly activeKeys: number;
  /** Their keys the report shows as inactive. */
  readonly inactiveKeys: number;
  /**
   * When IAM generated the report these counts come from. Keys deleted, created, deactivated or
   * reactivated since then are not reflected, so these counts are shown as "per the credential
   * report of" this time. @default undefined: unknown
   */
  readonly generatedAt?: Date;
}

/** What a scan cost and what it could not see. */
export interface ScanStats {
  /** AWS API requests made (each page counts once; SDK retries are not counted). */
  readonly apiCalls: number;
  /** Users that disappeared mid-scan (`NoSuchEntity`) and were skipped. */
  readonly skippedUsers: readonly string[];
  /** Names from `WATCH_USERS` that do not exist in the account. */
  readonly missingWatchedUsers: readonly string[];
  /** The scan that ran: `api` (every user) or `credential-report` (report, then candidates). @default undefined: api */
  readonly strategy?: "api" | "credential-report";
  /** Users a credential-report scan read live. @default undefined: not a credential-report scan */
  readonly candidateUsers?: number;
  /**
   * Users the scan could not check before its time budget ran out (not started, or abandoned in
   * flight): their keys are unknown, neither flagged nor cleared. @default undefined: every user was checked
   */
  readonly uncheckedUsers?: readonly string[];
  /** IAM requests answered with a throttling error (each attempt counts). @default undefined: not counted */
  readonly throttledRequests?: number;
  /** Attempts the SDK repeated after an error, throttling or transient. @default undefined: not counted */
  readonly retries?: number;
}

/** A scanner's result: the inventory plus its stats. */
export interface ScanResult {
  /** The users and keys found. */
  readonly inventory: AccessKeyInventory;
  /** Cost and gaps of the scan. */
  readonly stats: ScanStats;
}
